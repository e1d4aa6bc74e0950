/** The Logs panel's messages, both directions, and their validators (see protocol.ts for the rules). */
import { check, messageValidator } from './messaging';
import { commonChecks, CommonToExtension, isLogEntry, isLogStream, isQuery, isTimeRange, LogEntry, LogStream, TailState, TimeRange } from './protocol';

/** The answers to `runLogsQuery` (same `requestId`). */
export type LogsReply =
  /**
   * `cursorNs`: the page ("Older lines" / "Newer lines") this answers, appended to the lines shown.
   * `lokiEmpty`: nothing matched and Loki holds no logs at all in the range (nothing ships logs to it).
   */
  | {
      type: 'logsResult';
      requestId: number;
      query: string;
      streams: LogStream[];
      limit: number;
      truncated: boolean;
      startMs: number;
      endMs: number;
      cursorNs?: string;
      lokiEmpty?: boolean;
    }
  | { type: 'logsError'; requestId: number; message: string };

/** The answers to `showContext` (same `requestId`). */
export type ContextReply =
  { type: 'context'; requestId: number; before: LogEntry[]; after: LogEntry[] } | { type: 'contextError'; requestId: number; message: string };

export type LogsToWebview =
  /** Replace the query (and run it when `run`), optionally over `range`: a command argument or "Show logs" on a service. */
  | { type: 'setQuery'; query: string; run: boolean; range?: TimeRange }
  | { type: 'labels'; names: string[] }
  | { type: 'labelValues'; label: string; values: string[] }
  /** The workspace's service names (app project first), for the Logs panel's examples. */
  | { type: 'services'; names: string[] }
  | { type: 'tailLines'; streams: LogStream[] }
  | { type: 'tailState'; state: TailState; dropped: number; capacity: number; message?: string }
  | LogsReply
  | ContextReply;

export type RunLogsQuery = {
  type: 'runLogsQuery';
  requestId: number;
  query: string;
  range: TimeRange;
  limit: number;
  direction: 'backward' | 'forward';
  cursorNs?: string;
};

export type LogsToExtension =
  | CommonToExtension
  /** `cursorNs`: the next page, from the last line shown (its timestamp, inclusive) on in `direction`. */
  | RunLogsQuery
  | { type: 'fetchLabels' }
  | { type: 'fetchLabelValues'; label: string }
  | { type: 'showContext'; requestId: number; labels: Record<string, string>; tsNs: string; count: number }
  | { type: 'startTail'; query: string }
  | { type: 'stopTail' };

const TAIL_STATES: readonly string[] = ['connecting', 'connected', 'reconnecting', 'disconnected'];
const isEntries = (v: unknown): v is LogEntry[] => Array.isArray(v) && v.every(isLogEntry);
const isStreams = (v: unknown): v is LogStream[] => Array.isArray(v) && v.every(isLogStream);

export const isLogsToExtension = messageValidator<LogsToExtension>({
  ...commonChecks,
  runLogsQuery: (m) =>
    check.int(m.requestId) &&
    isQuery(m.query) &&
    isTimeRange(m.range) &&
    check.int(m.limit) &&
    m.limit > 0 &&
    m.limit <= 100_000 &&
    (m.direction === 'backward' || m.direction === 'forward') &&
    check.optional(m.cursorNs, check.digits),
  fetchLabels: () => true,
  fetchLabelValues: (m) => check.str(m.label, 1_000),
  showContext: (m) => check.int(m.requestId) && check.stringRecord(m.labels) && check.digits(m.tsNs) && check.int(m.count) && m.count > 0 && m.count <= 1_000,
  startTail: (m) => isQuery(m.query),
  stopTail: () => true,
});

export const isLogsToWebview = messageValidator<LogsToWebview>({
  setQuery: (m) => isQuery(m.query) && typeof m.run === 'boolean' && check.optional(m.range, isTimeRange),
  labels: (m) => check.strings(m.names),
  labelValues: (m) => typeof m.label === 'string' && check.strings(m.values),
  services: (m) => check.strings(m.names, 1_000),
  tailLines: (m) => isStreams(m.streams),
  tailState: (m) =>
    TAIL_STATES.includes(m.state as string) &&
    check.int(m.dropped) &&
    check.int(m.capacity) &&
    check.optional(m.message, (x): x is string => typeof x === 'string'),
  logsResult: (m) =>
    check.int(m.requestId) &&
    typeof m.query === 'string' &&
    isStreams(m.streams) &&
    check.int(m.limit) &&
    typeof m.truncated === 'boolean' &&
    check.finite(m.startMs) &&
    check.finite(m.endMs) &&
    check.optional(m.cursorNs, check.digits) &&
    check.optional(m.lokiEmpty, (x): x is boolean => typeof x === 'boolean'),
  logsError: (m) => check.int(m.requestId) && typeof m.message === 'string',
  context: (m) => check.int(m.requestId) && isEntries(m.before) && isEntries(m.after),
  contextError: (m) => check.int(m.requestId) && typeof m.message === 'string',
});
