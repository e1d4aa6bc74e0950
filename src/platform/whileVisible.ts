/** Something a view lets go of: a store subscription, a ticker's timer. */
interface Releasable {
  dispose(): void;
}

export interface WhileVisibleOptions {
  /** What the view listens to while visible (undefined entries: sources this view was built without). */
  subscribe(): ReadonlyArray<Releasable | undefined>;
  /** Told the view's visibility too (the relative-time ticker: no timer while hidden). */
  ticker: { setVisible(visible: boolean): void };
  /** The view became visible: redraw from what the sources hold now (changes while hidden were not heard). */
  shown(): void;
}

/**
 * A tree view's "subscribe only while visible": a hidden view holds no subscription (so it starts no
 * store polling of its own) and no timer; shown again, it subscribes and redraws at once.
 */
export class WhileVisible {
  private subscriptions: ReadonlyArray<Releasable | undefined> | undefined;

  constructor(private readonly opts: WhileVisibleOptions) {}

  setVisible(visible: boolean): void {
    if (visible && !this.subscriptions) {
      this.subscriptions = this.opts.subscribe();
      this.opts.ticker.setVisible(true);
      this.opts.shown();
    } else if (!visible && this.subscriptions) {
      this.subscriptions.forEach((s) => s?.dispose());
      this.subscriptions = undefined;
      this.opts.ticker.setVisible(false);
    }
  }

  /** True while subscribed. */
  get visible(): boolean {
    return this.subscriptions !== undefined;
  }

  dispose(): void {
    this.setVisible(false);
  }
}
