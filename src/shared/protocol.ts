/**
 * The one message protocol between the extension and its two webviews (Metrics, Logs), both
 * directions. No vscode, no DOM: the extension and the webview bundles both import it.
 *
 * Rules: the webview says `ready` before it is sent anything; the webview never touches the
 * network (it asks, the extension fetches and answers with the same `requestId`); every message
 * a webview posts is checked with `isWebviewMessage` and dropped (and logged) when malformed.
 */

/** Quick ranges offered by both panels' pickers. */
export const QUICK_RANGES = ['5m', '15m', '1h', '6h', '24h', '7d'] as const;
export type QuickRange = (typeof QUICK_RANGES)[number];

/** A time range: "last N" (resolved against the extension's clock) or fixed epoch milliseconds. */
export type TimeRange = { kind: 'relative'; last: QuickRange } | { kind: 'absolute'; startMs: number; endMs: number };

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'unknown';

/** One log entry. `tsNs` is Loki's nanosecond timestamp, kept as a string (it exceeds 2^53). */
export interface LogEntry {
  tsNs: string;
  line: string;
  level: LogLevel;
}

/** Entries of one Loki stream (one label set): labels are sent once per stream, not per line. */
export interface LogStream {
  labels: Record<string, string>;
  entries: LogEntry[];
}

/** A chart-ready series: values aligned on the result's shared `times` axis (null = no sample). */
export interface ChartSeries {
  labels: Record<string, string>;
  values: Array<number | null>;
}

export type TailState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Which panel a query belongs to: the user's own query, or one of the preset panels. */
export type MetricsPanelId = 'main' | 'preset-up' | 'preset-rate' | 'preset-5xx' | 'preset-memory' | 'preset-alerts';

// ---- extension → webview -------------------------------------------------------------------

export type ExtensionMessage =
  /** Replace the query (and run it when `run`): a command argument or "Show logs" on a service. */
  | { type: 'setQuery'; query: string; run: boolean }
  | { type: 'metricNames'; names: string[] }
  | { type: 'metricsResult'; requestId: number; panelId: MetricsPanelId; query: string; times: number[]; series: ChartSeries[]; stepSeconds: number; warnings: string[] }
  /** `unreachable`: Prometheus itself is down (every chart fails alike): the panel says so once, with the fix. */
  | { type: 'metricsError'; requestId: number; panelId: MetricsPanelId; message: string; unreachable?: boolean }
  | { type: 'labels'; names: string[] }
  | { type: 'labelValues'; label: string; values: string[] }
  /**
   * `cursorNs`: the page ("Older lines" / "Newer lines") this answers, appended to the lines shown.
   * `lokiEmpty`: nothing matched and Loki holds no logs at all in the range (nothing ships logs to it).
   */
  | { type: 'logsResult'; requestId: number; query: string; streams: LogStream[]; limit: number; truncated: boolean; startMs: number; endMs: number; cursorNs?: string; lokiEmpty?: boolean }
  /** The workspace's service names (app project first), for the Logs panel's examples. */
  | { type: 'services'; names: string[] }
  | { type: 'logsError'; requestId: number; message: string }
  | { type: 'context'; requestId: number; before: LogEntry[]; after: LogEntry[] }
  | { type: 'contextError'; requestId: number; message: string }
  | { type: 'tailLines'; streams: LogStream[] }
  | { type: 'tailState'; state: TailState; dropped: number; capacity: number; message?: string };

// ---- webview → extension -------------------------------------------------------------------

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'runMetricsQuery'; requestId: number; panelId: MetricsPanelId; query: string; range: TimeRange }
  | { type: 'fetchMetricNames' }
  /** `cursorNs`: the next page, from the last line shown (its timestamp, inclusive) on in `direction`. */
  | { type: 'runLogsQuery'; requestId: number; query: string; range: TimeRange; limit: number; direction: 'backward' | 'forward'; cursorNs?: string }
  | { type: 'fetchLabels' }
  | { type: 'fetchLabelValues'; label: string }
  | { type: 'showContext'; requestId: number; labels: Record<string, string>; tsNs: string; count: number }
  | { type: 'startTail'; query: string }
  | { type: 'stopTail' }
  | { type: 'openInGrafana'; datasource: 'prometheus' | 'loki'; query: string; range: TimeRange }
  | { type: 'copy'; text: string }
  /** A fix offered in a panel (Stack Up; Settings for the backend URLs): the extension runs the command. */
  | { type: 'runCommand'; command: PanelCommand };

