import { ClientOptions, getOrPostForm, HttpTransport, POST_THRESHOLD_CHARS, RequestSpec } from './http';
import { chooseStep } from '../core/step';
import { expectArray, expectObject, expectString, isObject, optionalString, stringArray, stringRecord } from './validate';
import {
  PromActiveAlert,
  PromInstantResult,
  PromRangeResult,
  PromRuleGroup,
  PromTarget,
  PromBuildInfo,
  parseAlert,
  parseInstantResult,
  parseMatrix,
  parseRuleGroup,
  parseTarget,
} from './prometheusTypes';

export * from './prometheusTypes';

/** How a PrometheusClient reaches its server; auth comes from SecretStorage through the caller. */
export interface PrometheusClientOptions extends ClientOptions {
  /** Queries whose encoded parameters exceed this many characters are sent as a POST form. */
  postThresholdChars?: number;
}

/** Per-call options shared by every method. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (ms). Also sent to Prometheus as its query timeout. */
  timeoutMs?: number;
}

export interface RangeQueryOptions extends CallOptions {
  /** Seconds since the epoch. */
  start: number;
  end: number;
  /** Step in seconds; default: `chooseStep(start, end)`, which stays under the 11,000-point limit. */
  step?: number;
}

// Long URLs get cut by proxies (and Prometheus' own 8 KiB header limit); Prometheus accepts the
// same parameters as a form body.

/**
 * Prometheus HTTP API v1 (`/api/v1/...`). Every call has a timeout and an abort signal, every
 * body is checked, and every failure is a `BackendError` carrying the server's own message and
 * `errorType` (`bad_data` for a bad query or range, `execution` for a query that failed to run).
 */
export class PrometheusClient {
  readonly transport: HttpTransport;
  private readonly postThreshold: number;

