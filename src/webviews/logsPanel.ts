import * as vscode from 'vscode';
import type { LokiClient, LokiStream } from '../clients/lokiClient';
import { msToNs } from '../clients/lokiResponses';
import type { LokiTail } from '../clients/lokiTail';
import { detectLogLevel } from '../core/logLevel';
import type { Logger } from '../platform/logger';
import { ContextReply, isLogsToExtension, LogsReply, LogsToExtension, LogsToWebview } from '../shared/logsProtocol';
import { LogStream, resolveRange, TimeRange } from '../shared/protocol';
import { queryPaged } from './logsPaging';
import { unreachableMessage, userMessage } from './panelHost';
import { OwnMessage, SinglePanel } from './singlePanel';

/** What the Logs panel needs, passed in by `activate()`. Getters, so settings changes apply. */
export interface LogsPanelDeps {
  extensionUri: vscode.Uri;
  logger: Logger;
  /** "Open in Grafana Explore": checks Grafana is up first. */
  openGrafana?: (url: string) => Promise<unknown>;
  loki: () => LokiClient;
  grafana: () => { url: string; lokiUid: string };
  /** Live-tail ring buffer size (default 5,000). */
  tailCapacity?: () => number;
  /** The workspace's compose services (app project first): the panel's examples name them. */
  services?: () => string[];
  now?: () => number;
}

/** Tailed lines are forwarded in batches: one message per burst instead of one per line. */
const TAIL_BATCH_MS = 100;

/**
 * The "Realm: Search Logs" panel (one at a time, revealed when it exists). The extension does all
 * the fetching: queries, labels, context and the live tail; the webview only renders.
 */
export class LogsPanels extends SinglePanel<LogsToExtension, LogsToWebview> {
  static readonly viewType = 'realm.logs';
  private tail: LokiTail | undefined;
  /** Bumped by every stop (and start): a `startTail` still awaiting its check query sees it changed and gives up. */
  private tailGeneration = 0;
  private pendingTail: LokiStream[] = [];
  private tailTimer: ReturnType<typeof setTimeout> | undefined;
  private queryAbort: AbortController | undefined;

  constructor(private readonly deps: LogsPanelDeps) {
    super({
      viewType: LogsPanels.viewType,
      title: 'Realm Logs',
      bundle: 'logs',
      extensionUri: deps.extensionUri,
      logger: deps.logger,
      isInbound: isLogsToExtension,
      openGrafana: deps.openGrafana,
    });
  }

  /** Command `realm.searchLogs`: argument a LogQL string, or `{service}` ("Show logs" on a service); over `range` when given. */
  show(arg?: string | { service: string }, range?: TimeRange): void {
    const query = typeof arg === 'string' ? arg : arg && typeof arg.service === 'string' ? `{compose_service=${JSON.stringify(arg.service)}}` : undefined;
    this.openPanel(query ? { type: 'setQuery', query, run: true, ...(range ? { range } : {}) } : undefined);
  }

  protected override grafanaTarget() {
    const g = this.deps.grafana();
    return { url: g.url, datasource: { type: 'loki' as const, uid: g.lokiUid } };
  }

  protected onClosed(): void {
    this.stopTail();
    this.queryAbort?.abort();
  }

  protected async onMessage(m: OwnMessage<LogsToExtension>): Promise<void> {
    const loki = this.deps.loki();
    switch (m.type) {
      case 'ready':
        // a (re)loaded webview starts with tailing off: a tail of the page before it is orphaned
        this.stopTail();
        this.post({ type: 'services', names: [...new Set(this.deps.services?.() ?? [])].slice(0, 50) });
        return;
      case 'runLogsQuery': {
        this.queryAbort?.abort();
        const abort = (this.queryAbort = new AbortController());
        const { startMs, endMs } = resolveRange(m.range, (this.deps.now ?? Date.now)());
        // the next page starts at the last line shown (inclusive: lines sharing its timestamp are kept)
        const startNs = m.cursorNs && m.direction === 'forward' ? m.cursorNs : msToNs(startMs);
        const endNs = m.cursorNs && m.direction === 'backward' ? (BigInt(m.cursorNs) + 1n).toString() : msToNs(endMs);
        try {
          const result = await queryPaged(loki, { query: m.query, startNs, endNs, limit: m.limit, direction: m.direction, signal: abort.signal });
          if (result.resultType !== 'streams') {
            this.reply<Extract<LogsReply, { type: 'logsError' }>>(m, {
              type: 'logsError',
              message: 'This is a metric query (it returns numbers, not log lines). Remove count_over_time/rate/sum to see the lines.',
            });
            return;
          }
          const streams = withLevels(result.streams);
          const total = streams.reduce((n, s) => n + s.entries.length, 0);
          // nothing at all: tell an empty Loki (nothing ships logs to it) from a query that matches nothing
          const lokiEmpty =
            total === 0 && !m.cursorNs
              ? (await loki.labels({ startNs: msToNs(startMs), endNs: msToNs(endMs), signal: abort.signal }).catch(() => ['?'])).length === 0
              : undefined;
          this.reply<Extract<LogsReply, { type: 'logsResult' }>>(m, {
            type: 'logsResult',
            query: m.query,
            streams,
            limit: m.limit,
            truncated: total >= m.limit,
            startMs,
            endMs,
            ...(m.cursorNs ? { cursorNs: m.cursorNs } : {}),
            ...(lokiEmpty ? { lokiEmpty } : {}),
          });
        } catch (err) {
          if (!abort.signal.aborted) this.reply<Extract<LogsReply, { type: 'logsError' }>>(m, { type: 'logsError', message: lokiMessage(err, loki.baseUrl) });
        }
        return;
      }
      case 'fetchLabels':
        this.post({ type: 'labels', names: await loki.labels().catch((err) => this.logFailure('labels', err)) });
        return;
      case 'fetchLabelValues':
        this.post({ type: 'labelValues', label: m.label, values: await loki.labelValues(m.label).catch((err) => this.logFailure('label values', err)) });
        return;
      case 'showContext':
        await this.showContext(loki, m);
        return;
      case 'startTail':
        await this.startTail(loki, m.query);
        return;
      case 'stopTail':
        this.stopTail();
        return;
    }
  }

