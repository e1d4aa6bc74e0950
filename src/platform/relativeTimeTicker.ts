import type { Clock, Timers } from './clock';

export interface RelativeTimeTickerOptions {
  clock: Clock;
  timers: Timers;
  /** Epoch ms (clock) of every time the view shows relative to now: "up 49s", "5s ago", "restart in 8 s". */
  times(): readonly number[];
  /** The text the view would show at `now` (its rows' descriptions): compared between ticks. */
  render(now: number): string;
  /** The text changed: redraw the view, rendering as of `now`. */
  onChange(now: number): void;
}

/**
 * How often a relative time is looked at again, by its magnitude: each second under a minute
 * (aligned to the next whole second of its age), every 10 s under an hour, every minute beyond.
 * "up 5m" is then at most 10 s late to read "up 6m" — coarse, but never frozen.
 */
export function tickDelay(distanceMs: number): number {
  const d = Math.abs(distanceMs);
  if (d < 60_000) return distanceMs >= 0 ? 1_000 - (d % 1_000) : 1_000;
  return d < 3_600_000 ? 10_000 : 60_000;
}

/**
 * Keeps a view's relative times current while it is visible, cheaply: one timer per view (none while
 * hidden or while nothing relative is shown), due when the nearest time next needs a look, and a
 * redraw only when the rendered text actually changed. The view calls `rendered(now)` after each
 * redraw of its own so the ticker compares against what is on screen.
 */
export class RelativeTimeTicker {
  private timer: unknown;
  private visible = false;
  private shown: string | undefined;

  constructor(private readonly opts: RelativeTimeTickerOptions) {}

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.schedule();
    else this.cancel();
  }

  /** The view redrew as of `now` (a store change): remember what it shows and re-aim the timer. */
  rendered(now: number): void {
    if (!this.visible) {
      this.shown = undefined; // hidden: nothing to compare with, and no work
      return;
    }
    this.shown = this.opts.render(now);
    this.schedule();
  }

  /** True while a tick is due (tests: no timer while hidden or with nothing relative on screen). */
  get ticking(): boolean {
    return this.timer !== undefined;
  }

  dispose(): void {
    this.visible = false;
    this.cancel();
  }

  private schedule(): void {
    this.cancel();
    const now = this.opts.clock.now();
    const times = this.opts.times();
    if (!times.length) return;
    const delay = Math.min(...times.map((t) => tickDelay(now - t)));
    this.timer = this.opts.timers.setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.visible) return;
    const now = this.opts.clock.now();
    const text = this.opts.render(now);
    if (text !== this.shown) {
      this.shown = text;
      this.opts.onChange(now);
    }
    this.schedule();
  }

  private cancel(): void {
    if (this.timer !== undefined) this.opts.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
