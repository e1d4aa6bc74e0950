export type DockerErrorKind = 'unreachable' | 'timeout' | 'not-found' | 'conflict' | 'invalid-response' | 'api';

/** A typed engine error: what failed, against which engine, and the engine's own message. */
export class DockerError extends Error {
  constructor(
    readonly kind: DockerErrorKind,
    readonly operation: string,
    readonly engine: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'DockerError';
  }
  get isUnreachable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout';
  }
}

/** The error of a call that passed its time: the engine is there but did not answer. */
export function dockerTimeout(operation: string, engine: string, timeoutMs: number): DockerError {
  return new DockerError('timeout', operation, engine, `Docker engine at ${engine} did not answer ${operation} within ${timeoutMs / 1000} s`);
}

/** Any failure of a dockerode call as a DockerError: connection errors, 404, 409, or the engine's message. */
export function toDockerError(err: unknown, operation: string, engine: string): DockerError {
  if (err instanceof DockerError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; json?: { message?: string } };
  const engineMessage = e.json?.message ?? e.message ?? String(err);
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code === 'EACCES' || e.code === 'EPIPE') {
    const hint = e.code === 'EACCES' ? ' (permission denied: is your user in the docker group?)' : '';
    return new DockerError('unreachable', operation, engine, `Cannot reach the Docker engine at ${engine}${hint}: ${e.code}`);
  }
  if (e.statusCode === 404) return new DockerError('not-found', operation, engine, `Docker ${operation}: ${engineMessage}`, 404);
  if (e.statusCode === 409) return new DockerError('conflict', operation, engine, `Docker ${operation}: ${engineMessage}`, 409);
  return new DockerError('api', operation, engine, `Docker ${operation} failed: ${engineMessage.replace(/^\(HTTP code \d+\)\s*/, '')}`, e.statusCode);
}

/** 304 (already stopped / already started) is the state the caller wanted: not an error. */
export function ignoreNotModified(e: unknown): void {
  if (e instanceof DockerError && e.statusCode === 304) return;
  throw e;
}