  /** Lines before and after one line, from the same stream (its exact label set). */
  private async showContext(loki: LokiClient, m: Extract<LogsToExtension, { type: 'showContext' }>): Promise<void> {
    const selector =
      '{' +
      Object.entries(m.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ') +
      '}';
    const ts = BigInt(m.tsNs);
    const hour = 3_600_000_000_000n;
    try {
      const [before, after] = await Promise.all([
        loki.queryRange({ query: selector, startNs: (ts - hour).toString(), endNs: m.tsNs, limit: m.count, direction: 'backward' }),
        loki.queryRange({ query: selector, startNs: (ts + 1n).toString(), endNs: (ts + hour).toString(), limit: m.count, direction: 'forward' }),
      ]);
      const entries = (r: typeof before) => (r.resultType === 'streams' ? withLevels(r.streams).flatMap((s) => s.entries) : []);
      const sortNs = (a: { tsNs: string }, b: { tsNs: string }) => (BigInt(a.tsNs) < BigInt(b.tsNs) ? -1 : 1);
      this.reply<Extract<ContextReply, { type: 'context' }>>(m, { type: 'context', before: entries(before).sort(sortNs), after: entries(after).sort(sortNs) });
    } catch (err) {
      this.reply<Extract<ContextReply, { type: 'contextError' }>>(m, { type: 'contextError', message: userMessage(err) });
    }
  }

  private async startTail(loki: LokiClient, query: string): Promise<void> {
    this.stopTail();
    const generation = this.tailGeneration;
    const capacity = this.deps.tailCapacity?.() ?? 5_000;
    this.post({ type: 'tailState', state: 'connecting', dropped: 0, capacity });
    try {
      // Loki refuses a bad tail query before the websocket opens, and a websocket cannot read why:
      // check the query over HTTP first so the user sees Loki's own message.
      await loki.queryRange({ query, startNs: msToNs(Date.now() - 60_000), endNs: msToNs(Date.now()), limit: 1 });
    } catch (err) {
      if (generation === this.tailGeneration)
        this.post({ type: 'tailState', state: 'disconnected', dropped: 0, capacity, message: lokiMessage(err, loki.baseUrl) });
      return;
    }
    // stopped, closed, reloaded or restarted while the check ran: this tail is no longer wanted
    if (generation !== this.tailGeneration) return;
    const tail = (this.tail = loki.tail({ query }));
    tail.onStatus((s) => {
      if (this.tail === tail) this.post({ type: 'tailState', state: s.state, dropped: s.dropped, capacity, message: s.message });
    });
    tail.onEntries((streams) => {
      this.pendingTail.push(...streams);
      this.tailTimer ??= setTimeout(() => {
        this.tailTimer = undefined;
        const batch = this.pendingTail.splice(0);
        if (this.tail === tail) this.post({ type: 'tailLines', streams: withLevels(batch) });
      }, TAIL_BATCH_MS);
    });
  }

  private stopTail(): void {
    this.tailGeneration++;
    if (this.tailTimer) clearTimeout(this.tailTimer);
    this.tailTimer = undefined;
    this.pendingTail = [];
    this.tail?.dispose();
    this.tail = undefined;
  }

  private logFailure(what: string, err: unknown): string[] {
    this.deps.logger.warn(`Logs panel: could not fetch ${what}: ${userMessage(err)}`);
    return [];
  }
}

/** Loki's own error text, or for a Loki that is down, that in plain words with the fix. */
function lokiMessage(err: unknown, baseUrl: string): string {
  const down = unreachableMessage(err, 'Loki', baseUrl);
  return down ? `${down} Start the stack (Realm: Stack Up) or point realm.lokiUrl at a running Loki.` : userMessage(err);
}

/** Adds each line's detected level (done here, once, rather than in the webview). */
function withLevels(streams: LokiStream[]): LogStream[] {
  return streams.map((s) => ({ labels: s.labels, entries: s.entries.map(([tsNs, line]) => ({ tsNs, line, level: detectLogLevel(line) })) }));
}
