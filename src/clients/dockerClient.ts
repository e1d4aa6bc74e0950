import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { ComposeLabels, ContainerInfo } from '../core/containers';
import { Clock, systemClock } from '../platform/clock';
import { mapWithConcurrency } from '../platform/concurrency';
import { IDisposable } from '../platform/disposable';
import { dockerode } from '../platform/lazyModules';
import { dockerHostFromContext, parseDockerHost } from './dockerContext';
import { DockerError, dockerTimeout, ignoreNotModified, toDockerError } from './dockerErrors';
import { ContainerInspect, EngineEvent, parseContainerInspect, parseEngineEvent, toContainerInfo } from './dockerResponses';

export { DockerError, toDockerError } from './dockerErrors';
export type { DockerErrorKind } from './dockerErrors';
export type { EngineEvent } from './dockerResponses';

/**
 * The container events the store and the healer use. Asking the engine for only these leaves out
 * the health probes' exec_create/exec_start/exec_die (three per probe and container) and attach,
 * resize, top…, which were streamed and parsed only to be dropped. The engine matches
 * `health_status` by prefix (`health_status: unhealthy`).
 */
export const WATCHED_EVENTS = [
  'create',
  'start',
  'restart',
  'die',
  'kill',
  'stop',
  'pause',
  'unpause',
  'oom',
  'health_status',
  'rename',
  'update',
  'destroy',
] as const;

/** Inspects in flight at once when listing: a 200-container project must not flood the engine. */
const INSPECT_CONCURRENCY = 8;

/** The calls whose options argument (with `abortSignal`, which dockerode 4 takes) @types/dockerode leaves out. */
interface SignalOnlyCalls {
  ping(options: { abortSignal: AbortSignal }): Promise<unknown>;
  version(options: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion>;
  pruneBuilder(options: { abortSignal: AbortSignal }): Promise<Docker.PruneBuilderInfo & { CachesDeleted?: string[] }>;
}

export function withSignal(d: Docker): SignalOnlyCalls {
  return d as unknown as SignalOnlyCalls;
}

export interface DockerClientOptions {
  /** `unix:///path`, `tcp://host:port`; default: DOCKER_HOST, else the docker CLI's current context, else /var/run/docker.sock. */
  dockerHost?: string;
  /** Per-call timeout for non-streaming calls (ms). */
  timeoutMs?: number;
  /** Stamps `receivedAt` on engine events (the extension's one clock). */
  clock?: Clock;
}

export interface EventStreamHandle extends IDisposable {
  /** Resolves when the stream ends or errors (the engine went away); the error says why. */
  readonly closed: Promise<Error | undefined>;
}

/**
 * The one wrapper around dockerode: every call has a timeout, every error is a DockerError, and
 * containers come back as domain `ContainerInfo`s.
 */
export class DockerClient {
  private client: Docker | undefined;
  private readonly clock: Clock;
  readonly engine: string;
  private readonly timeoutMs: number;

  constructor(options: DockerClientOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const host = options.dockerHost || process.env.DOCKER_HOST || dockerHostFromContext() || 'unix:///var/run/docker.sock';
    this.engine = host;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // An unsupported DOCKER_HOST (ssh://, a malformed tcp://) must not stop activation: every
    // engine call fails with the reason instead, and the Services view shows the engine unreachable.
    try {
      this.options = parseDockerHost(host);
    } catch (e) {
      this.hostError = e instanceof DockerError ? e : new DockerError('unreachable', 'connect', host, `Invalid DOCKER_HOST "${host}": ${(e as Error).message}`);
    }
  }

  private readonly options: Docker.DockerOptions = {};
  private readonly hostError: DockerError | undefined;

  /** dockerode, created on first use so activation does not load it. */
  private get docker(): Docker {
    if (this.hostError) throw this.hostError;
    this.client ??= new (dockerode())(this.options);
    return this.client;
  }

  async ping(): Promise<void> {
    await this.call('ping', (d, abortSignal) => withSignal(d).ping({ abortSignal }));
  }

  async version(): Promise<{ version: string; apiVersion: string }> {
    const v = await this.call('version', (d, abortSignal) => withSignal(d).version({ abortSignal }));
    return { version: v.Version, apiVersion: v.ApiVersion };
  }

  /**
   * Containers of the given compose projects (all compose containers when `projects` is empty),
   * inspected for health, restart count and start time. One-off `run` containers are left out.
   */
  async listComposeContainers(projects: readonly string[] = []): Promise<ContainerInfo[]> {
    const label = projects.length === 0 ? [ComposeLabels.project] : projects.map((p) => `${ComposeLabels.project}=${p}`);
    // The engine ANDs label filters, so one list call per project.
    const lists = await Promise.all(
      (projects.length <= 1 ? [label] : label.map((l) => [l])).map((l) =>
        this.call('listContainers', (d, abortSignal) => d.listContainers({ all: true, filters: JSON.stringify({ label: l }), abortSignal })),
      ),
    );
    const summaries = lists.flat().filter((s) => s.Labels?.[ComposeLabels.oneoff] !== 'True');
    const infos = await mapWithConcurrency(summaries, INSPECT_CONCURRENCY, (s) =>
      this.inspectContainer(s.Id).catch((e: unknown) => {
        // removed between list and inspect: skip it, the next event refreshes
        if (e instanceof DockerError && e.kind === 'not-found') return undefined;
        throw e;
      }),
    );
    return infos.filter((i): i is ContainerInfo => i !== undefined);
  }

