import type { PromTarget } from '../clients/prometheusTypes';
import { neverUpAdvice, neverUpTargetOf, NeverUpTarget, scrapeHealthByService, ServiceScrapeHealth } from '../core/scrapeTargets';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import { InstantQuerySource, queryNeverUp } from './neverUpTargets';
import { Clock, systemClock } from '../platform/clock';

/** What the store needs from Prometheus (PrometheusClient satisfies it). */
export interface TargetsSource extends Partial<InstantQuerySource> {
  readonly baseUrl: string;
  targets(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<PromTarget[]>;
}

/** How long a never-up verdict is trusted by the healer before it is asked again (one scrape interval and a half). */
const NEVER_UP_FRESH_MS = 20_000;

/**
 * Whether each service's scrape target is up, for the Services tree. Polls Prometheus' targets
 * API at the scrape interval (15 s) only while something listens; while Prometheus is down the
 * map is empty (the tree then shows no scrape state) and the outage is logged once.
 */
export class ScrapeTargetStore extends Disposable {
  private readonly changed = this.register(new Emitter<Map<string, ServiceScrapeHealth>>(() => this.updateActivity()));
  readonly onDidChange: Event<Map<string, ServiceScrapeHealth>> = this.changed.event;
  private current = new Map<string, ServiceScrapeHealth>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = false;
  private down = false;
  private abort: AbortController | undefined;
  private neverUp: NeverUpTarget[] = [];
  private neverUpAt = 0;
  private neverUpCheck: Promise<void> | undefined;

  constructor(
    private readonly source: () => TargetsSource,
    private readonly logger: Logger,
    private readonly intervalMs = 15_000,
    private readonly clock: Clock = systemClock,
  ) {
    super();
    this.register(toDisposable(() => this.stop()));
  }

  /** Service name → scrape health; empty while Prometheus is unreachable or before the first poll. */
  get byService(): ReadonlyMap<string, ServiceScrapeHealth> {
    return this.current;
  }

  /**
   * What to do about the target an alert names (its job and instance), when that target has never
   * been up since Prometheus started; from the last poll. The Alerts view shows it.
   */
  problemFor(labels: Readonly<Record<string, string>>): string | undefined {
    const t = neverUpTargetOf(labels, this.neverUp);
    return t && neverUpAdvice(t);
  }

  /**
   * The same, checked now when the last check is older than ≈20 s (the healer asks before acting on
   * an alert, whether or not a view polls). Prometheus unreachable: undefined (heal as before).
   */
  async configurationProblem(labels: Readonly<Record<string, string>>): Promise<string | undefined> {
    if (!labels.job || !labels.instance) return undefined;
    if (this.clock.now() - this.neverUpAt > NEVER_UP_FRESH_MS) {
      this.neverUpCheck ??= this.checkNeverUp().finally(() => {
        this.neverUpCheck = undefined;
      });
      await this.neverUpCheck;
    }
    return this.problemFor(labels);
  }

  private async checkNeverUp(): Promise<void> {
    try {
      const source = this.source();
      await this.loadNeverUp(source, await source.targets({ timeoutMs: 5_000 }));
    } catch {
      this.neverUp = [];
    }
  }

  private async loadNeverUp(source: TargetsSource, targets: readonly PromTarget[], signal?: AbortSignal): Promise<void> {
    const query = source.query?.bind(source);
    this.neverUp = query ? await queryNeverUp({ query }, targets, { signal, timeoutMs: 5_000 }).catch(() => []) : [];
    this.neverUpAt = this.clock.now();
  }

  private updateActivity(): void {
    const listening = this.changed.listenerCount > 0;
    if (listening && !this.active) {
      this.active = true;
      this.schedule(0);
    } else if (!listening && this.active) {
      this.stop();
    }
  }

  private stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    this.abort = new AbortController();
    let next: Map<string, ServiceScrapeHealth>;
    try {
      const source = this.source();
      const targets = await source.targets({ signal: this.abort.signal, timeoutMs: 5_000 });
      await this.loadNeverUp(source, targets, this.abort.signal);
      next = scrapeHealthByService(targets, this.neverUp);
      if (this.down) this.logger.info('Prometheus targets reachable again');
      this.down = false;
    } catch (e) {
      if (!this.active) return;
      if (!this.down)
        this.logger.warn(`Scrape targets unavailable (${(e as Error).message}); the Services tree shows no scrape state until Prometheus answers`);
      this.down = true;
      this.neverUp = [];
      next = new Map();
    }
    if (!this.active) return;
    if (JSON.stringify([...next]) !== JSON.stringify([...this.current])) {
      this.current = next;
      this.changed.fire(next);
    }
    this.schedule(this.intervalMs);
  }
}
