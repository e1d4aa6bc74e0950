import { clockTime } from '../core/clockTime';
import { ContainerInfo, containerStatus, ServiceGroup, ServiceStatus } from '../core/containers';

/** What the healer knows of a service that changes how it reads (from `Healer.serviceStates()`). */
export interface HealFacts {
  /** Someone stopped it (Stop Service, App Down, `docker stop`): left alone until started. */
  stoppedByUserAt?: number;
  /** The healer's budget is spent and the service is still down. */
  gaveUp?: boolean;
  /** Why it crashed, when the engine told ("OOM-killed at 512 MiB", "exit 1 after 3s; last line: `…`"). */
  crashReason?: string;
}

/**
 * How a service or container looks: what it is in one word or two, the icon and its theme colour,
 * and a sentence for the hover. Each state has its own icon *shape* (not only a colour), so it
 * reads the same in light, dark and high-contrast themes and to colour-blind eyes.
 */
export type LookKind =
  | 'healthy'
  | 'running'
  | 'starting'
  | 'restarting'
  | 'unhealthy'
  | 'partial'
  | 'paused'
  | 'stoppedByUser'
  | 'exitedCleanly'
  | 'crashed'
  | 'gaveUp'
  | 'notCreated';

export interface Look {
  kind: LookKind;
  /** The description's first part: "crashed (exit 137, OOM-killed)", "stopped", "exited cleanly (exit 0)". */
  text: string;
  /** Codicon id (exists in VS Code's codicon font). */
  icon: string;
  /** Theme colour id (exists in every VS Code theme), or none: the theme's icon foreground. */
  color?: string;
  /** One sentence for the hover: what it means and what to do. */
  meaning: string;
}

const exitText = (c?: ContainerInfo) => (c?.exitCode === undefined ? '' : ` (exit ${c.exitCode}${c.oomKilled ? ', OOM-killed' : ''})`);

/** The looks that depend on the status alone. */
const FIXED: Partial<Record<ServiceStatus, Look>> = {
  healthy: { kind: 'healthy', text: 'healthy', icon: 'pass-filled', color: 'testing.iconPassed', meaning: 'Running; its health check passes.' },
  running: { kind: 'running', text: 'running', icon: 'circle-filled', color: 'testing.iconPassed', meaning: 'Running (no health check defined).' },
  starting: {
    kind: 'starting',
    text: 'starting',
    icon: 'loading~spin',
    color: 'charts.yellow',
    meaning: 'Starting: created, or running with its health check not passed yet.',
  },
  restarting: {
    kind: 'restarting',
    text: 'restarting',
    icon: 'sync~spin',
    color: 'charts.yellow',
    meaning: 'The engine is restarting it (its restart policy).',
  },
  unhealthy: { kind: 'unhealthy', text: 'unhealthy', icon: 'warning', color: 'list.warningForeground', meaning: 'Running, but its health check fails.' },
  partial: { kind: 'partial', text: 'partial', icon: 'warning', color: 'list.warningForeground', meaning: 'Some replicas run, some do not.' },
  'not-created': {
    kind: 'notCreated',
    text: 'defined, not created',
    icon: 'circle-outline',
    color: 'disabledForeground',
    meaning: 'Defined in the compose file, no container yet: Start creates and starts it (docker compose up -d).',
  },
};

/** The look of one state; `c` is the (first) container that explains it. */
export function lookOf(status: ServiceStatus, c: ContainerInfo | undefined, facts: HealFacts = {}): Look {
  const fixed = FIXED[status];
  if (fixed) return fixed;
  if (c?.state === 'paused')
    return { kind: 'paused', text: 'paused', icon: 'debug-pause', color: 'charts.yellow', meaning: 'Paused (docker pause): its processes are frozen.' };
  if (facts.stoppedByUserAt !== undefined) {
    const meaning = `Stopped by the user at ${clockTime(facts.stoppedByUserAt)} (Stop Service, App Down, docker stop): the healer leaves it alone until it is started again.`;
    return { kind: 'stoppedByUser', text: 'stopped', icon: 'debug-stop', color: 'descriptionForeground', meaning };
  }
  if (facts.gaveUp) {
    const meaning = 'Crashed again and the healer gave up: its budget for the hour is spent. Start it, fix it, or reset the budget.';
    return { kind: 'gaveUp', text: crashedText(c, facts), icon: 'circle-slash', color: 'list.errorForeground', meaning };
  }
  if (c?.exitCode === 0 && !c.oomKilled) {
    const meaning = 'Its main process finished with exit code 0 (a one-off task, or a command that ended).';
    return { kind: 'exitedCleanly', text: 'exited cleanly (exit 0)', icon: 'pass', color: 'descriptionForeground', meaning };
  }
  const meaning = c?.oomKilled
    ? "Crashed: the kernel's OOM killer ended it (memory limit)."
    : `Crashed: its main process exited${c?.exitCode !== undefined ? ` with code ${c.exitCode}` : ''}.`;
  return { kind: 'crashed', text: crashedText(c, facts), icon: 'error', color: 'list.errorForeground', meaning };
}

function crashedText(c: ContainerInfo | undefined, facts: HealFacts): string {
  return facts.crashReason ? `crashed: ${facts.crashReason}` : `crashed${exitText(c)}`;
}

/** A service's look: the worst replica explains it (an exited one when some exited). */
export function serviceLook(g: ServiceGroup, facts: HealFacts = {}): Look {
  const explaining = g.status === 'exited' || g.status === 'partial' ? g.containers.find((c) => containerStatus(c) === 'exited') : g.containers[0];
  return lookOf(g.status, explaining, facts);
}

/** A container's look (the service's heal facts apply to each of its replicas). */
export function containerLook(c: ContainerInfo, facts: HealFacts = {}): Look {
  return lookOf(containerStatus(c), c, facts);
}

/**
 * Since when a service is up, the one "since" its node and its container nodes both count from: the
 * earliest start among its running replicas (one replica: that container's own start).
 */
export function upSince(containers: readonly ContainerInfo[]): number | undefined {
  const starts = containers.filter((c) => c.state === 'running' && c.startedAt !== undefined).map((c) => c.startedAt!);
  return starts.length ? Math.min(...starts) : undefined;
}