  constructor(options: PrometheusClientOptions) {
    this.transport = new HttpTransport({ backend: 'prometheus', parseError: parsePrometheusError, ...options });
    this.postThreshold = options.postThresholdChars ?? POST_THRESHOLD_CHARS;
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Instant query at `time` (seconds; default: now). */
  async query(expr: string, options: CallOptions & { time?: number } = {}): Promise<PromInstantResult> {
    const params = { query: expr, time: options.time, timeout: promTimeout(options.timeoutMs) };
    return this.api('/api/v1/query', params, options, (d) => parseInstantResult(d, 'data'));
  }

  /** Range query; the result is always a matrix (one series per label set). */
  async queryRange(expr: string, options: RangeQueryOptions): Promise<PromRangeResult> {
    const step = options.step ?? chooseStep(options.start, options.end);
    const params = { query: expr, start: options.start, end: options.end, step, timeout: promTimeout(options.timeoutMs) };
    return this.api('/api/v1/query_range', params, options, (d) => {
      const o = expectObject(d, 'data');
      if (o.resultType !== 'matrix') throw new Error(`data.resultType should be "matrix", got ${JSON.stringify(o.resultType)}`);
      return { resultType: 'matrix', result: parseMatrix(o.result, 'data.result'), step };
    });
  }

  /** Scrape targets with their health (`up`/`down`/`unknown`) and last error. */
  async targets(options: CallOptions & { state?: 'active' | 'dropped' | 'any' } = {}): Promise<PromTarget[]> {
    return this.api('/api/v1/targets', { state: options.state ?? 'active' }, options, (d) =>
      expectArray(expectObject(d, 'data').activeTargets ?? [], 'data.activeTargets').map((t, i) => parseTarget(t, `data.activeTargets[${i}]`)),
    );
  }

  /** Alerts Prometheus is evaluating: `pending` (waiting out `for:`) and `firing`. */
  async alerts(options: CallOptions = {}): Promise<PromActiveAlert[]> {
    return this.api('/api/v1/alerts', {}, options, (d) =>
      expectArray(expectObject(d, 'data').alerts, 'data.alerts').map((a, i) => parseAlert(a, `data.alerts[${i}]`)),
    );
  }

  /** Rule groups (alerting and recording), optionally of one type. */
  async rules(options: CallOptions & { type?: 'alert' | 'record' } = {}): Promise<PromRuleGroup[]> {
    return this.api('/api/v1/rules', { type: options.type }, options, (d) =>
      expectArray(expectObject(d, 'data').groups, 'data.groups').map((g, i) => parseRuleGroup(g, `data.groups[${i}]`)),
    );
  }

  /** Values of one label, optionally restricted by series selectors and a time range (seconds). */
  async labelValues(label: string, options: CallOptions & { match?: string[]; start?: number; end?: number } = {}): Promise<string[]> {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw new RangeError(`not a Prometheus label name: ${JSON.stringify(label)}`);
    const query = { 'match[]': options.match, start: options.start, end: options.end };
    return this.api(`/api/v1/label/${label}/values`, query, options, (d) => stringArray(expectArray(d, 'data'), 'data'));
  }

  /** Label sets of the series matching any of the selectors. */
  async series(match: string[], options: CallOptions & { start?: number; end?: number } = {}): Promise<Record<string, string>[]> {
    if (match.length === 0) throw new RangeError('series() needs at least one selector');
    return this.api('/api/v1/series', { 'match[]': match, start: options.start, end: options.end }, options, (d) =>
      expectArray(d, 'data').map((s, i) => stringRecord(s, `data[${i}]`)),
    );
  }

  /** Version and build details (shown in the UI to say which server answered). */
  async buildInfo(options: CallOptions = {}): Promise<PromBuildInfo> {
    return this.api('/api/v1/status/buildinfo', {}, options, (d) => {
      const o = expectObject(d, 'data');
      return {
        version: expectString(o.version, 'data.version'),
        revision: optionalString(o.revision, 'data.revision') ?? '',
        goVersion: optionalString(o.goVersion, 'data.goVersion') ?? '',
      };
    });
  }

  /**
   * True when Prometheus serves queries; false while it is starting (it answers 503 then).
   * Throws a BackendError when it cannot be reached at all.
   */
  async isReady(options: CallOptions = {}): Promise<boolean> {
    return this.transport.ready(options);
  }

  /** The Prometheus UI's graph page for an expression ("Open in Prometheus"). */
  graphUrl(expr: string): string {
    return this.transport.url('/graph', { 'g0.expr': expr, 'g0.tab': '0' });
  }

  /** GET for short requests (readable in logs), a POST form when the parameters are long. */
  private async api<T>(path: string, params: RequestSpec['query'], options: CallOptions, parseData: (data: unknown) => T): Promise<T> {
    const spec = getOrPostForm(path, params ?? {}, { signal: options.signal, timeoutMs: options.timeoutMs }, this.postThreshold);
    return this.transport.json(spec, (body) => {
      const o = expectObject(body, 'body');
      if (o.status !== 'success') throw new Error(`status should be "success", got ${JSON.stringify(o.status)}`);
      return parseData(o.data);
    });
  }
}

/**
 * Turns a Prometheus error body into the server's message: JSON `{status:"error", errorType, error}`
 * for API errors, plain text (`Service Unavailable`) while the server is starting, `404 page not found`.
 */
export function parsePrometheusError(status: number, body: string): { message: string; errorType?: string } {
  try {
    const o: unknown = JSON.parse(body);
    if (isObject(o) && typeof o.error === 'string') {
      return { message: o.error, errorType: typeof o.errorType === 'string' ? o.errorType : undefined };
    }
  } catch {
    // not JSON: plain text below
  }
  const text = body.trim().slice(0, 500);
  if (status === 503) return { message: `Prometheus is not ready yet (starting up or shutting down)${text ? `: ${text}` : ''}`, errorType: 'unavailable' };
  return { message: text || `HTTP ${status}` };
}

/** Prometheus' `timeout` parameter: a little under the client's, so the server's error wins the race. */
function promTimeout(timeoutMs: number | undefined): string | undefined {
  if (timeoutMs === undefined) return undefined;
  return `${Math.max(0.1, (timeoutMs - 250) / 1000).toFixed(3)}s`;
}
