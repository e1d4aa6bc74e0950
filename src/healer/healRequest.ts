import type { HealAction, HealDecision, HealTrigger, ServiceRef, SkipReason } from '../core/healPolicy';
import type { AuditEntry } from './auditTrail';
import type { ScheduledAction } from './healSchedule';

/** One reason to judge a service: a trigger, the action it asks for, and who asked. */
export interface HealRequest {
  trigger: HealTrigger;
  action: HealAction;
  /** Undefined: the trigger names no watched service (recorded as such). */
  ref?: ServiceRef;
  manual?: boolean;
  /** Other replicas that died with the trigger's container. */
  alsoDied?: readonly string[];
  /** An alert that resolved to no action or no watched service: recorded as the resolution said. */
  unresolved?: { verdict: 'skip'; reason: SkipReason; detail: string } | HealDecision;
  /** Set when a scheduled action runs: the decision it belongs to. */
  scheduled?: ScheduledAction;
  /** Resolves the caller (Heal Now, Heal This) with what was recorded. */
  done?: (entry: AuditEntry | undefined) => void;
}

/** The one notification request raised when a service's budget is spent. */
export interface GaveUp {
  key: string;
  ref: ServiceRef;
  nextSlotAt?: number;
  trigger: HealTrigger;
}

/** An action being issued now (status-bar hint, latency figures). */
export interface ActionStarted {
  key: string;
  action: HealAction;
  trigger: HealTrigger;
  /** Epoch ms (wall clock) when the engine call was issued. */
  issuedAt: number;
}

/** Background deaths of several replicas waiting together become one request (one decision, one action). */
export function mergeDeaths(requests: HealRequest[]): HealRequest[] {
  const out: HealRequest[] = [];
  let death: HealRequest | undefined;
  for (const r of requests) {
    const isDeath = !r.manual && !r.scheduled && r.action === 'restart' && r.trigger.kind === 'event' && r.trigger.event === 'die';
    if (isDeath && death && r.trigger.kind === 'event') {
      const id = r.trigger.containerId;
      death.alsoDied = [...new Set([...(death.alsoDied ?? []), id])];
      if (r.done) {
        const previous = death.done;
        const mine = r.done;
        death.done = (e) => {
          previous?.(e);
          mine(e);
        };
      }
      continue;
    }
    out.push(r);
    if (isDeath) death = r;
  }
  return out;
}
