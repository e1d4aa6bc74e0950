/** Shared helpers for the healer's integration tests and bench: containers of throwaway compose projects on the harness's dockerd. */
import { DockerClient } from '../../src/clients/dockerClient';
import { ComposeLabels } from '../../src/core/containers';
import { HealActions } from '../../src/healer/actions';
import { AuditTrail } from '../../src/healer/auditTrail';
import { ActionStarted, GaveUp, Healer, HealerDeps } from '../../src/healer/healer';
import { DEFAULT_HEALER_SETTINGS, HealerSettings } from '../../src/core/healerSettings';
import { RateLimiter } from '../../src/core/rateLimiter';
import { systemClock } from '../../src/platform/clock';
import { memoryLogger } from '../support/memoryLogger';
import { InMemoryMemento } from '../support/inMemoryMemento';
import type { MementoLike } from '../../src/platform/memento';
import type { AlertSource } from '../../src/healer/alertSource';
import { engineApi } from '../support/engineApi';
import { waitUntil } from '../support/waitFor';

/** Every container these tests create carries this prefix in its project name. */
export const PREFIX = 'realmit-heal-';

export interface ServiceSpec {
  project: string;
  service: string;
  number?: number;
  image?: string;
  cmd?: string[];
  restartPolicy?: 'no' | 'always' | 'on-failure';
  labels?: Record<string, string>;
  /** `127.0.0.1:HOST` → container port 8080. */
  hostPort?: number;
}

/** Creates and starts one replica as compose would label it; init: true so stops take ms, not 10 s. */
export async function runReplica(_docker: DockerClient, spec: ServiceSpec): Promise<string> {
  const n = spec.number ?? 1;
  const c = await engineApi().createContainer({
    name: `${spec.project}-${spec.service}-${n}`,
    Image: spec.image ?? 'realm-test/busybox:base',
    Cmd: spec.cmd ?? ['sleep', '100000'],
    Labels: {
      [ComposeLabels.project]: spec.project,
      [ComposeLabels.service]: spec.service,
      [ComposeLabels.number]: String(n),
      [ComposeLabels.oneoff]: 'False',
      ...spec.labels,
    },
    ExposedPorts: spec.hostPort ? { '8080/tcp': {} } : undefined,
    HostConfig: {
      Init: true,
      RestartPolicy: { Name: spec.restartPolicy ?? 'no' },
      PortBindings: spec.hostPort ? { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(spec.hostPort) }] } : undefined,
    },
  });
  await c.start();
  return c.id;
}

/** A crash: SIGKILL to the container's PID 1 from the host (no `kill` event, as with a real crash). */
export async function crash(_docker: DockerClient, id: string): Promise<void> {
  // The container may be between the engine's stop and start of a restart, and the PID read from
  // inspect can be gone by the time it is signalled (the restart replaced the process): wait until
  // it runs, and read the PID again if it vanished.
  await waitFor(
    `container ${id} to be running and crashed`,
    async () => {
      const d = await engineApi().getContainer(id).inspect();
      if (!d.State.Running || d.State.Restarting || !d.State.Pid) return false;
      try {
        process.kill(d.State.Pid, 'SIGKILL');
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
        throw e;
      }
    },
    20_000,
  );
}

export async function state(_docker: DockerClient, id: string): Promise<{ status: string; startedAt: string; restartCount: number }> {
  const d = await engineApi().getContainer(id).inspect();
  return { status: d.State.Status, startedAt: d.State.StartedAt, restartCount: d.RestartCount };
}

/** Polls `check` every 50 ms until it returns a truthy value or `timeoutMs` passes. */
export const waitFor = <T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000) => waitUntil(what, check, timeoutMs);

/** Removes every container of the given projects (or of every `realmit-heal-` project). */
export async function removeProjects(_docker: DockerClient, projects?: readonly string[]): Promise<void> {
  const all = await engineApi().listContainers({ all: true, filters: JSON.stringify({ label: [ComposeLabels.project] }) });
  const mine = all.filter((c) => {
    const p = c.Labels[ComposeLabels.project] ?? '';
    return projects ? projects.includes(p) : p.startsWith(PREFIX);
  });
  await Promise.all(
    mine.map((c) =>
      engineApi()
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

export interface HealerRig {
  healer: Healer;
  audit: AuditTrail;
  limiter: RateLimiter;
  memento: MementoLike;
  started: ActionStarted[];
  gaveUp: GaveUp[];
  settings: HealerSettings;
}

/** A healer on the real engine watching `projects`, fast timings unless overridden; `extra.logger` (if given) serves the audit trail too. */
export async function startHealer(
  docker: DockerClient,
  projects: string[],
  over: Partial<HealerSettings> = {},
  memento: MementoLike = new InMemoryMemento(),
  alerts?: AlertSource,
  extra: Partial<HealerDeps> = {},
): Promise<HealerRig> {
  const settings: HealerSettings = { ...DEFAULT_HEALER_SETTINGS, graceMs: 0, backoffMs: 0, engineRestartGraceMs: 3_000, stopTimeoutSeconds: 1, ...over };
  const logger = extra.logger ?? memoryLogger(process.env.REALM_HEALER_DEBUG === '1');
  const limiter = new RateLimiter(memento, systemClock, { maxActionsPerHour: settings.maxActionsPerHour });
  const audit = new AuditTrail(memento, systemClock, logger);
  const healer = new Healer({
    docker,
    actions: new HealActions(docker),
    rateLimiter: limiter,
    audit,
    clock: systemClock,
    logger,
    settings: () => settings,
    projects: () => projects,
    alerts,
    state: memento,
    ...extra,
  });
  const rig: HealerRig = { healer, audit, limiter, memento, started: [], gaveUp: [], settings };
  healer.onDidStartAction((e) => rig.started.push(e));
  healer.onDidGiveUp((e) => rig.gaveUp.push(e));
  await healer.start();
  return rig;
}
