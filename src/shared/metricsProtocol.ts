/** The Metrics panel's messages, both directions, and their validators (see protocol.ts for the rules). */
import { check, messageValidator } from './messaging';
import { commonChecks, CommonToExtension, isChartSeries, isQuery, isTimeRange, TimeRange, type ChartSeries } from './protocol';

/** Which chart a query belongs to: the user's own query, or one of the preset panels. */
export type MetricsPanelId = 'main' | 'preset-up' | 'preset-rate' | 'preset-5xx' | 'preset-memory' | 'preset-alerts';
const PANEL_IDS: readonly string[] = ['main', 'preset-up', 'preset-rate', 'preset-5xx', 'preset-memory', 'preset-alerts'];

/** The answers to `runMetricsQuery` (same `requestId`). */
export type MetricsReply =
  | {
      type: 'metricsResult';
      requestId: number;
      panelId: MetricsPanelId;
      query: string;
      times: number[];
      series: ChartSeries[];
      stepSeconds: number;
      warnings: string[];
    }
  /** `unreachable`: Prometheus itself is down (every chart fails alike): the panel says so once, with the fix. */
  | { type: 'metricsError'; requestId: number; panelId: MetricsPanelId; message: string; unreachable?: boolean };

export type MetricsToWebview =
  /** Replace the query (and run it when `run`): a command argument or "Open Metrics" on a service. */
  { type: 'setQuery'; query: string; run: boolean; range?: TimeRange } | { type: 'metricNames'; names: string[] } | MetricsReply;

export type MetricsToExtension =
  CommonToExtension | { type: 'runMetricsQuery'; requestId: number; panelId: MetricsPanelId; query: string; range: TimeRange } | { type: 'fetchMetricNames' };

export const isMetricsToExtension = messageValidator<MetricsToExtension>({
  ...commonChecks,
  runMetricsQuery: (m) => check.int(m.requestId) && PANEL_IDS.includes(m.panelId as string) && isQuery(m.query) && isTimeRange(m.range),
  fetchMetricNames: () => true,
});

export const isMetricsToWebview = messageValidator<MetricsToWebview>({
  setQuery: (m) => isQuery(m.query) && typeof m.run === 'boolean' && check.optional(m.range, isTimeRange),
  metricNames: (m) => check.strings(m.names, 1_000_000),
  metricsResult: (m) =>
    check.int(m.requestId) &&
    PANEL_IDS.includes(m.panelId as string) &&
    typeof m.query === 'string' &&
    Array.isArray(m.times) &&
    m.times.every(check.finite) &&
    Array.isArray(m.series) &&
    m.series.every(isChartSeries) &&
    check.finite(m.stepSeconds) &&
    check.strings(m.warnings, 100),
  metricsError: (m) =>
    check.int(m.requestId) &&
    PANEL_IDS.includes(m.panelId as string) &&
    typeof m.message === 'string' &&
    check.optional(m.unreachable, (x): x is boolean => typeof x === 'boolean'),
});
