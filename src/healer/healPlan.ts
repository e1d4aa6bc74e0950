import type { ContainerInfo } from '../core/containers';
import { AlertResolution, decide, HealAction, HealDecision, HealTrigger, needsHealing, ServiceRef, serviceKey, ServiceSnapshot } from '../core/healPolicy';
import type { HealableAlert } from './alertSource';
import type { HealerSettings } from './healerSettings';

/** One step of a Heal Now pass: what triggered it, on what, and what the policy says now. */
export interface PlanStep {
  trigger: HealTrigger;
  action: HealAction;
  target?: ServiceRef;
  decision: HealDecision | { verdict: 'skip'; reason: 'not-watched' | 'no-action'; detail: string };
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
  for (const alert of input.alerts) {
    const r = input.resolve(alert, watched);
    const trigger = alertTrigger(alert, r);
    if (r.ok) steps.push({ trigger, action: r.action, target: r.target });
    else if (r.reason !== 'no-action' || alert.labels.action) steps.push({ trigger, action: 'restart', unresolved: { verdict: 'skip', reason: r.reason as 'not-watched', detail: r.detail } });
  }
  for (const ref of watched) {
    const sick = input.containers.filter((c) => c.project === ref.project && c.service === ref.service && needsHealing(c));
    const covered = steps.some((s) => s.action === 'restart' && s.target && serviceKey(s.target) === serviceKey(ref));
    if (sick.length && !covered) steps.push({ trigger: { kind: 'manual', why: sick.some((c) => c.state === 'running') ? 'unhealthy' : 'exited' }, action: 'restart', target: ref });
  }
  return steps.map((s) => ({
    trigger: s.trigger, action: s.action, target: s.target,
    decision: s.unresolved ?? decide({ trigger: s.trigger, action: s.action, target: s.target && input.snapshot(s.target), settings: input.settings, now: input.now }),
  }));
}

