import { ComposeLabels, ContainerInfo } from './containers';
import { clockTime } from './clockTime';

/** What the healer can do to a service. */
export type HealAction = 'restart' | 'scale_down' | 'cleanup';
export const HEAL_ACTIONS: readonly HealAction[] = ['restart', 'scale_down', 'cleanup'];

/** Why a decision did not act. Each one is shown to the user and recorded in the audit trail. */
export type SkipReason =
  | 'rate-limited'
  | 'dry-run'
  | 'opted-out'
  | 'in-grace'
  | 'backoff'
  | 'already-recovering'
  | 'busy'
  | 'disabled'
  | 'untrusted'
  | 'not-watched'
  | 'no-action'
  | 'at-minimum'
  | 'standby'
  // the alert is about a scrape target that was never up: a wrong address, which no restart fixes
  | 'misconfigured'
  /** Stopped or killed through the engine API (Stop Service, App Down, docker stop/kill): left alone until started again. */
  | 'user-stopped'
  /** A scheduled action was cancelled by the user. */
  | 'cancelled';

/** The pseudo-service cleanup is budgeted under (it acts on a whole project, not one service). */
export const CLEANUP_SERVICE = '(cleanup)';

/** A compose service of a watched project. */
export interface ServiceRef {
  project: string;
  service: string;
}

/** The rate-limit / audit key of a service: `project/service`. */
export function serviceKey(ref: ServiceRef): string {
  return ref.project ? `${ref.project}/${ref.service}` : ref.service;
}

/** A firing alert as the healer needs it (Alertmanager v2 or Prometheus `/api/v1/alerts`). */
export interface HealableAlert {
  /** Stable identity: Alertmanager's fingerprint, or a hash of the labels. */
  fingerprint: string;
  labels: Record<string, string>;
  startsAt?: string;
}

/** What started a decision. */
export type HealTrigger =
  | { kind: 'event'; event: 'die' | 'unhealthy'; containerId: string; containerName: string; time: number; exitCode?: number }
  | { kind: 'alert'; alertname: string; fingerprint: string; startsAt?: string }
  | { kind: 'manual'; why: string }
  | { kind: 'recheck'; after: string };

/** The settings the decision depends on (times in ms). */
export interface HealPolicySettings {
  enabled: boolean;
  dryRun: boolean;
  /** Workspace Trust: healing is off in an untrusted workspace. */
  trusted: boolean;
  /** Services never touched: `service` or `project/service`. */
  optOut: readonly string[];
  /** After an action, the service's health is not judged for this long (start-up); a death in it is backed off. */
  graceMs: number;
  /** The first back-off after a restart that did not hold; doubles per recent action, up to `backoffMaxMs`. */
  backoffMs: number;
  /** The back-off's cap (Kubernetes caps its crash-loop back-off at 5 min). */
  backoffMaxMs?: number;
  /** How long to let the engine's own restart policy bring a container back before acting. */
  engineRestartGraceMs: number;
  /** Minimum replicas per service (`service` or `project/service`); default 1. */
  minReplicas: Readonly<Record<string, number>>;
}

/** What the healer knows about the target service when it decides. */
export interface ServiceSnapshot {
  ref: ServiceRef;
  containers: readonly ContainerInfo[];
  /** An action on this service is running now. */
  inFlight: boolean;
  lastActionAt?: number;
  /** Actions counted in the rate-limit window. */
  recentActions: number;
  budgetRemaining: number;
  nextSlotAt?: number;
  /** Since when the healer has been waiting for the engine's restart policy, if it is. */
  awaitingEngineSince?: number;
  /** When the user stopped or killed the service through the engine API (and nobody started it since). */
  stoppedByUserAt?: number;
}

/** Kubernetes' crash-loop back-off cap, used when the settings give none. */
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60_000;

/** The wait before restart number `recentActions + 1` of a service whose restarts do not hold: backoff × 2^(n−1), capped. */
export function backoffDelay(settings: Pick<HealPolicySettings, 'backoffMs' | 'backoffMaxMs'>, recentActions: number): number {
  return Math.min(settings.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS, settings.backoffMs * 2 ** Math.max(0, recentActions - 1));
}

export type HealDecision =
  | { verdict: 'act'; action: HealAction; containers: ContainerInfo[] }
  | { verdict: 'skip'; action?: HealAction; reason: SkipReason; detail: string; retryAt?: number };

