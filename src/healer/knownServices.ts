import { ComposeLabels, ContainerInfo } from '../core/containers';
import type { HealerSettings } from '../core/healerSettings';
import { ServiceRef, serviceKey } from '../core/healPolicy';
import type { BudgetStatus, RateLimiter } from '../core/rateLimiter';
import type { EngineIntent } from './engineIntent';
import type { AlertWait } from './healerAlerts';
import type { GaveUp } from './healRequest';
import type { HealSchedule, ScheduledAction } from './healSchedule';

/** A service's healing state for the Healer and Services views. */
export interface ServiceHealState {
  key: string;
  ref: ServiceRef;
  budget: BudgetStatus;
  gaveUp: boolean;
  inFlight: boolean;
  /** The action waiting for its time (back-off, grace, engine restart, retry). */
  scheduled?: ScheduledAction;
  /** A firing alert about it, judged again at this time (the grace or back-off after the healer's last decision). */
  alertWait?: AlertWait;
  /** Stopped by the user at this time: left alone until started. */
  stoppedByUserAt?: number;
  /** Why the healer never touches it: the setting or the compose label. */
  optedOut?: 'setting' | 'label';
}

/**
 * The services the healer has seen (by their containers' compose labels), so a key kept across a reload (a
 * budget, a stop, a scheduled action) reads back as the service it names, and a `realm.heal: "false"` label
 * is known without another engine call.
 */
export class KnownServices {
  private readonly refs = new Map<string, ServiceRef>();
  private readonly labelOptOut = new Set<string>();

  remember(containers: readonly ContainerInfo[]): void {
    for (const c of containers) {
      const key = serviceKey(c);
      this.refs.set(key, { project: c.project, service: c.service });
      if (c.labels[ComposeLabels.healOptOut] === 'false') this.labelOptOut.add(key);
      else this.labelOptOut.delete(key);
    }
  }

  /** The service a key names: as seen, else read from the key (`project/service`). */
  refOf(key: string): ServiceRef {
    const seen = this.refs.get(key);
    if (seen) return seen;
    const slash = key.indexOf('/');
    return slash < 0 ? { project: '', service: key } : { project: key.slice(0, slash), service: key.slice(slash + 1) };
  }

  optedOutByLabel(key: string): boolean {
    return this.labelOptOut.has(key);
  }

  seen(): ReadonlyMap<string, ServiceRef> {
    return this.refs;
  }
}

/** What the per-service states are read from. */
export interface HealStateSources {
  settings: HealerSettings;
  rateLimiter: RateLimiter;
  gaveUp: ReadonlyMap<string, GaveUp>;
  inFlight: ReadonlySet<string>;
  schedule: HealSchedule;
  intent: EngineIntent;
  alertWaits: ReadonlyMap<string, AlertWait>;
}

/** Per-service budgets and states for every service seen, acted on, given up on, scheduled or left alone. A query: changes nothing. */
export function serviceHealStates(known: KnownServices, s: HealStateSources): ServiceHealState[] {
  const keys = new Set([
    ...known.seen().keys(),
    ...s.rateLimiter.keys(),
    ...s.gaveUp.keys(),
    ...s.schedule.all().map((x) => x.key),
    ...s.intent.all().map(([k]) => k),
    ...s.alertWaits.keys(),
  ]);
  return [...keys]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => {
      const ref = known.refOf(key);
      return {
        key,
        ref,
        budget: s.rateLimiter.status(key, s.settings.maxActionsPerHour),
        gaveUp: s.gaveUp.has(key),
        inFlight: s.inFlight.has(key),
        scheduled: s.schedule.get(key),
        alertWait: s.alertWaits.get(key),
        stoppedByUserAt: s.intent.stopOf(key)?.at,
        optedOut: s.settings.optOut.includes(ref.service) || s.settings.optOut.includes(key) ? 'setting' : known.optedOutByLabel(key) ? 'label' : undefined,
      };
    });
}
