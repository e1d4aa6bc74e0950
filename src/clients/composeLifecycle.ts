import { readFile } from 'node:fs/promises';
import { ComposeFileError, parseComposeFile, type ComposeModel } from '../core/composeFile';
import { activeServices, type ComposeProjectModel } from '../core/composeModel';
import { readComposeProject } from './composeConfig';
import { ComposeCliRunner, ComposeError, detectComposeCli, type ComposeProjectRef, type RunOptions } from './composeCli';
import { currentServiceResults, waitForServices, type ServiceResult } from './composeHealth';
import { DockerError, type DockerClient } from './dockerClient';
import { missingImages, projectResources, removeCreatedSince, type ProjectResources } from './composeResources';
import { STACK_PROJECT_NAME } from '../core/stackEnvironment';

export interface UpOptions extends RunOptions {
  /** Only these services (and what they depend on); default: every service without a profile. */
  services?: readonly string[];
  /** `--remove-orphans` (default on; off when starting one service). */
  removeOrphans?: boolean;
  /** Compose's model of this very project, when the caller has just read it (no second `config` run). */
  model?: ComposeProjectModel;
  /** Bound on waiting for health after `up` returns (ms). */
  healthTimeoutMs?: number;
  pollMs?: number;
}

export interface UpOutcome {
  results: ServiceResult[];
  /** True when no service failed. */
  ok: boolean;
}

/**
 * Reads and parses compose files with Realm's own quick parser — only for a provisional model
 * while the compose CLI has not answered (compose's `config` is the authority). A file that cannot
 * be read or parsed becomes ComposeError('malformed-file') carrying the file, line, column and all problems.
 */
export async function loadComposeModels(files: readonly string[]): Promise<ComposeModel[]> {
  return Promise.all(
    files.map(async (file) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new ComposeError('malformed-file', `Cannot read compose file ${file}: ${(e as Error).message}`, { file });
      }
      try {
        return parseComposeFile(text, file);
      } catch (e) {
        if (!(e instanceof ComposeFileError)) throw e;
        throw new ComposeError('malformed-file', e.message, { file: e.file, line: e.line, column: e.column, problems: e.problems });
      }
    }),
  );
}

/**
 * Stack Up: asks compose how it reads the project (its own validation, its errors placed on the
 * file and line), runs `up -d` with output streamed, then waits (bounded) for each service compose
 * starts by default to be started, healthy or failed. When `up` itself fails, the error carries
 * the per-service state at that moment.
 */
export async function composeUp(runner: ComposeCliRunner, docker: DockerClient, project: ComposeProjectRef, options: UpOptions = {}): Promise<UpOutcome> {
  const model = options.model ?? (await readComposeProject(runner, project, { signal: options.signal })).model;
  await ensureEngine(docker);
  const services = options.services?.length ? [...options.services] : activeServices(model);
  // what the project had before, so a failed pull can take back only what this `up` created
  const before = await projectResources(docker, project.projectName).catch(() => undefined);
  try {
    await runner.up(project, { ...options, size: upSize(model) });
  } catch (err) {
    if (err instanceof ComposeError && err.kind !== 'cancelled' && err.kind !== 'engine-unreachable') {
      const failure = (await pullFailure(docker, project, model, services, err, before).catch(() => undefined)) ?? err;
      const results = await currentServiceResults(docker, project.projectName, services).catch(() => undefined);
      throw results ? new ComposeError(failure.kind, failure.message, { ...failure.details, results }) : failure;
    }
    throw err;
  }
  try {
    const results = await waitForServices(docker, project.projectName, services, {
      timeoutMs: options.healthTimeoutMs ?? 120_000,
      pollMs: options.pollMs,
      signal: options.signal,
    });
    return { results, ok: results.every((r) => r.outcome !== 'failed') };
  } catch (err) {
    if (options.signal?.aborted) throw new ComposeError('cancelled', 'Cancelled while waiting for services to become healthy');
    throw err;
  }
}

