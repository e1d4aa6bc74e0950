/**
 * What every Realm webview protocol shares: the data types (time ranges, log entries, chart series),
 * the messages every panel sends (ready, copy, a fixed fix command, Open in Grafana) and the checks
 * used to validate messages in both directions. Each panel's own messages are in
 * `metricsProtocol.ts`, `logsProtocol.ts` and `incidentProtocol.ts`. No vscode, no DOM: the extension
 * and the webview bundles both import these files.
 *
 * Rules: the webview says `ready` before it is sent anything; the webview never touches the network
 * (it asks, the extension fetches and answers with the same `requestId`); every message is checked
 * on arrival, on both sides, and dropped (and logged) when malformed.
 */
import { check, type Check } from './messaging';
import type { MetricsToWebview } from './metricsProtocol';
import type { LogsToWebview } from './logsProtocol';
import type { IncidentToWebview } from './incidentProtocol';

export { messageValidator } from './messaging';

/** Quick ranges offered by both panels' pickers. */
export const QUICK_RANGES = ['5m', '15m', '1h', '6h', '24h', '7d'] as const;
export type QuickRange = (typeof QUICK_RANGES)[number];

/** A time range: "last N" (resolved against the extension's clock) or fixed epoch milliseconds. */
export type TimeRange = { kind: 'relative'; last: QuickRange } | { kind: 'absolute'; startMs: number; endMs: number };

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'unknown';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'unknown'];

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

/** The commands a panel may ask for: a fixed list, never a command id from the webview. */
export const PANEL_COMMANDS = ['stackUp', 'openBackendSettings'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

/** Messages every panel's webview may post. */
export type CommonToExtension =
  | { type: 'ready' }
  | { type: 'openInGrafana'; datasource: 'prometheus' | 'loki'; query: string; range: TimeRange }
  | { type: 'copy'; text: string }
  /** A fix offered in a panel (Stack Up; Settings for the backend URLs): the extension runs the command. */
  | { type: 'runCommand'; command: PanelCommand };

/** Every message any panel's webview may receive: for observers of what reached a webview (tests). */
export type ExtensionMessage = MetricsToWebview | LogsToWebview | IncidentToWebview;

/** Queries, labels and copied text are bounded so a misbehaving webview cannot flood the host. */
const MAX_TEXT = 1_000_000;
/**
 * Queries may be long (generated PromQL, 100 KB selectors): the extension sends long ones as a POST
 * form and shows the server's verdict. A query dropped here would leave the panel waiting forever.
 */
export const MAX_QUERY_CHARS = 512_000;
export const isQuery = (v: unknown): boolean => check.str(v, MAX_QUERY_CHARS);

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

/** The checks of the common messages, merged into each panel's table. */
export const commonChecks: Record<CommonToExtension['type'], Check> = {
  ready: () => true,
  openInGrafana: (m) => (m.datasource === 'prometheus' || m.datasource === 'loki') && isQuery(m.query) && isTimeRange(m.range),
  copy: (m) => check.str(m.text, MAX_TEXT),
  runCommand: (m) => (PANEL_COMMANDS as readonly unknown[]).includes(m.command),
};

/** A log stream as the extension sends it (labels strings, entries with a digit timestamp and a known level). */
export function isLogStream(v: unknown): v is LogStream {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return check.stringRecord(s.labels) && Array.isArray(s.entries) && s.entries.every(isLogEntry);
}

export function isLogEntry(v: unknown): v is LogEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return check.digits(e.tsNs) && typeof e.line === 'string' && LOG_LEVELS.includes(e.level as LogLevel);
}

/** A chart series: string labels, numbers or nulls. */
export function isChartSeries(v: unknown): v is ChartSeries {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return check.stringRecord(s.labels) && Array.isArray(s.values) && s.values.every((x) => x === null || typeof x === 'number');
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
