import type * as vscode from 'vscode';
import type { LokiClient } from '../clients/lokiClient';
import { msToNs, nsToMs } from '../shared/nanoseconds';
import { alignSeries } from '../core/chartSeries';
import type { Incident } from '../core/incidents';
import { buildIncidentView, incidentCharts, incidentWindow, LOG_AFTER_MS, LOG_BEFORE_MS, memoryQuery, serviceSelector } from '../core/incidentView';
import { detectLogLevel } from '../core/logLevel';
import { HEALER_LOKI_JOB } from '../healer/decisionRecord';
import { chooseStep } from '../core/step';
import type { Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import { IncidentLink, IncidentLogsView, IncidentReply, IncidentToExtension, IncidentToWebview, isIncidentToExtension } from '../shared/incidentProtocol';
import type { MetricsBackend } from './metricsPanel';
import { unreachableMessage, userMessage } from './panelHost';
import { OwnMessage, SinglePanel } from './singlePanel';

/** Lines of the log window read from Loki (the bench's figure is for this many). */
export const INCIDENT_LOG_LIMIT = 1_000;

/** Where an entry's link goes: the extension's own commands, never a URL taken from the webview. */
export interface IncidentFollow {
  logs(query: string, startMs: number, endMs: number): Thenable<unknown> | void;
  metrics(query: string, startMs: number, endMs: number): Thenable<unknown> | void;
  alertmanager(alert: { name: string; labels: Record<string, string> }): Thenable<unknown> | void;
}

export interface IncidentPanelDeps {
  extensionUri: vscode.Uri;
  logger: Logger;
  incidents: { get(id: string): Incident | undefined; readonly onDidChange: Event<Incident | undefined> };
  loki: () => Pick<LokiClient, 'queryRange' | 'baseUrl'>;
  prometheus: () => MetricsBackend;
  follow: IncidentFollow;
  now?: () => number;
}

/** Store changes are forwarded at most this often (a flapping service must not reload the panel per event). */
const CHANGE_DEBOUNCE_MS = 500;

/**
 * The Incident panel (one at a time): one incident's timeline, its log window and charts. The
 * extension builds the view from the incident store and fetches the logs (Loki, else the engine's
 * lines of the dead container) and the charts (Prometheus); the webview renders.
 */
export class IncidentPanels extends SinglePanel<IncidentToExtension, IncidentToWebview> {
  static readonly viewType = 'realm.incident';
  private shownId: string | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly deps: IncidentPanelDeps) {
    super({
      viewType: IncidentPanels.viewType,
      title: 'Realm Incident',
      bundle: 'incident',
      extensionUri: deps.extensionUri,
      logger: deps.logger,
      isInbound: isIncidentToExtension,
    });
    this.subscription = deps.incidents.onDidChange((i) => {
      if (!i || i.id !== this.shownId || !this.isOpen || this.changeTimer) return;
      this.changeTimer = setTimeout(() => {
        this.changeTimer = undefined;
        if (this.shownId) this.post({ type: 'showIncident', id: this.shownId });
      }, CHANGE_DEBOUNCE_MS);
    });
  }

  /** "Show Incident": opens the panel on `incident`. */
  show(incident: Incident): void {
    this.shownId = incident.id;
    this.openPanel({ type: 'showIncident', id: incident.id });
  }

  override dispose(): void {
    this.subscription.dispose();
    if (this.changeTimer) clearTimeout(this.changeTimer);
    super.dispose();
  }

  protected onClosed(): void {
    this.shownId = undefined;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  protected async onMessage(m: OwnMessage<IncidentToExtension>): Promise<void> {
    if (m.type === 'ready') return;
    const incident = this.deps.incidents.get(m.id);
    if (!incident) {
      if (m.type === 'loadIncident')
        this.reply<Extract<IncidentReply, { type: 'incident' }>>(m, { type: 'incident', message: 'This incident is no longer kept (the last 50 are).' });
      return;
    }
    switch (m.type) {
      case 'loadIncident':
        // a panel restored after a reload names its incident: follow its changes again
        this.shownId = incident.id;
        this.reply<Extract<IncidentReply, { type: 'incident' }>>(m, { type: 'incident', view: buildIncidentView(incident, this.now()) });
        return;
      case 'loadLogs':
        this.reply<Extract<IncidentReply, { type: 'incidentLogs' }>>(m, { type: 'incidentLogs', logs: await this.logWindow(incident) });
        return;
      case 'loadChart':
        this.reply<Extract<IncidentReply, { type: 'incidentChart' }>>(m, { type: 'incidentChart', chart: m.chart, ...(await this.chart(incident, m.chart)) });
        return;
      case 'follow':
        await this.follow(incident, m.link);
        return;
    }
  }

  /** The lines around the start: Loki's window when Loki has them, else the engine's lines of the dead container. */
  private async logWindow(i: Incident): Promise<IncidentLogsView> {
    const loki = this.deps.loki();
    const startMs = i.openedAt - LOG_BEFORE_MS;
    const endMs = i.openedAt + LOG_AFTER_MS;
    let lokiProblem = '';
    try {
      const r = await loki.queryRange({
        query: serviceSelector(i),
        startNs: msToNs(startMs),
        endNs: msToNs(endMs),
        limit: INCIDENT_LOG_LIMIT,
        direction: 'forward',
      });
      // the healer's own decisions are in Loki under the service's labels too: the timeline has them already
      const streams = r.resultType === 'streams' ? r.streams.filter((s) => s.labels.job !== HEALER_LOKI_JOB) : [];
      const entries = streams.flatMap((s) => s.entries.map(([ts, line]) => ({ time: nsToMs(ts), line, level: detectLogLevel(line) })));
      entries.sort((a, b) => a.time - b.time);
      if (entries.length) {
        const span = `${LOG_BEFORE_MS / 60_000} min before to ${LOG_AFTER_MS / 60_000} min after the start`;
        return {
          source: 'loki',
          sourceText: `Loki: ${entries.length.toLocaleString('en-US')} lines of ${i.service}, ${span}${entries.length >= INCIDENT_LOG_LIMIT ? ` (the first ${INCIDENT_LOG_LIMIT.toLocaleString('en-US')})` : ''}.`,
          entries,
        };
      }
      lokiProblem = 'Loki holds no lines of this service around the start';
    } catch (err) {
      lokiProblem = unreachableMessage(err, 'Loki', loki.baseUrl) ?? `Loki: ${userMessage(err)}`;
    }
    if (i.logLines?.length) {
      // the engine's lines carry no time here: shown just before the death they led to
      const at = i.openedAt - 1;
      return {
        source: 'engine',
        sourceText: `Without Loki (${lokiProblem}): the last ${i.logLines.length} lines of the dead container, from the Docker engine.`,
        entries: i.logLines.map((line) => ({ time: at, line, level: detectLogLevel(line) })),
      };
    }
    return { source: 'none', sourceText: `No log lines: ${lokiProblem}, and the engine kept none of the container.`, entries: [] };
  }

  private async chart(
    i: Incident,
    index: number,
  ): Promise<{ times: number[]; series: { labels: Record<string, string>; values: Array<number | null> }[]; error?: string }> {
    const spec = incidentCharts(i)[index];
    if (!spec) return { times: [], series: [], error: 'This chart is no longer part of the incident.' };
    const { startMs, endMs } = incidentWindow(i, this.now());
    const start = Math.floor(startMs / 1000);
    const end = Math.ceil(endMs / 1000);
    const prometheus = this.deps.prometheus();
    try {
      const res = await prometheus.queryRange(spec.query, { start, end, step: chooseStep(start, end, 300) });
      const { times, series } = alignSeries(res.result);
      return { times, series };
    } catch (err) {
      return { times: [], series: [], error: unreachableMessage(err, 'Prometheus', prometheus.baseUrl ?? '') ?? userMessage(err) };
    }
  }

  /** Follows a link with the extension's commands; alerts are looked up by index in the stored incident. */
  private async follow(i: Incident, link: IncidentLink): Promise<void> {
    const { startMs, endMs } = incidentWindow(i, this.now());
    switch (link.kind) {
      case 'logs':
        await this.deps.follow.logs(serviceSelector(i), link.atMs - 5 * 60_000, link.atMs + 5 * 60_000);
        return;
      case 'memory':
        await this.deps.follow.metrics(memoryQuery(i), startMs, endMs);
        return;
      case 'metrics': {
        const query = i.alerts[link.alert]?.query;
        if (query) await this.deps.follow.metrics(query, startMs, endMs);
        return;
      }
      case 'alertmanager': {
        const a = i.alerts[link.alert];
        if (a) await this.deps.follow.alertmanager({ name: a.name, labels: a.labels });
        return;
      }
    }
  }
}
