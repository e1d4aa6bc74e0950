import { ComposeLabels, ContainerInfo, ContainerState, HealthStatus } from '../core/containers';
import { expectArray, expectNumber, expectObject, expectString, isObject, optionalString, stringRecord } from './validate';

/** What Realm reads of `GET /containers/{id}/json`, checked (see `parseContainerInspect`). */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Config: { Image: string; Labels?: Record<string, string> | null; Tty?: boolean };
  State: {
    Status: ContainerState;
    ExitCode?: number;
    OOMKilled?: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status: HealthStatus; Log?: Array<{ ExitCode: number; Output: string }> };
  };
  RestartCount?: number;
  HostConfig?: { RestartPolicy?: { Name?: string }; Memory?: number };
}

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const HEALTH: readonly HealthStatus[] = ['healthy', 'unhealthy', 'starting', 'none'];

function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
  const s = expectString(v, path);
  if (!allowed.includes(s as T)) throw new Error(`${path} should be one of ${allowed.join(', ')}, got ${JSON.stringify(s.slice(0, 40))}`);
  return s as T;
}

const optionalNumber = (v: unknown, path: string) => (v === undefined || v === null ? undefined : expectNumber(v, path));
const optionalBoolean = (v: unknown) => (typeof v === 'boolean' ? v : undefined);

/**
 * Checks an inspect result before anything uses it, as the HTTP clients check theirs: a proxy or an engine
 * that answers something else is an error naming the field, not an undefined deep inside the tree or healer.
 */
export function parseContainerInspect(v: unknown): ContainerInspect {
  const d = expectObject(v, 'inspect');
  const config = expectObject(d.Config, 'inspect.Config');
  const state = expectObject(d.State, 'inspect.State');
  const health = state.Health === undefined || state.Health === null ? undefined : expectObject(state.Health, 'inspect.State.Health');
  const hostConfig = isObject(d.HostConfig) ? d.HostConfig : undefined;
  const restart = hostConfig && isObject(hostConfig.RestartPolicy) ? hostConfig.RestartPolicy : undefined;
  const memory = hostConfig ? optionalNumber(hostConfig.Memory, 'inspect.HostConfig.Memory') : undefined;
  return {
    Id: expectString(d.Id, 'inspect.Id'),
    Name: expectString(d.Name, 'inspect.Name'),
    Created: expectString(d.Created, 'inspect.Created'),
    Config: {
      Image: expectString(config.Image, 'inspect.Config.Image'),
      Labels: stringRecord(config.Labels, 'inspect.Config.Labels'),
      Tty: optionalBoolean(config.Tty),
    },
    State: {
      Status: oneOf(state.Status, STATES, 'inspect.State.Status'),
      ExitCode: optionalNumber(state.ExitCode, 'inspect.State.ExitCode'),
      OOMKilled: optionalBoolean(state.OOMKilled),
      StartedAt: optionalString(state.StartedAt, 'inspect.State.StartedAt'),
      FinishedAt: optionalString(state.FinishedAt, 'inspect.State.FinishedAt'),
      Health: health && {
        Status: oneOf(health.Status, HEALTH, 'inspect.State.Health.Status'),
        Log:
          health.Log === undefined || health.Log === null
            ? undefined
            : expectArray(health.Log, 'inspect.State.Health.Log').map((entry, i) => {
                const e = expectObject(entry, `inspect.State.Health.Log[${i}]`);
                return {
                  ExitCode: expectNumber(e.ExitCode, `inspect.State.Health.Log[${i}].ExitCode`),
                  Output: optionalString(e.Output, `inspect.State.Health.Log[${i}].Output`) ?? '',
                };
              }),
      },
    },
    RestartCount: optionalNumber(d.RestartCount, 'inspect.RestartCount'),
    HostConfig: hostConfig
      ? { RestartPolicy: restart ? { Name: optionalString(restart.Name, 'inspect.HostConfig.RestartPolicy.Name') } : undefined, Memory: memory }
      : undefined,
  };
}

/** Converts a checked inspect result to the domain type. */
export function toContainerInfo(d: ContainerInspect): ContainerInfo {
  const labels = d.Config.Labels ?? {};
  const time = (s?: string) => {
    const t = s ? Date.parse(s) : NaN;
    return Number.isFinite(t) && t > 0 ? t : undefined;
  };
  const state = d.State.Status;
  const health = d.State.Health?.Status ?? 'none';
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
    // the memory limit (0: none) an OOM kill is read against, and the failing health check's last words
    ...(typeof d.HostConfig?.Memory === 'number' && d.HostConfig.Memory > 0 ? { memoryLimitBytes: d.HostConfig.Memory } : {}),
    ...(d.State.Health?.Log?.length ? { healthOutput: d.State.Health.Log[d.State.Health.Log.length - 1].Output.slice(-2_000) } : {}),
    restartCount: d.RestartCount ?? 0,
    createdAt: time(d.Created) ?? 0,
    startedAt: state === 'running' ? time(d.State.StartedAt) : undefined,
    finishedAt: time(d.State.FinishedAt),
    restartPolicy: d.HostConfig?.RestartPolicy?.Name || 'no',
    labels,
  };
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

/** Parses one line of the engine's event stream; undefined for exec_* probes and non-container events. */
export function parseEngineEvent(line: string, receivedAt = Date.now()): EngineEvent | undefined {
  let raw: {
    Type?: string;
    Action?: string;
    status?: string;
    id?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
    time?: number;
    timeNano?: number;
  };
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
    receivedAt,
    attributes,
  };
}
