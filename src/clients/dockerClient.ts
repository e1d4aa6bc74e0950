import type Docker from 'dockerode';
import { dockerode } from '../platform/lazyModules';
import { dockerHostFromContext } from './dockerContext';
import type { Readable } from 'node:stream';
import { ComposeLabels, ContainerInfo, ContainerState, HealthStatus } from '../core/containers';
import { IDisposable } from '../platform/disposable';
import { mapWithConcurrency } from '../platform/concurrency';

/**
 * The container events the store and the healer use. Asking the engine for only these leaves out
 * the health probes' exec_create/exec_start/exec_die (three per probe and container) and attach,
 * resize, top…, which were streamed and parsed only to be dropped. The engine matches
 * `health_status` by prefix (`health_status: unhealthy`).
 */
export const WATCHED_EVENTS = ['create', 'start', 'restart', 'die', 'kill', 'stop', 'pause', 'unpause', 'oom', 'health_status', 'rename', 'update', 'destroy'] as const;

/** Inspects in flight at once when listing: a 200-container project must not flood the engine. */
const INSPECT_CONCURRENCY = 8;

export type DockerErrorKind = 'unreachable' | 'timeout' | 'not-found' | 'conflict' | 'api';

/** A typed engine error: what failed, against which engine, and the engine's own message. */
export class DockerError extends Error {
  constructor(readonly kind: DockerErrorKind, readonly operation: string, readonly engine: string, message: string, readonly statusCode?: number) {
    super(message);
    this.name = 'DockerError';
  }
  get isUnreachable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout';
  }
}

/** One engine event, reduced to what the store and healer use (exec_* health probes are dropped). */
export interface EngineEvent {
  /** `die`, `start`, `stop`, `kill`, `restart`, `health_status`, `create`, `destroy`, … */
  action: string;
  /** For `health_status: unhealthy` events: `unhealthy` / `healthy`. */
  healthStatus?: HealthStatus;
  containerId: string;
  name: string;
  project?: string;
  service?: string;
  exitCode?: number;
  /** Engine time, epoch ms (nanosecond precision in `timeNano`). */
  time: number;
  /** When this process received it, epoch ms (for latency figures). */
  receivedAt: number;
  attributes: Record<string, string>;
}

export interface DockerClientOptions {
  /** `unix:///path`, `tcp://host:port`; default: DOCKER_HOST, else the docker CLI's current context, else /var/run/docker.sock. */
  dockerHost?: string;
  /** Per-call timeout for non-streaming calls (ms). */
  timeoutMs?: number;
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
  readonly engine: string;
  private readonly timeoutMs: number;

  constructor(options: DockerClientOptions = {}) {
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

  /** Raw dockerode, for the few calls other layers add (kept inside clients/). */
  get raw(): Docker {
    return this.docker;
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.docker.ping());
  }

  async version(): Promise<{ version: string; apiVersion: string }> {
    const v = await this.call('version', () => this.docker.version());
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
        this.call('listContainers', () => this.docker.listContainers({ all: true, filters: JSON.stringify({ label: l }) })),
      ),
    );
    const summaries = lists.flat().filter((s) => s.Labels?.[ComposeLabels.oneoff] !== 'True');
    const infos = await mapWithConcurrency(summaries, INSPECT_CONCURRENCY, (s) => this.inspectContainer(s.Id).catch((e: unknown) => {
      // removed between list and inspect: skip it, the next event refreshes
      if (e instanceof DockerError && e.kind === 'not-found') return undefined;
      throw e;
    }));
    return infos.filter((i): i is ContainerInfo => i !== undefined);
  }

  /**
   * The compose project whose containers were created from `folder` (their working_dir label), for
   * naming the workspace's project when no compose CLI is installed. Undefined when none runs.
   */
  async composeProjectOfFolder(folder: string): Promise<string | undefined> {
    const list = await this.call('listContainers', () => this.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${ComposeLabels.workingDir}=${folder}`] }) }));
    return list.map((c) => c.Labels?.[ComposeLabels.project]).find((p): p is string => Boolean(p));
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    const d = await this.call('inspect', () => this.docker.getContainer(id).inspect());
    return toContainerInfo(d);
  }

  async restartContainer(id: string, stopTimeoutSeconds = 10): Promise<void> {
    await this.call('restart', () => this.docker.getContainer(id).restart({ t: stopTimeoutSeconds }), (stopTimeoutSeconds + 10) * 1000);
  }

  async stopContainer(id: string, stopTimeoutSeconds = 10): Promise<void> {
    await this.call('stop', () => this.docker.getContainer(id).stop({ t: stopTimeoutSeconds }), (stopTimeoutSeconds + 10) * 1000).catch(ignoreNotModified);
  }

  async startContainer(id: string): Promise<void> {
    await this.call('start', () => this.docker.getContainer(id).start()).catch(ignoreNotModified);
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    await this.call('kill', () => this.docker.getContainer(id).kill({ signal }));
  }

  async removeContainer(id: string, force = false): Promise<void> {
    await this.call('remove', () => this.docker.getContainer(id).remove({ force }));
  }

  /**
   * Streams container events (optionally only those of the given compose projects): only the
   * `WATCHED_EVENTS`, filtered by the engine. The handle's `closed` resolves when the engine ends the stream.
   */
  async streamEvents(onEvent: (e: EngineEvent) => void, projects: readonly string[] = []): Promise<EventStreamHandle> {
    const filters: Record<string, string[]> = { type: ['container'], event: [...WATCHED_EVENTS] };
    if (projects.length === 1) filters.label = [`${ComposeLabels.project}=${projects[0]}`];
    const stream = (await this.call('events', () => this.docker.getEvents({ filters: JSON.stringify(filters) }))) as unknown as Readable;
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
        const event = parseEngineEvent(line);
        if (!event) continue;
        if (wanted.size > 0 && (!event.project || !wanted.has(event.project))) continue;
        onEvent(event);
      }
    });
    stream.on('error', (e: Error) => resolveClosed(new DockerError('unreachable', 'events', this.engine, `event stream from ${this.engine} broke: ${e.message}`)));
    stream.on('end', () => resolveClosed(new DockerError('unreachable', 'events', this.engine, `event stream from ${this.engine} ended`)));
    stream.on('close', () => resolveClosed(undefined));
    return { closed, dispose: () => stream.destroy() };
  }

  /** Runs one engine call with a timeout and turns every failure into a DockerError. */
  private async call<T>(operation: string, fn: () => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DockerError('timeout', operation, this.engine, `Docker engine at ${this.engine} did not answer ${operation} within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (err) {
      throw toDockerError(err, operation, this.engine);
    } finally {
      clearTimeout(timer);
    }
  }
}