export interface DecisionInput {
  trigger: HealTrigger;
  action: HealAction;
  /** Undefined when the trigger names no watched service. */
  target?: ServiceSnapshot;
  settings: HealPolicySettings;
  now: number;
  /**
   * Heal Now / Heal This: the user asked. Grace, back-off and a spent budget do not refuse it (it still
   * spends a unit), nor does an earlier stop; the safety switches (off, untrusted, opt-out, dry run) do.
   */
  manual?: boolean;
  /** Other replicas of the service that died with the trigger's: one action restarts them all. */
  alsoDied?: readonly string[];
}

const skip = (reason: SkipReason, detail: string, action?: HealAction, retryAt?: number): HealDecision => ({
  verdict: 'skip',
  reason,
  detail,
  action,
  retryAt,
});

/** A replica that needs help: dead, exited, or running but unhealthy. */
export function needsHealing(c: ContainerInfo): boolean {
  // a clean exit (code 0) is a finished job — a migration, a seed — not a failure, as for the
  // engine's own on-failure policy; healing it would re-run the job until the budget is spent
  if (c.state === 'exited') return c.exitCode !== 0;
  return c.state === 'dead' || (c.state === 'running' && c.health === 'unhealthy');
}

/** True when the engine's restart policy will bring this exited container back by itself. */
export function engineWillRestart(c: ContainerInfo, exitCode = c.exitCode): boolean {
  if (c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped') return true;
  return c.restartPolicy === 'on-failure' && exitCode !== undefined && exitCode !== 0;
}

function lookup(map: Readonly<Record<string, number>> | readonly string[], ref: ServiceRef): boolean | number | undefined {
  if (Array.isArray(map)) return map.includes(ref.service) || map.includes(serviceKey(ref));
  const m = map as Record<string, number>;
  return m[serviceKey(ref)] ?? m[ref.service];
}

/**
 * The pure heal decision: given a trigger, the chosen action, the target's state and the settings,
 * act (and on which containers) or skip with a reason. Checks run from "may we touch this at all"
 * to "is it worth it now", so the recorded reason is the most fundamental one.
 */
export function decide(input: DecisionInput): HealDecision {
  const { trigger, action, target, settings, now } = input;
  if (!target) return skip('not-watched', 'the trigger names no service of the watched compose projects', action);
  const { ref } = target;
  if (!settings.enabled) return skip('disabled', 'healing is turned off (realm.healer.enabled)', action);
  if (!settings.trusted) return skip('untrusted', 'healing is off in an untrusted workspace', action);
  if (lookup(settings.optOut, ref) === true) return skip('opted-out', `${ref.service} is listed in realm.healer.optOut`, action);
  if (target.containers.some((c) => c.labels[ComposeLabels.healOptOut] === 'false')) {
    return skip('opted-out', `${ref.service} carries the label ${ComposeLabels.healOptOut}: "false"`, action);
  }
  if (target.stoppedByUserAt !== undefined && !input.manual) {
    return skip('user-stopped', `stopped by the user at ${clockTime(target.stoppedByUserAt)}`, action);
  }
  if (target.inFlight) return skip('busy', `an action on ${ref.service} is already running`, action);

  const chosen = chooseContainers(trigger, action, target.containers, input.alsoDied);
  if (action === 'restart') {
    const recovering = target.containers.find((c) => c.state === 'restarting' || c.state === 'created' || (c.state === 'running' && c.health === 'starting'));
    if (recovering) return skip('already-recovering', `${recovering.name} is ${recovering.state === 'running' ? 'starting' : recovering.state}`, action);
    const restartedByEngine =
      trigger.kind === 'event' &&
      chosen.length === 0 &&
      target.containers.find((c) => c.id === trigger.containerId && c.state === 'running' && c.restartPolicy !== 'no');
    if (restartedByEngine)
      return skip('already-recovering', `restart policy "${restartedByEngine.restartPolicy}" already restarted ${restartedByEngine.name}`, action);
    if (chosen.length === 0)
      return skip('no-action', trigger.kind === 'alert' ? `${ref.service} has no container to restart` : `${ref.service} is running again`, action);
    const byPolicy = chosen.find(
      (c) => (c.state === 'exited' || c.state === 'dead') && engineWillRestart(c, trigger.kind === 'event' ? (trigger.exitCode ?? c.exitCode) : c.exitCode),
    );
    if (byPolicy) {
      const until = (target.awaitingEngineSince ?? now) + settings.engineRestartGraceMs;
      if (now < until)
        return skip('already-recovering', `restart policy "${byPolicy.restartPolicy}" will restart ${byPolicy.name}; waiting for the engine`, action, until);
    }
  }
  if (action === 'scale_down') {
    const running = target.containers.filter((c) => c.state === 'running' || c.state === 'restarting');
    const min = Math.max(1, Number(lookup(settings.minReplicas, ref) ?? 1));
    if (running.length <= min) return skip('at-minimum', `${ref.service} runs ${running.length} replica(s), minimum ${min}`, action);
  }

  // a spent budget comes first: there is no point in waiting out a back-off for an action that may not run
  if (target.budgetRemaining <= 0 && !input.manual) {
    return skip('rate-limited', `${target.recentActions} action(s) in the last hour did not keep ${ref.service} up`, action, target.nextSlotAt);
  }
  if (!input.manual && action === 'restart' && !(trigger.kind === 'event' && trigger.event === 'die')) {
    // a container someone just started is still starting: its health (and an alert about it) is judged after the grace period
    const started = Math.max(...target.containers.map((c) => (c.state === 'running' ? (c.startedAt ?? 0) : 0)), 0);
    if (started && now < started + settings.graceMs && (target.lastActionAt === undefined || started > target.lastActionAt)) {
      return skip(
        'in-grace',
        `${ref.service} started ${Math.max(0, Math.round((now - started) / 1000))} s ago; health is judged after the start-up grace period`,
        action,
        started + settings.graceMs,
      );
    }
  }
  if (target.lastActionAt !== undefined && !input.manual) {
    const waited = spacing(input, target.lastActionAt, target.recentActions);
    if (waited) return waited;
  }
  if (settings.dryRun) return skip('dry-run', `would ${action.replace('_', ' ')} ${ref.service}`, action);
  return { verdict: 'act', action, containers: chosen };
}

/**
 * Grace and back-off, as an orchestrator spaces restarts: the grace period after an action only delays
 * judging health (an unhealthy start-up, an alert); a death in it is restarted after the back-off,
 * counted from the death; and no attempt comes sooner than the back-off after the last one.
 */
function spacing(input: DecisionInput, lastActionAt: number, recentActions: number): HealDecision | undefined {
  const { trigger, action, settings, now } = input;
  const graceEnd = lastActionAt + settings.graceMs;
  const died = trigger.kind === 'event' && trigger.event === 'die';
  if (now < graceEnd && !died) {
    const what =
      trigger.kind === 'event'
        ? 'health is judged after the start-up grace period'
        : `acted on ${Math.round((now - lastActionAt) / 1000)} s ago; judged again after the grace period`;
    return skip('in-grace', what, action, graceEnd);
  }
  const delay = backoffDelay(settings, recentActions);
  // a death is dated by the engine; a clock far off it (another host) falls back to now
  const diedAt = died && Math.abs(trigger.time - now) < 60_000 ? Math.min(trigger.time, now) : now;
  const at = Math.max(lastActionAt + delay, died && diedAt < graceEnd ? diedAt + delay : 0);
  if (now < at) return skip('backoff', `back-off after ${recentActions} restart${recentActions === 1 ? '' : 's'}`, action, at);
  return undefined;
}

/** Which replicas an action touches: the ones that died, the sick ones, all (alert restart), or the newest (scale down). */
function chooseContainers(trigger: HealTrigger, action: HealAction, containers: readonly ContainerInfo[], alsoDied: readonly string[] = []): ContainerInfo[] {
  if (action === 'cleanup') return [];
  if (action === 'scale_down') {
    const newest = [...containers].filter((c) => c.state === 'running').sort((a, b) => b.createdAt - a.createdAt || b.number - a.number)[0];
    return newest ? [newest] : [];
  }
  if (trigger.kind === 'alert') return containers.filter((c) => c.state !== 'removing');
  if (trigger.kind === 'event') return containers.filter((c) => (c.id === trigger.containerId || alsoDied.includes(c.id)) && needsHealing(c));
  return containers.filter(needsHealing);
}