/** What `up` may start: the default services with their replicas (v1 needs the count; see ComposeCliRunner.up). */
function upSize(model: ComposeProjectModel): { services: number; containers: number } {
  const services = model.services.filter((s) => s.active);
  return { services: services.length, containers: services.reduce((n, s) => n + Math.max(1, s.replicas), 0) };
}

/**
 * When `up` failed because images could not be pulled (offline, a broken registry or proxy, an
 * unknown tag): names the images the engine still lacks, says what to do, and removes what this
 * `up` created (containers, networks, volumes that did not exist before; older volumes stay).
 * Undefined when every image is there: the failure was something else.
 */
async function pullFailure(
  docker: DockerClient,
  project: ComposeProjectRef,
  model: ComposeProjectModel,
  services: readonly string[],
  err: ComposeError,
  before: ProjectResources | undefined,
): Promise<ComposeError | undefined> {
  if (err.kind !== 'image-unavailable' && err.kind !== 'failed') return undefined;
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const images = services
    .map((s) => byName.get(s))
    .filter((s) => !!s?.image && !s.hasBuild)
    .map((s) => s!.image!);
  const missing = await missingImages(docker, images);
  if (!missing.length) return undefined;
  const cleanup = before ? await removeCreatedSince(docker, project.projectName, before) : { removed: [], failed: [] };
  const offline = /dial tcp|no such host|lookup|TLS handshake|i\/o timeout|proxyconnect|connection refused/i.test(err.details.output ?? err.message);
  const why = offline ? 'the registry cannot be reached (offline, DNS, proxy or TLS)' : 'the registry does not have it or refuses access';
  const pull = `docker compose -p ${project.projectName} ${project.files.map((f) => `-f ${f}`).join(' ')} pull`;
  const instead =
    project.projectName === STACK_PROJECT_NAME
      ? ', or point realm.prometheusUrl, realm.alertmanagerUrl, realm.lokiUrl and realm.grafanaUrl at backends that already run'
      : '';
  const removed = cleanup.removed.length ? ` Removed what this Stack Up created: ${cleanup.removed.join(', ')}.` : '';
  const left = cleanup.failed.length ? ` Could not remove: ${cleanup.failed.join(', ')}.` : '';
  const message = `Could not pull ${missing.length === 1 ? 'image' : `${missing.length} images`} ${missing.join(', ')}: ${why}. Pull ${missing.length === 1 ? 'it' : 'them'} when online (${pull})${instead}.${removed}${left}`;
  return new ComposeError('image-unavailable', message, { ...err.details, missingImages: missing, removed: cleanup.removed });
}

/** Stack Down: `down --remove-orphans` (and `--volumes` when asked), output streamed. */
export async function composeDown(runner: ComposeCliRunner, project: ComposeProjectRef, options: RunOptions & { removeVolumes?: boolean } = {}): Promise<void> {
  await runner.down(project, options);
}

/** One line per service for the output channel and the final notification. */
export function describeResult(r: ServiceResult): string {
  const icon = r.outcome === 'failed' ? '✗' : '✓';
  return `${icon} ${r.service}: ${r.outcome}${r.reason ? ` — ${r.reason}` : ''}`;
}

/** Fails fast with ComposeError('engine-unreachable') when the engine does not answer a ping. */
export async function ensureEngine(docker: DockerClient): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    if (e instanceof DockerError && e.isUnreachable)
      throw new ComposeError('engine-unreachable', `${e.message}. Start Docker, or set DOCKER_HOST to a running engine.`);
    throw e;
  }
}

/**
 * Detects the compose CLI once, on first use, and keeps the runner; a failed detection is retried
 * next time (the user may install compose meanwhile). `dockerHost` (an explicit DOCKER_HOST) is passed
 * to the CLI; without it the CLI uses its own docker context.
 */
export function lazyComposeRunner(dockerHost?: string): () => Promise<ComposeCliRunner> {
  let pending: Promise<ComposeCliRunner> | undefined;
  return () => {
    pending ??= detectComposeCli({ dockerHost }).then((cli) => new ComposeCliRunner(cli, { dockerHost }));
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}
