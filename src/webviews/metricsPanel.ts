import * as vscode from 'vscode';
import { alignSeries, MAX_CHART_SERIES, SampledSeries } from '../core/chartSeries';
import { chooseStep } from '../core/step';
import type { Logger } from '../platform/logger';
import { isMetricsToExtension, MetricsPanelId, MetricsReply, MetricsToExtension, MetricsToWebview } from '../shared/metricsProtocol';
import { resolveRange, TimeRange } from '../shared/protocol';
import { unreachableMessage, userMessage } from './panelHost';
import { OwnMessage, SinglePanel } from './singlePanel';

/** The part of PrometheusClient the panel uses (PrometheusClient satisfies it). */
export interface MetricsBackend {
  readonly baseUrl?: string;
  queryRange(expr: string, options: { start: number; end: number; step?: number; signal?: AbortSignal }): Promise<{ result: SampledSeries[]; step: number }>;
  labelValues(label: string, options?: { signal?: AbortSignal }): Promise<string[]>;
}

/** What the Metrics panel needs, passed in by `activate()`. Getters, so settings changes apply. */
export interface MetricsPanelDeps {
  extensionUri: vscode.Uri;
  logger: Logger;
  /** "Open in Grafana Explore": checks Grafana is up first. */
  openGrafana?: (url: string) => Promise<unknown>;
  prometheus: () => MetricsBackend;
  grafana: () => { url: string; prometheusUid: string };
  now?: () => number;
}

/** Points per series asked for: about one per pixel of a wide panel, far under the 11,000 limit. */
const TARGET_POINTS = 600;

/**
 * The "Realm: Open Metrics" panel (one at a time). Runs PromQL range queries for the user's query
 * and the preset panels; the webview draws them.
 */
export class MetricsPanels extends SinglePanel<MetricsToExtension, MetricsToWebview> {
  static readonly viewType = 'realm.metrics';
  private readonly inFlight = new Map<MetricsPanelId, AbortController>();

  constructor(private readonly deps: MetricsPanelDeps) {
    super({
      viewType: MetricsPanels.viewType,
      title: 'Realm Metrics',
      bundle: 'metrics',
      extensionUri: deps.extensionUri,
      logger: deps.logger,
      isInbound: isMetricsToExtension,
      openGrafana: deps.openGrafana,
    });
  }

  /** Command `realm.openMetrics`: optional argument a PromQL string, run at once (over `range` when given). */
  show(query?: string, range?: TimeRange): void {
    this.openPanel(typeof query === 'string' && query ? { type: 'setQuery', query, run: true, ...(range ? { range } : {}) } : undefined);
  }

  protected override grafanaTarget() {
    const g = this.deps.grafana();
    return { url: g.url, datasource: { type: 'prometheus' as const, uid: g.prometheusUid } };
  }

  protected onClosed(): void {
    for (const a of this.inFlight.values()) a.abort();
    this.inFlight.clear();
  }

  protected async onMessage(m: OwnMessage<MetricsToExtension>): Promise<void> {
    const prometheus = this.deps.prometheus();
    switch (m.type) {
      case 'runMetricsQuery': {
        // A newer query for the same chart supersedes the old one (auto-refresh, typing fast).
        this.inFlight.get(m.panelId)?.abort();
        const abort = new AbortController();
        this.inFlight.set(m.panelId, abort);
        const { startMs, endMs } = resolveRange(m.range, (this.deps.now ?? Date.now)());
        const start = Math.floor(startMs / 1000);
        const end = Math.ceil(endMs / 1000);
        try {
          const res = await prometheus.queryRange(m.query, { start, end, step: chooseStep(start, end, TARGET_POINTS), signal: abort.signal });
          const { times, series, dropped } = alignSeries(res.result);
          const warnings = dropped ? [`Showing ${MAX_CHART_SERIES} of ${res.result.length} series: aggregate (sum by …) to see all.`] : [];
          this.reply<Extract<MetricsReply, { type: 'metricsResult' }>>(m, {
            type: 'metricsResult',
            panelId: m.panelId,
            query: m.query,
            times,
            series,
            stepSeconds: res.step,
            warnings,
          });
        } catch (err) {
          if (abort.signal.aborted) return;
          // Prometheus down: every chart fails alike, and the panel says so once with the fix
          const down = unreachableMessage(err, 'Prometheus', prometheus.baseUrl ?? '');
          this.reply<Extract<MetricsReply, { type: 'metricsError' }>>(m, {
            type: 'metricsError',
            panelId: m.panelId,
            message: down ?? userMessage(err),
            ...(down ? { unreachable: true } : {}),
          });
        } finally {
          if (this.inFlight.get(m.panelId) === abort) this.inFlight.delete(m.panelId);
        }
        return;
      }
      case 'fetchMetricNames': {
        const names = await prometheus.labelValues('__name__').catch((err) => {
          this.deps.logger.warn(`Metrics panel: could not fetch metric names: ${userMessage(err)}`);
          return [] as string[];
        });
        this.post({ type: 'metricNames', names });
        return;
      }
      case 'ready':
        return;
    }
  }
}
