import { formatDuration } from './duration';
import type { Clock } from '../platform/clock';
import type { MementoLike } from '../platform/memento';

/** One hour: the sliding window the budget is counted in. */
export const HOUR_MS = 60 * 60 * 1000;

/** Where the action history lives in workspace state (so a reload keeps the budget). */
export const RATE_LIMIT_STORAGE_KEY = 'realm.healer.actionHistory';

/** A service's budget at one moment, as the Healer view shows it. */
export interface BudgetStatus {
  key: string;
  /** Actions taken in the current window. */
  used: number;
  max: number;
  remaining: number;
  /** Epoch ms when the oldest counted action leaves the window; only when the budget is spent. */
  nextSlotAt?: number;
  /** Epoch ms of the most recent action in the window. */
  lastActionAt?: number;
}

export interface RateLimiterOptions {
  maxActionsPerHour?: number;
  windowMs?: number;
  storageKey?: string;
}

type History = Record<string, number[]>;

/**
 * At most `maxActionsPerHour` actions per service in any sliding window. The history (action
 * times per service key) is persisted through a Memento, so reloading the window or restarting
 * VS Code keeps what has been spent; time comes from an injected clock so tests can move it.
 */
export class RateLimiter {
  private max: number;
  private readonly windowMs: number;
  private readonly storageKey: string;

  constructor(
    private readonly memento: MementoLike,
    private readonly clock: Clock,
    options: RateLimiterOptions = {},
  ) {
    this.max = Math.max(1, Math.floor(options.maxActionsPerHour ?? 3));
    this.windowMs = options.windowMs ?? HOUR_MS;
    this.storageKey = options.storageKey ?? RATE_LIMIT_STORAGE_KEY;
  }

  get maxActionsPerHour(): number {
    return this.max;
  }

  /** Follows the `realm.healer.maxActionsPerHour` setting; history is kept, only the limit moves. */
  setMaxActionsPerHour(max: number): void {
    this.max = Math.max(1, Math.floor(max));
  }

  /** True when one more action on `key` fits in the window now. */
  canAct(key: string): boolean {
    return this.status(key).remaining > 0;
  }

  /** The budget of `key` now; `max` reads it against a limit other than the current one (a query never changes the limiter). */
  status(key: string, max = this.max): BudgetStatus {
    const limit = Math.max(1, Math.floor(max));
    const times = this.recent(key);
    const used = times.length;
    const remaining = Math.max(0, limit - used);
    // the slot that frees first is the (used - max + 1)-th oldest action
    const nextSlotAt = remaining === 0 ? times[used - limit] + this.windowMs : undefined;
    return { key, used, max: limit, remaining, nextSlotAt, lastActionAt: times[used - 1] };
  }

  /** Every key with at least one action in the window. */
  keys(): string[] {
    return Object.keys(this.read())
      .filter((k) => this.recent(k).length > 0)
      .sort();
  }

  /** Counts one action on `key` now (call it when the action is issued, not when it succeeds). */
  async record(key: string): Promise<void> {
    const history = this.pruned();
    (history[key] ??= []).push(this.clock.now());
    await this.memento.update(this.storageKey, history);
  }

  /** When the actions on `key` in the current window were counted, oldest first. */
  actionTimes(key: string): number[] {
    return this.recent(key);
  }

  /** Forgets the history of one key, or of every key. */
  async reset(key?: string): Promise<void> {
    const history = key === undefined ? {} : this.pruned();
    if (key !== undefined) delete history[key];
    await this.memento.update(this.storageKey, history);
  }

  private recent(key: string): number[] {
    const cutoff = this.clock.now() - this.windowMs;
    return (this.read()[key] ?? []).filter((t) => t > cutoff).sort((a, b) => a - b);
  }

  private read(): History {
    const raw = this.memento.get<History>(this.storageKey);
    return raw && typeof raw === 'object' ? raw : {};
  }

  /** The stored history without entries that left the window, so the memento stays small. */
  private pruned(): History {
    const out: History = {};
    for (const key of Object.keys(this.read())) {
      const times = this.recent(key);
      if (times.length) out[key] = times;
    }
    return out;
  }
}

/** "arcanum 1/3 this hour" or "arcanum 3/3 this hour, next slot in 42 min". */
export function describeBudget(label: string, status: BudgetStatus, now: number): string {
  const base = `${label} ${status.used}/${status.max} this hour`;
  return status.nextSlotAt === undefined ? base : `${base}, next slot in ${formatDuration(status.nextSlotAt - now, 'countdown')}`;
}