/** The commands a panel may ask for: a fixed list, never a command id from the webview. */
export const PANEL_COMMANDS = ['stackUp', 'openBackendSettings'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

// ---- runtime validation of what webviews post ----------------------------------------------

type Check = (m: Record<string, unknown>) => boolean;

const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isRecordOfStrings = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isStr);
const PANEL_IDS: readonly string[] = ['main', 'preset-up', 'preset-rate', 'preset-5xx', 'preset-memory', 'preset-alerts'];
/** Queries, labels and copied text are bounded so a misbehaving webview cannot flood the host. */
const MAX_TEXT = 1_000_000;
/**
 * Queries may be long (generated PromQL, 100 KB selectors): the extension sends long ones as a POST
 * form and shows the server's verdict. A query dropped here would leave the panel waiting forever.
 */
export const MAX_QUERY_CHARS = 512_000;
const boundedStr = (v: unknown, max = 20_000): boolean => isStr(v) && v.length <= max;
const isQuery = (v: unknown): boolean => boundedStr(v, MAX_QUERY_CHARS);

/** True for a well-formed time range; absolute ranges must be finite and ordered. */
export function isTimeRange(v: unknown): v is TimeRange {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (r.kind === 'relative') return (QUICK_RANGES as readonly unknown[]).includes(r.last);
  if (r.kind === 'absolute') {
    return typeof r.startMs === 'number' && typeof r.endMs === 'number' && Number.isFinite(r.startMs) && Number.isFinite(r.endMs) && r.startMs < r.endMs;
  }
  return false;
}

const checks: Record<WebviewMessage['type'], Check> = {
  ready: () => true,
  runMetricsQuery: (m) => isInt(m.requestId) && PANEL_IDS.includes(m.panelId as string) && isQuery(m.query) && isTimeRange(m.range),
  fetchMetricNames: () => true,
  runLogsQuery: (m) =>
    isInt(m.requestId) && isQuery(m.query) && isTimeRange(m.range) && isInt(m.limit) && (m.limit as number) > 0 && (m.limit as number) <= 100_000 &&
    (m.direction === 'backward' || m.direction === 'forward') && (m.cursorNs === undefined || (isStr(m.cursorNs) && /^\d{1,20}$/.test(m.cursorNs))),
  fetchLabels: () => true,
  fetchLabelValues: (m) => boundedStr(m.label, 1_000),
  showContext: (m) => isInt(m.requestId) && isRecordOfStrings(m.labels) && isStr(m.tsNs) && /^\d{1,20}$/.test(m.tsNs) && isInt(m.count) && (m.count as number) > 0 && (m.count as number) <= 1_000,
  startTail: (m) => isQuery(m.query),
  stopTail: () => true,
  openInGrafana: (m) => (m.datasource === 'prometheus' || m.datasource === 'loki') && isQuery(m.query) && isTimeRange(m.range),
  copy: (m) => boundedStr(m.text, MAX_TEXT),
  runCommand: (m) => (PANEL_COMMANDS as readonly unknown[]).includes(m.command),
};

/** Checks a message posted by a webview: right `type`, every field of the right shape and size. */
export function isWebviewMessage(x: unknown): x is WebviewMessage {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  if (typeof m.type !== 'string' || !Object.prototype.hasOwnProperty.call(checks, m.type)) return false;
  return checks[m.type as WebviewMessage['type']](m);
}

/** Resolves a range to epoch milliseconds against `nowMs` (the extension's clock). */
export function resolveRange(range: TimeRange, nowMs: number): { startMs: number; endMs: number } {
  if (range.kind === 'absolute') return { startMs: range.startMs, endMs: range.endMs };
  return { startMs: nowMs - quickRangeMs(range.last), endMs: nowMs };
}

/** Length of a quick range in milliseconds. */
export function quickRangeMs(r: QuickRange): number {
  const n = parseInt(r, 10);
  const unit = r.slice(-1);
  return n * (unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000);
}
