import type { DockerClient } from './dockerClient';

export interface ContainerLogOptions {
  /** Last N lines (default 500). */
  tail?: number;
  timestamps?: boolean;
  timeoutMs?: number;
  /** Only lines written before this time (epoch ms): a dead container's run, not what a restart printed since. */
  untilMs?: number;
}

/**
 * The last lines of one container's stdout and stderr, in order, read from the engine (not
 * through compose, so it works for any project's container and for one replica).
 */
export async function readContainerLogs(docker: DockerClient, containerId: string, options: ContainerLogOptions = {}): Promise<string[]> {
  // one bound for both calls: the inspect (TTY or multiplexed) and the logs
  const signal = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const info = await docker.inspect(containerId, options.timeoutMs ?? 15_000, signal);
  const until = options.untilMs !== undefined ? { until: (options.untilMs / 1000).toFixed(3) } : {};
  const buffer = await docker.call(
    `logs of ${containerId.slice(0, 12)}`,
    (d, abortSignal) =>
      d.getContainer(containerId).logs({
        stdout: true,
        stderr: true,
        follow: false,
        tail: options.tail ?? 500,
        timestamps: options.timestamps ?? true,
        ...until,
        abortSignal,
      } as Parameters<ReturnType<typeof d.getContainer>['logs']>[0] & { follow: false }) as unknown as Promise<Buffer>,
    options.timeoutMs ?? 15_000,
    signal,
  );
  return splitLines(info.Config.Tty ? buffer.toString('utf8') : demuxLogBuffer(buffer));
}

/**
 * Non-TTY containers' logs come as frames: 1 byte stream (1 stdout, 2 stderr), 3 zero bytes, a
 * 4-byte big-endian length, then the payload. Frames are concatenated in the order written.
 */
export function demuxLogBuffer(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, Math.min(buffer.length, offset + 8 + size)));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