  /**
   * The compose project whose containers were created from `folder` (their working_dir label), for
   * naming the workspace's project when no compose CLI is installed. Undefined when none runs.
   */
  async composeProjectOfFolder(folder: string): Promise<string | undefined> {
    const list = await this.call('listContainers', (d, abortSignal) =>
      d.listContainers({ all: true, filters: JSON.stringify({ label: [`${ComposeLabels.workingDir}=${folder}`] }), abortSignal }),
    );
    return list.map((c) => c.Labels?.[ComposeLabels.project]).find((p): p is string => Boolean(p));
  }

  /** The engine's inspect result, checked: a malformed answer is an `invalid-response` DockerError naming the field. */
  async inspect(id: string, timeoutMs = this.timeoutMs, signal?: AbortSignal): Promise<ContainerInspect> {
    const raw = await this.call('inspect', (d, abortSignal) => d.getContainer(id).inspect({ abortSignal }), timeoutMs, signal);
    try {
      return parseContainerInspect(raw);
    } catch (e) {
      throw new DockerError(
        'invalid-response',
        'inspect',
        this.engine,
        `Docker engine at ${this.engine} sent an inspect result Realm cannot read: ${(e as Error).message}`,
      );
    }
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    return toContainerInfo(await this.inspect(id));
  }

  async restartContainer(id: string, stopTimeoutSeconds = 10): Promise<void> {
    await this.call('restart', (d, abortSignal) => d.getContainer(id).restart({ t: stopTimeoutSeconds, abortSignal }), (stopTimeoutSeconds + 10) * 1000);
  }

  async stopContainer(id: string, stopTimeoutSeconds = 10): Promise<void> {
    await this.call('stop', (d, abortSignal) => d.getContainer(id).stop({ t: stopTimeoutSeconds, abortSignal }), (stopTimeoutSeconds + 10) * 1000).catch(
      ignoreNotModified,
    );
  }

  async startContainer(id: string): Promise<void> {
    await this.call('start', (d, abortSignal) => d.getContainer(id).start({ abortSignal })).catch(ignoreNotModified);
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    await this.call('kill', (d, abortSignal) => d.getContainer(id).kill({ signal, abortSignal }));
  }

  async removeContainer(id: string, force = false): Promise<void> {
    await this.call('remove', (d, abortSignal) => d.getContainer(id).remove({ force, abortSignal }));
  }

  /**
   * Streams container events (optionally only those of the given compose projects): only the
   * `WATCHED_EVENTS`, filtered by the engine. The handle's `closed` resolves when the engine ends the stream.
   */
  async streamEvents(onEvent: (e: EngineEvent) => void, projects: readonly string[] = []): Promise<EventStreamHandle> {
    const filters: Record<string, string[]> = { type: ['container'], event: [...WATCHED_EVENTS] };
    if (projects.length === 1) filters.label = [`${ComposeLabels.project}=${projects[0]}`];
    // bounded until the engine answers; the stream itself then lives until disposed or the engine ends it
    const connecting = new AbortController();
    const timer = setTimeout(() => connecting.abort(new DOMException('connect timed out', 'TimeoutError')), this.timeoutMs);
    const stream = (await this.call(
      'events',
      (d) => d.getEvents({ filters: JSON.stringify(filters), abortSignal: connecting.signal }),
      this.timeoutMs,
      connecting.signal,
    ).finally(() => clearTimeout(timer))) as unknown as Readable;
    const wanted = new Set(projects);
    let buffer = '';
    let resolveClosed!: (e: Error | undefined) => void;
    const closed = new Promise<Error | undefined>((r) => (resolveClosed = r));
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const event = parseEngineEvent(line, this.clock.now());
        if (!event) continue;
        if (wanted.size > 0 && (!event.project || !wanted.has(event.project))) continue;
        onEvent(event);
      }
    });
    stream.on('error', (e: Error) =>
      resolveClosed(new DockerError('unreachable', 'events', this.engine, `event stream from ${this.engine} broke: ${e.message}`)),
    );
    stream.on('end', () => resolveClosed(new DockerError('unreachable', 'events', this.engine, `event stream from ${this.engine} ended`)));
    stream.on('close', () => resolveClosed(undefined));
    return { closed, dispose: () => stream.destroy() };
  }

  /**
   * The one way to reach the engine: `fn` gets dockerode and an abort signal to pass on (dockerode 4 takes
   * `abortSignal` per call), which aborts the request itself after `timeoutMs`, not just the wait for it.
   * Every failure is a DockerError; a timeout says which call and how long. `signal` replaces the timeout
   * signal for a call whose bound the caller ends itself (the event stream, bounded only until it connects).
   */
  async call<T>(
    operation: string,
    fn: (docker: Docker, signal: AbortSignal) => Promise<T>,
    timeoutMs = this.timeoutMs,
    signal = AbortSignal.timeout(timeoutMs),
  ): Promise<T> {
    let onAbort: (() => void) | undefined;
    // a call that ignored the signal still ends at its bound
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', (onAbort = () => reject(signal.reason)), { once: true }));
    try {
      return await Promise.race([fn(this.docker, signal), aborted]);
    } catch (err) {
      throw signal.aborted ? dockerTimeout(operation, this.engine, timeoutMs) : toDockerError(err, operation, this.engine);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }
}
