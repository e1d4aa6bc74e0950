/**
 * The Incident panel's messages, both directions, and their validators (see protocol.ts for the
 * rules). The extension sends the incident as a view (texts already worded, untrusted parts kept as
 * text); the webview asks for the log window and the charts, and asks the extension to follow a
 * link — by naming the entry's kind and an index, never with a URL or a command id.
 */
import { check, messageValidator } from './messaging';
import { ChartSeries, commonChecks, CommonToExtension, isChartSeries, LOG_LEVELS, LogLevel } from './protocol';

export const ENTRY_KINDS = [
  'die',
  'oom',
  'start',
  'unhealthy',
  'healthy',
  'stopped',
  'alert-pending',
  'alert-firing',
  'alert-silenced',
  'alert-resolved',
  'healer',
  'recovering',
  'closed',
  'log',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Where an entry links to. Alerts are named by their index in `IncidentView.alerts`; the extension looks them up. */
export type IncidentLink = { kind: 'logs'; atMs: number } | { kind: 'metrics'; alert: number } | { kind: 'memory' } | { kind: 'alertmanager'; alert: number };

export interface IncidentEntryView {
  time: number;
  kind: EntryKind;
  /** One line; from containers, labels and logs: shown as text. */
  text: string;
  /** Set for log lines (the Logs panel's colours). */
  level?: LogLevel;
  /** Multi-line detail (a health check's output, labels and annotations), shown as text. */
  detail?: string;
  links: IncidentLink[];
}

export interface IncidentAlertView {
  name: string;
  state: 'firing' | 'resolved';
  firingAt: number;
  resolvedAt?: number;
  query?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A chart the panel draws over the incident's window; its data is asked for by index. */
export interface IncidentChartSpec {
  title: string;
  query: string;
  unit: 'bytes' | 'count';
}

export interface IncidentView {
  id: string;
  /** "worker — crashed (exit 137, OOM)". */
  title: string;
  /** "open for 2m, restarted, recovering" / "recovered in 45s (the healer's restart)". */
  status: string;
  /** The crash reason at a glance, when the engine knew it. */
  reason?: string;
  openedAt: number;
  closedAt?: number;
  /** The window the logs and charts cover (epoch ms). */
  windowStartMs: number;
  windowEndMs: number;
  entries: IncidentEntryView[];
  alerts: IncidentAlertView[];
  charts: IncidentChartSpec[];
}

export interface IncidentLogsView {
  /** Where the lines came from, said in the panel: Loki's window, or the engine's log of the dead container. */
  source: 'loki' | 'engine' | 'none';
  sourceText: string;
  entries: Array<{ time: number; line: string; level: LogLevel }>;
}

export type IncidentReply =
  | { type: 'incident'; requestId: number; view?: IncidentView; message?: string }
  | { type: 'incidentLogs'; requestId: number; logs: IncidentLogsView }
  | { type: 'incidentChart'; requestId: number; chart: number; times: number[]; series: ChartSeries[]; error?: string };

export type IncidentToWebview =
  /** Show this incident (Show Incident on another one, or the shown one changed). */
  { type: 'showIncident'; id: string } | IncidentReply;

export type IncidentToExtension =
  | CommonToExtension
  | { type: 'loadIncident'; requestId: number; id: string }
  | { type: 'loadLogs'; requestId: number; id: string }
  | { type: 'loadChart'; requestId: number; id: string; chart: number }
  | { type: 'follow'; id: string; link: IncidentLink };

const isId = (v: unknown): v is string => check.str(v, 200);
const isIndex = (v: unknown): v is number => check.int(v) && v >= 0 && v < 1_000;

export function isIncidentLink(v: unknown): v is IncidentLink {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Record<string, unknown>;
  switch (l.kind) {
    case 'logs':
      return check.finite(l.atMs);
    case 'metrics':
    case 'alertmanager':
      return isIndex(l.alert);
    case 'memory':
      return true;
    default:
      return false;
  }
}

function isEntry(v: unknown): v is IncidentEntryView {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    check.finite(e.time) &&
    (ENTRY_KINDS as readonly unknown[]).includes(e.kind) &&
    typeof e.text === 'string' &&
    check.optional(e.level, (x): x is LogLevel => LOG_LEVELS.includes(x as LogLevel)) &&
    check.optional(e.detail, (x): x is string => typeof x === 'string') &&
    Array.isArray(e.links) &&
    e.links.every(isIncidentLink)
  );
}

function isAlert(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return (
    typeof a.name === 'string' &&
    (a.state === 'firing' || a.state === 'resolved') &&
    check.finite(a.firingAt) &&
    check.optional(a.resolvedAt, check.finite) &&
    check.optional(a.query, (x): x is string => typeof x === 'string') &&
    check.stringRecord(a.labels) &&
    check.stringRecord(a.annotations)
  );
}

function isView(v: unknown): v is IncidentView {
  if (typeof v !== 'object' || v === null) return false;
  const i = v as Record<string, unknown>;
  return (
    isId(i.id) &&
    typeof i.title === 'string' &&
    typeof i.status === 'string' &&
    check.optional(i.reason, (x): x is string => typeof x === 'string') &&
    check.finite(i.openedAt) &&
    check.optional(i.closedAt, check.finite) &&
    check.finite(i.windowStartMs) &&
    check.finite(i.windowEndMs) &&
    Array.isArray(i.entries) &&
    i.entries.every(isEntry) &&
    Array.isArray(i.alerts) &&
    i.alerts.every(isAlert) &&
    Array.isArray(i.charts) &&
    i.charts.every(
      (c: { title?: unknown; query?: unknown; unit?: unknown }) =>
        typeof c?.title === 'string' && typeof c.query === 'string' && (c.unit === 'bytes' || c.unit === 'count'),
    )
  );
}

function isLogs(v: unknown): v is IncidentLogsView {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Record<string, unknown>;
  return (
    (l.source === 'loki' || l.source === 'engine' || l.source === 'none') &&
    typeof l.sourceText === 'string' &&
    Array.isArray(l.entries) &&
    l.entries.every(
      (e: { time?: unknown; line?: unknown; level?: unknown }) =>
        check.finite(e?.time) && typeof e.line === 'string' && LOG_LEVELS.includes(e.level as LogLevel),
    )
  );
}

export const isIncidentToExtension = messageValidator<IncidentToExtension>({
  ...commonChecks,
  loadIncident: (m) => check.int(m.requestId) && isId(m.id),
  loadLogs: (m) => check.int(m.requestId) && isId(m.id),
  loadChart: (m) => check.int(m.requestId) && isId(m.id) && isIndex(m.chart),
  follow: (m) => isId(m.id) && isIncidentLink(m.link),
});

export const isIncidentToWebview = messageValidator<IncidentToWebview>({
  showIncident: (m) => isId(m.id),
  incident: (m) => check.int(m.requestId) && check.optional(m.view, isView) && check.optional(m.message, (x): x is string => typeof x === 'string'),
  incidentLogs: (m) => check.int(m.requestId) && isLogs(m.logs),
  incidentChart: (m) =>
    check.int(m.requestId) &&
    isIndex(m.chart) &&
    Array.isArray(m.times) &&
    m.times.every(check.finite) &&
    Array.isArray(m.series) &&
    m.series.every(isChartSeries) &&
    check.optional(m.error, (x): x is string => typeof x === 'string'),
});
