import type { Clock, Timers } from '../../src/platform/clock';

/**
 * A clock with timers that only move when the test says so: `advance(ms)` runs every timer due on the
 * way, in order, letting the promises each one starts settle before the next (time is driven, never
 * waited for).
 */
export class ManualClock implements Clock, Timers {
  private timers = new Map<number, { at: number; callback: () => void }>();
  private seq = 0;

  constructor(private time = Date.UTC(2026, 0, 1, 10, 0)) {}

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.size;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const next = [...this.timers].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

/** Lets every promise chain that is ready run to its end (a bounded number of event-loop turns, no wall-clock wait). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
