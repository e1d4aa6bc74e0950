import type { ServiceRef } from '../core/healPolicy';
import type { AlertResolution } from '../core/healRules';
import type { Clock, Timers } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { AlertSource, HealableAlert } from './alertSource';
import type { AuditEntry } from './auditTrail';
import { alertTrigger } from './healPlan';
import type { HealRequest } from './healRunner';
import type { HealerLeaseLike } from './lease';
import { OneAtATime } from '../platform/oneAtATime';

export interface HealerAlertsDeps {
  alerts?: AlertSource;
  lease?: HealerLeaseLike;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** The services alerts may name (read fresh for each pass). */
  watched: () => Promise<ServiceRef[]>;
  resolve: (alert: HealableAlert, watched: readonly ServiceRef[]) => AlertResolution;
  request: (r: HealRequest & { unresolved?: HealRequest['unresolved'] }) => Promise<AuditEntry | undefined>;
  /** A skip when the alert is about a target that was never up (a wrong address, not a crash). */
  misconfigured?: (alert: HealableAlert) => Promise<HealRequest['unresolved'] | undefined>;
  /** The services waiting for their alert to be judged again changed (the views show the wait). */
  waitsChanged?: () => void;
}

/** A service whose firing alert is judged again at `at` (after the grace or back-off its last decision named). */
export interface AlertWait {
  at: number;
  alertname: string;
}

/**
 * The alert path: one pass over the firing alerts at a time (a change during a pass queues exactly
 * one more), each alert a request to the same queue the engine events use. A pass whose check
 * fails is retried with back-off (1 s doubling to 30 s) instead of waiting for the next change.
 * The alert source fires on changes only, so an alert that keeps firing as it is would never be
 * judged again: a decision that waits (grace, back-off, the engine) asks for a pass at its end.
 */
export class HealerAlerts {
  private readonly passes = new OneAtATime(() => this.pass());
  private retryTimer: unknown;
  private retryMs = 1_000;
  private againTimer: unknown;
  private againAt = Infinity;
  private waiting = new Map<string, AlertWait>();
  /** The waits the running pass's decisions ask for; they replace `waiting` when it ends. */
  private judged: Map<string, AlertWait> | undefined;
  private disposed = false;

  constructor(private readonly deps: HealerAlertsDeps) {}

  get running(): boolean {
    return this.passes.running;
  }

  run(): void {
    if (!this.deps.alerts || this.disposed) return;
    void this.passes.run();
  }

  /** The services whose alert waits to be judged again, by `project/service`. */
  get waits(): ReadonlyMap<string, AlertWait> {
    return this.waiting;
  }

  /**
   * Judges the firing alerts again at `at` (for `key`, whose `alertname` is the one waiting); the
   * earliest time asked for wins: that pass asks again for the later ones.
   */
  judgeAgainAt(at: number, key: string, alertname: string): void {
    if (!this.deps.alerts || this.disposed) return;
    (this.judged ?? this.waiting).set(key, { at, alertname });
    // a pass says so when it ends; Heal This on an alert asks outside one
    if (!this.judged) this.deps.waitsChanged?.();
    if (this.againTimer !== undefined && this.againAt <= at) return;
    if (this.againTimer !== undefined) this.deps.timers.clearTimeout(this.againTimer);
    this.againAt = at;
    this.againTimer = this.deps.timers.setTimeout(
      () => {
        this.againTimer = undefined;
        this.againAt = Infinity;
        this.run();
      },
      Math.max(0, at - this.deps.clock.now()),
    );
  }

  /** One pass; a failed one is retried with back-off instead of waiting for the next change. */
  private async pass(): Promise<void> {
    if (this.disposed) return;
    if (this.retryTimer !== undefined) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // this pass's decisions say again which services still wait (the views keep the last ones meanwhile)
    const before = this.waiting;
    this.judged = new Map();
    try {
      await this.evaluate();
      this.waiting = this.judged;
      this.retryMs = 1_000;
    } catch (e) {
      // nothing was judged: the waits stand until the retry judges them
      this.deps.logger.warn(`[healer] alert pass failed: ${String(e)}; retrying in ${this.retryMs / 1000} s`);
      this.retryTimer = this.deps.timers.setTimeout(() => {
        this.retryTimer = undefined;
        this.run();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    } finally {
      this.judged = undefined;
    }
    if (!sameWaits(before, this.waiting)) this.deps.waitsChanged?.();
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer !== undefined) this.deps.timers.clearTimeout(this.retryTimer);
    if (this.againTimer !== undefined) this.deps.timers.clearTimeout(this.againTimer);
  }

  private async evaluate(): Promise<void> {
    const firing = this.deps.alerts?.firing() ?? [];
    if (!firing.length || (this.deps.lease && !this.deps.lease.isHolder)) return;
    const watched = await this.deps.watched();
    await Promise.all(
      firing.map(async (alert) => {
        const r = this.deps.resolve(alert, watched);
        const trigger = alertTrigger(alert, r);
        const misconfigured = r.ok ? await this.deps.misconfigured?.(alert) : undefined;
        if (r.ok && misconfigured) return this.deps.request({ trigger, action: r.action, unresolved: misconfigured });
        if (r.ok) return this.deps.request({ trigger, action: r.action, ref: r.target });
        // an alert no rule maps to an action is not the healer's business, unless it asked for one by label
        if (r.reason === 'no-action' && !alert.labels.action) return undefined;
        return this.deps.request({ trigger, action: 'restart', unresolved: { verdict: 'skip', reason: r.reason, detail: r.detail } });
      }),
    );
  }
}

function sameWaits(a: ReadonlyMap<string, AlertWait>, b: ReadonlyMap<string, AlertWait>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, w] of a) {
    const o = b.get(k);
    if (!o || o.at !== w.at || o.alertname !== w.alertname) return false;
  }
  return true;
}