function ignoreNotModified(e: unknown): void {
  // 304: already stopped / already started — the state the caller wanted
  if (e instanceof DockerError && e.statusCode === 304) return;
  throw e;
}

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

/** Maps DOCKER_HOST forms to dockerode's connection options. */
export function parseDockerHost(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') };
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://')) {
    const u = new URL(host.replace(/^tcp:/, process.env.DOCKER_TLS_VERIFY ? 'https:' : 'http:'));
    return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 2376 : 2375)), protocol: u.protocol.replace(':', '') as 'http' | 'https' };
  }
  if (host.startsWith('/')) return { socketPath: host };
  throw new DockerError('unreachable', 'connect', host, `Unsupported DOCKER_HOST "${host}": use unix://, npipe:// or tcp://`);
}

interface InspectLike {
  Id: string;
  Name: string;
  Created: string;
  Config: { Image: string; Labels?: Record<string, string> | null };
  State: { Status: string; ExitCode?: number; OOMKilled?: boolean; StartedAt?: string; FinishedAt?: string; Health?: { Status: string; Log?: Array<{ Output?: string }> | null } };
  RestartCount?: number;
  HostConfig?: { RestartPolicy?: { Name?: string }; Memory?: number };
}

/** Converts an inspect result to the domain type (exported for unit tests with fixtures). */
export function toContainerInfo(d: InspectLike): ContainerInfo {
  const labels = d.Config.Labels ?? {};
  const time = (s?: string) => {
    const t = s ? Date.parse(s) : NaN;
    return Number.isFinite(t) && t > 0 ? t : undefined;
  };
  const state = d.State.Status as ContainerState;
  const health = (d.State.Health?.Status ?? 'none') as HealthStatus;
  return {
    id: d.Id,
    name: d.Name.replace(/^\//, ''),
    project: labels[ComposeLabels.project] ?? '',
    service: labels[ComposeLabels.service] ?? d.Name.replace(/^\//, ''),
    number: Number(labels[ComposeLabels.number] ?? 1) || 1,
    image: d.Config.Image,
    state,
    health,
    exitCode: state === 'exited' || state === 'dead' ? d.State.ExitCode : undefined,
    oomKilled: d.State.OOMKilled === true,
    ...(typeof d.HostConfig?.Memory === 'number' && d.HostConfig.Memory > 0 ? { memoryLimitBytes: d.HostConfig.Memory } : {}),
    ...(typeof d.State.Health?.Log?.at(-1)?.Output === 'string' ? { healthOutput: d.State.Health.Log.at(-1)!.Output!.slice(-2_000) } : {}),
    restartCount: d.RestartCount ?? 0,
    createdAt: time(d.Created) ?? 0,
    startedAt: state === 'running' ? time(d.State.StartedAt) : undefined,
    finishedAt: time(d.State.FinishedAt),
    restartPolicy: d.HostConfig?.RestartPolicy?.Name || 'no',
    labels,
  };
}

/** Parses one line of the engine's event stream; undefined for exec_* probes and non-container events. */
export function parseEngineEvent(line: string): EngineEvent | undefined {
  let raw: { Type?: string; Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; time?: number; timeNano?: number };
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (raw.Type && raw.Type !== 'container') return undefined;
  const fullAction = raw.Action ?? raw.status ?? '';
  if (!fullAction || fullAction.startsWith('exec_')) return undefined;
  const attributes = raw.Actor?.Attributes ?? {};
  let action = fullAction;
  let healthStatus: HealthStatus | undefined;
  const colon = fullAction.indexOf(':');
  if (colon > 0) {
    action = fullAction.slice(0, colon).trim();
    if (action === 'health_status') healthStatus = fullAction.slice(colon + 1).trim() as HealthStatus;
  }
  return {
    action,
    healthStatus,
    containerId: raw.Actor?.ID ?? raw.id ?? '',
    name: attributes.name ?? '',
    project: attributes[ComposeLabels.project],
    service: attributes[ComposeLabels.service],
    exitCode: attributes.exitCode !== undefined ? Number(attributes.exitCode) : undefined,
    time: raw.timeNano ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000,
    receivedAt: Date.now(),
    attributes,
  };
}
