/**
 * The one place alerts are fetched. It polls Alertmanager (and Prometheus, for pending alerts and
 * as a stand-in while Alertmanager is down) only while something listens, never with two polls in
 * flight, faster while a Realm view is visible, backing off while the backend is down. Views, the
 * status bar, notifications and the healer subscribe to its events instead of fetching.
 *
 * Typical use (the healer):
 *   store.onDidChange((c) => c.added / c.changed / c.resolved / c.snapshot.alerts)
 *   store.onDidFireCritical((alerts) => …)   // critical alerts that just started firing
 */
import type { AlertFilter } from '../clients/alertmanagerClient';
import type { AmAlert, Silence } from '../clients/alertmanagerTypes';
import type { PromActiveAlert } from '../clients/prometheusTypes';
import { newlyFiringCritical } from '../core/alertDiff';
import type { RealmAlert } from '../core/alerts';
import { Clock, systemClock, Timers } from '../platform/clock';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import { Logger } from '../platform/logger';
import { AlertSnapshot, AlertStoreChange, changeOf, nextSnapshot } from './alertSnapshot';
import { OutageTracker } from './outageTracker';

export type { AlertSnapshot, AlertStoreChange, AlertStoreStatus } from './alertSnapshot';

/** What the store needs from the clients (AlertmanagerClient / PrometheusClient satisfy it). */
export interface AlertSources {
  alertmanager: {
    readonly baseUrl: string;
    alerts(o?: AlertFilter): Promise<AmAlert[]>;
    silences(o?: { signal?: AbortSignal; timeoutMs?: number }): Promise<Silence[]>;
  };
  prometheus?: {
    readonly baseUrl: string;
    alerts(o?: { signal?: AbortSignal; timeoutMs?: number }): Promise<PromActiveAlert[]>;
  };
}

export interface AlertStoreOptions {
  logger: Logger;
  /** Poll interval while a Realm view is visible (ms). Default 2000 (`realm.pollIntervalSeconds`). */
  intervalMs?: number;
  /** Poll interval while no view is visible (ms). Default 5 × intervalMs. */
  hiddenIntervalMs?: number;
  /** Consecutive failed polls before Alertmanager counts as unreachable. Default 3. */
  failuresBeforeUnreachable?: number;
  /** Longest wait between polls while the backend is down (ms). Default 30 000. */
  maxBackoffMs?: number;
  /** Per-request timeout (ms). Default 5000. */
  requestTimeoutMs?: number;
  clock?: Clock;
  /** The poll timer; tests pass a manual clock so time is driven. Default: the global timers. */
  timers?: Timers;
  /** Keeps only some alerts (tests filter by instance; a user could filter by label). */
  include?: (alert: RealmAlert) => boolean;
}

/** The global timers, referenced (systemTimers unrefs): the poll timer has always kept its process alive. */
const globalTimers: Timers = { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) };

export class AlertStore extends Disposable {
  private readonly changeEmitter = this.register(new Emitter<AlertStoreChange>(() => this.updateActivity()));
  private readonly criticalEmitter = this.register(new Emitter<RealmAlert[]>(() => this.updateActivity()));
  /** Fires after a poll that changed anything users can see. */
  readonly onDidChange: Event<AlertStoreChange> = this.changeEmitter.event;
  /** Fires once per poll with the critical alerts that started firing in it (for one notification). */
  readonly onDidFireCritical: Event<RealmAlert[]> = this.criticalEmitter.event;

  private current: AlertSnapshot;
  private visible = false;
  private active = false;
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly am: OutageTracker;
  private readonly prom: OutageTracker;
  private intervalMs: number;
  private hiddenIntervalMs: number;

  constructor(
    private readonly sources: AlertSources,
    private readonly options: AlertStoreOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? globalTimers;
    this.intervalMs = options.intervalMs ?? 2000;
    this.hiddenIntervalMs = options.hiddenIntervalMs ?? this.intervalMs * 5;
    const threshold = options.failuresBeforeUnreachable ?? 3;
    this.am = new OutageTracker('Alertmanager', sources.alertmanager.baseUrl, threshold, options.logger, this.clock);
    this.prom = new OutageTracker('Prometheus', sources.prometheus?.baseUrl ?? '', threshold, options.logger, this.clock);
    this.current = { status: 'starting', alerts: [], silences: [], fallback: false, everReachable: false, alertmanagerUrl: sources.alertmanager.baseUrl };
    this.register(
      toDisposable(() => {
        this.abort.abort();
        this.clearTimer();
      }),
    );
  }

  /** The latest snapshot (also before any poll: status `starting`, no alerts). */
  get snapshot(): AlertSnapshot {
    return this.current;
  }

  /** Whether the store is polling (something listens). */
  get isPolling(): boolean {
    return this.active;
  }

