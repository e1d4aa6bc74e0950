import type { HealAction, HealTrigger, ServiceRef } from '../core/healPolicy';
import { formatDuration } from '../core/duration';
import type { Clock, Timers } from '../platform/clock';
import { Emitter, Event } from '../platform/event';
import type { MementoLike } from '../platform/memento';
import { actionWord } from './decisionWording';

/** Where scheduled actions live in workspace state, so a reload runs them instead of forgetting them. */
export const SCHEDULE_STORAGE_KEY = 'realm.healer.scheduled';

/**
 * Why an action waits: a back-off after restarts that did not hold, the start-up grace before health
 * is judged, the engine's own restart policy, or a check that failed and is retried.
 */
export type ScheduledKind = 'backoff' | 'grace' | 'engine-wait' | 'retry';

/** A deferred action: a visible state with its time, cancellable, run as the decision it belongs to. */
export interface ScheduledAction {
  key: string;
  ref: ServiceRef;
  action: HealAction;
  kind: ScheduledKind;
  /** Clock ms when it runs. */
  at: number;
  /** "back-off after 2 restarts", "Docker did not answer: connect EAGAIN". */
  why: string;
  /** The decision's trigger: the run is recorded under it. */
  trigger: HealTrigger;
  /** Other replicas that died with the trigger's container. */
  alsoDied?: string[];
  /** Retries so far (kind `retry`), for the retry's own back-off. */
  attempt?: number;
}

/** "restart in 8 s (back-off after 2 restarts)", "check again in 2 s (Docker did not answer: …)". */
export function describeScheduled(s: ScheduledAction, now: number): string {
  const wait = formatDuration(s.at - now, 'countdown');
  switch (s.kind) {
    case 'backoff':
      return `${actionWord(s.action)} in ${wait} (${s.why})`;
    case 'grace':
      return `${actionWord(s.action)} in ${wait} if still unhealthy (${s.why})`;
    case 'engine-wait':
      return `${actionWord(s.action)} in ${wait} unless the engine restarts it (${s.why})`;
    case 'retry':
      return `check again in ${wait} (${s.why})`;
  }
}

/**
 * The healer's deferred actions, one per service (the earliest wins), each on a timer from the
 * injected clock and timers. `run` is called when one is due; `onDidChange` redraws the countdowns.
 */
export class HealSchedule {
  private readonly pending = new Map<string, { s: ScheduledAction; timer: unknown }>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly run: (s: ScheduledAction) => void,
    private readonly memento?: MementoLike,
  ) {}

  /** Schedules `s` unless the service already has an earlier one; true when `s` is now the service's. */
  schedule(s: ScheduledAction): boolean {
    const existing = this.pending.get(s.key);
    if (existing && existing.s.at <= s.at && existing.s.kind === s.kind) return false;
    if (existing) this.timers.clearTimeout(existing.timer);
    this.arm(s);
    this.save();
    return true;
  }

  get(key: string): ScheduledAction | undefined {
    return this.pending.get(key)?.s;
  }

  all(): ScheduledAction[] {
    return [...this.pending.values()].map((p) => p.s).sort((a, b) => a.at - b.at);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Removes the service's scheduled action without running it; returns it. */
  cancel(key: string): ScheduledAction | undefined {
    const p = this.pending.get(key);
    if (!p) return undefined;
    this.timers.clearTimeout(p.timer);
    this.pending.delete(key);
    this.save();
    return p.s;
  }

  /** Re-arms what an earlier window scheduled (a due one runs at once). */
  restore(): void {
    const stored = this.memento?.get<ScheduledAction[]>(SCHEDULE_STORAGE_KEY);
    if (!Array.isArray(stored)) return;
    for (const s of stored) if (s && typeof s.key === 'string' && typeof s.at === 'number' && !this.pending.has(s.key)) this.arm(s);
    if (stored.length) this.changed.fire();
  }

  dispose(): void {
    for (const p of this.pending.values()) this.timers.clearTimeout(p.timer);
    this.pending.clear();
    this.changed.dispose();
  }

  private arm(s: ScheduledAction): void {
    const timer = this.timers.setTimeout(
      () => {
        if (this.pending.get(s.key)?.s !== s) return;
        this.pending.delete(s.key);
        this.save();
        this.run(s);
      },
      Math.max(0, s.at - this.clock.now()),
    );
    this.pending.set(s.key, { s, timer });
  }

  private save(): void {
    this.changed.fire();
    void this.memento?.update(SCHEDULE_STORAGE_KEY, this.all());
  }
}
