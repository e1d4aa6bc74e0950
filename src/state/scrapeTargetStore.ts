import type { PromTarget } from '../clients/prometheusTypes';
import { scrapeHealthByService, ServiceScrapeHealth } from '../core/scrapeTargets';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';

/** What the store needs from Prometheus (PrometheusClient satisfies it). */
export interface TargetsSource {
  readonly baseUrl: string;
  targets(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<PromTarget[]>;
}

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

  constructor(private readonly source: () => TargetsSource, private readonly logger: Logger, private readonly intervalMs = 15_000) {
    super();
    this.register(toDisposable(() => this.stop()));
  }

  /** Service name → scrape health; empty while Prometheus is unreachable or before the first poll. */
  get byService(): ReadonlyMap<string, ServiceScrapeHealth> {
    return this.current;
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
      next = scrapeHealthByService(await this.source().targets({ signal: this.abort.signal, timeoutMs: 5_000 }));
      if (this.down) this.logger.info('Prometheus targets reachable again');
      this.down = false;
    } catch (e) {
      if (!this.active) return;
      if (!this.down) this.logger.warn(`Scrape targets unavailable (${(e as Error).message}); the Services tree shows no scrape state until Prometheus answers`);
      this.down = true;
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