  /** A Realm view became visible (poll at the fast interval) or all were hidden. */
  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    // Becoming visible should not wait out a long hidden interval.
    if (visible && this.active && !this.inFlight) this.schedule(this.sinceLastPoll() >= this.intervalMs ? 0 : this.intervalMs - this.sinceLastPoll());
  }

  /** Applies a changed `realm.pollIntervalSeconds`. */
  setIntervals(intervalMs: number, hiddenIntervalMs = intervalMs * 5): void {
    this.intervalMs = intervalMs;
    this.hiddenIntervalMs = hiddenIntervalMs;
    if (this.active && !this.inFlight) this.schedule(this.nextDelay());
  }

  /** Polls now (joining a poll already in flight) — after creating a silence, or on "Refresh". */
  refresh(): Promise<void> {
    if (this.isDisposed) return Promise.resolve();
    this.clearTimer();
    return this.poll();
  }

  /**
   * The backend URLs (or credentials) changed: poll the new ones now, not after a poll still in
   * flight to the old ones, nor after the old backend's backoff.
   */
  async settingsChanged(): Promise<void> {
    await this.inFlight;
    return this.refresh();
  }

  private lastPollAt = 0;
  private sinceLastPoll(): number {
    return this.clock.now() - this.lastPollAt;
  }

  private updateActivity(): void {
    const listening = this.changeEmitter.listenerCount + this.criticalEmitter.listenerCount > 0;
    if (listening === this.active || this.isDisposed) return;
    this.active = listening;
    // the first poll runs on the next tick: the first listener is often created during activation
    if (listening) this.schedule(0);
    else this.clearTimer();
  }

  private poll(): Promise<void> {
    this.inFlight ??= this.pollOnce()
      .catch((err) => this.options.logger.error(err as Error))
      .finally(() => {
        this.inFlight = undefined;
        if (this.active && !this.isDisposed) this.schedule(this.nextDelay());
      });
    return this.inFlight;
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The base interval while healthy and during the first retries; doubling once unreachable. */
  private nextDelay(): number {
    const base = this.visible ? this.intervalMs : this.hiddenIntervalMs;
    const over = this.am.failures - this.am.threshold;
    if (over < 0) return base;
    return Math.min(this.options.maxBackoffMs ?? 30_000, Math.max(base, this.intervalMs * 2 ** (over + 1)));
  }

  private async pollOnce(): Promise<void> {
    this.lastPollAt = this.clock.now();
    // settings can point the clients at another Alertmanager at any time: tooltips and the log name the one polled
    const alertmanagerUrl = this.sources.alertmanager.baseUrl;
    this.am.retarget(alertmanagerUrl);
    if (this.sources.prometheus) this.prom.retarget(this.sources.prometheus.baseUrl);
    const call = { signal: this.abort.signal, timeoutMs: this.options.requestTimeoutMs ?? 5000 };
    const [alerts, silences, prom] = await Promise.allSettled([
      this.sources.alertmanager.alerts(call),
      this.sources.alertmanager.silences(call),
      this.sources.prometheus ? this.sources.prometheus.alerts(call) : Promise.resolve(undefined),
    ]);
    if (this.isDisposed) return;
    const promAlerts = prom.status === 'fulfilled' ? prom.value : undefined;
    if (this.sources.prometheus) this.prom.record(prom.status === 'rejected' ? (prom.reason as Error) : undefined);
    const amError = alerts.status === 'rejected' ? (alerts.reason as Error) : silences.status === 'rejected' ? (silences.reason as Error) : undefined;
    this.am.record(amError);

    const prev = this.current;
    const next = nextSnapshot(prev, {
      alerts: alerts.status === 'fulfilled' ? alerts.value : undefined,
      silences: silences.status === 'fulfilled' ? silences.value : undefined,
      promAlerts,
      amError,
      amDown: this.am.isDown,
      prometheusReachable: this.sources.prometheus ? !this.prom.isDown : undefined,
      alertmanagerUrl,
      now: this.clock.now(),
      filter: (list) => this.filter(list),
    });
    this.current = next;
    const change = changeOf(prev, next);
    if (change) this.changeEmitter.fire(change);
    // no visible change means no alert started firing
    const critical = change ? newlyFiringCritical(change) : [];
    if (critical.length > 0) this.criticalEmitter.fire(critical);
  }

  private filter(alerts: RealmAlert[]): RealmAlert[] {
    return this.options.include ? alerts.filter(this.options.include) : alerts;
  }
}

/**
 * The store as the healer's `AlertSource` (src/healer/alertSource.ts): a change signal and the
 * alerts that fire now (not silenced, inhibited or pending). Subscribing keeps the store polling.
 */
export function firingAlertSource(store: AlertStore): {
  onDidChange: Event<void>;
  firing(): { fingerprint: string; labels: Record<string, string>; startsAt?: string }[];
} {
  return {
    onDidChange: (listener) => store.onDidChange(() => listener()),
    // with neither Alertmanager nor Prometheus answering, the last list is stale: heal nothing from it
    firing: () =>
      (store.snapshot.status === 'unreachable' && !store.snapshot.fallback ? [] : store.snapshot.alerts)
        .filter((a) => a.state === 'firing')
        .map((a) => ({ fingerprint: a.key, labels: a.labels, startsAt: new Date(a.since).toISOString() })),
  };
}
