import type { ContainerInfo } from '../core/containers';
import { formatDuration } from '../core/duration';
import { decide, HealAction, HealDecision, HealTrigger, needsHealing, ServiceRef, serviceKey, ServiceSnapshot, SkipReason } from '../core/healPolicy';
import { clockTime } from '../core/clockTime';
import { AlertResolution } from '../core/healRules';
import { actionWord } from './decisionWording';
import type { HealableAlert } from './alertSource';
import type { HealerSettings } from '../core/healerSettings';

/** One step of a Heal Now pass: what triggered it, on what, and what the policy says now. */
export interface PlanStep {
  trigger: HealTrigger;
  action: HealAction;
  target?: ServiceRef;
  decision: HealDecision | { verdict: 'skip'; reason: SkipReason; detail: string };
  /** When the service's sick replicas went down (exited ones' finish time), for "crashed 2 min ago". */
  since?: number;
  /** The user stopped the service at this time: Heal Now starts it again only because it was asked. */
  stoppedByUserAt?: number;
}

/**
 * One readable line per step, as Heal Now's confirmation lists them:
 * "restart worker — crashed 2 min ago", "skip ArcanumNeedsRestart — names no service of this workspace".
 */
export function describePlanStep(step: PlanStep, now: number): string {
  const name = step.target?.service ?? (step.trigger.kind === 'alert' ? step.trigger.alertname : '—');
  if (step.decision.verdict === 'skip') {
    const why = step.decision.reason === 'not-watched' ? 'names no service of this workspace' : step.decision.detail;
    return `skip ${step.trigger.kind === 'alert' && step.target ? `${actionWord(step.action)} ${name}` : name} — ${why}`;
  }
  let why: string;
  if (step.trigger.kind === 'alert') why = `alert ${step.trigger.alertname} is firing`;
  else if (step.trigger.kind === 'manual' && step.trigger.why === 'unhealthy') why = 'unhealthy';
  else why = step.since !== undefined ? `crashed ${formatDuration(now - step.since, 'age')} ago` : 'crashed';
  const stopped = step.stoppedByUserAt !== undefined ? `; stopped by the user at ${clockTime(step.stoppedByUserAt)}, started again because you ask` : '';
  return `${actionWord(step.action)} ${name} — ${why}${stopped}`;
}

/** The compose services the containers belong to, each once. */
export function servicesOf(containers: readonly ContainerInfo[]): ServiceRef[] {
  const refs = new Map<string, ServiceRef>();
  for (const c of containers) refs.set(serviceKey(c), { project: c.project, service: c.service });
  return [...refs.values()];
}

/** The trigger an alert becomes once resolved (its name capped by the resolution). */
export function alertTrigger(alert: HealableAlert, r: Pick<AlertResolution, 'alertname'>): HealTrigger {
  return { kind: 'alert', alertname: r.alertname, fingerprint: alert.fingerprint, startsAt: alert.startsAt };
}

export interface PlanInput {
  containers: readonly ContainerInfo[];
  alerts: readonly HealableAlert[];
  /** Resolves an alert against the watched services (`resolveAlert` with the user's rules). */
  resolve: (alert: HealableAlert, watched: readonly ServiceRef[]) => AlertResolution;
  settings: HealerSettings;
  now: number;
  /** The policy's view of one service (its containers, budget, in-flight state). */
  snapshot: (ref: ServiceRef) => ServiceSnapshot;
}

/**
 * Heal Now's plan: one step per firing alert that maps to an action (or names a service Realm does
 * not watch), then a restart for each exited or unhealthy service no alert covers — each with the
 * policy's verdict as of now. Pure: the healer runs the steps through the same rules again.
 */
export function planHealing(input: PlanInput): PlanStep[] {
  const watched = servicesOf(input.containers);
  const steps: Array<Omit<PlanStep, 'decision'> & { unresolved?: PlanStep['decision'] }> = [];
  const finished = (cs: readonly ContainerInfo[]) =>
    cs.reduce<number | undefined>(
      (t, c) => (c.state !== 'running' && c.finishedAt !== undefined && (t === undefined || c.finishedAt > t) ? c.finishedAt : t),
      undefined,
    );
  for (const alert of input.alerts) {
    const r = input.resolve(alert, watched);
    const trigger = alertTrigger(alert, r);
    if (r.ok) steps.push({ trigger, action: r.action, target: r.target });
    else if (r.reason !== 'no-action' || alert.labels.action)
      steps.push({ trigger, action: 'restart', unresolved: { verdict: 'skip', reason: r.reason, detail: r.detail } });
  }
  for (const ref of watched) {
    const sick = input.containers.filter((c) => c.project === ref.project && c.service === ref.service && needsHealing(c));
    const covered = steps.some((s) => s.action === 'restart' && s.target && serviceKey(s.target) === serviceKey(ref));
    if (sick.length && !covered)
      steps.push({
        trigger: { kind: 'manual', why: sick.some((c) => c.state === 'running') ? 'unhealthy' : 'exited' },
        action: 'restart',
        target: ref,
        since: finished(sick),
      });
  }
  return steps.map((s) => {
    const target = s.target && input.snapshot(s.target);
    return {
      trigger: s.trigger,
      action: s.action,
      target: s.target,
      since: s.since,
      stoppedByUserAt: target?.stoppedByUserAt,
      decision: s.unresolved ?? decide({ trigger: s.trigger, action: s.action, target, settings: input.settings, now: input.now, manual: true }),
    };
  });
}
