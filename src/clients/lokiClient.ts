import { BackendError, ClientOptions, getOrPostForm, HttpTransport } from './http';
import { LokiTail, TailOptions } from './lokiTail';
import { LokiQueryResult, LokiStream, parseQueryResponse, parseStringList } from './lokiResponses';

export * from './lokiResponses';

export interface LokiClientOptions extends ClientOptions {
  /** Multi-tenant Loki: sent as `X-Scope-OrgID` on every request (HTTP and tail). */
  tenantId?: string;
}

export interface RangeQuery {
  query: string;
  startNs: string;
  endNs: string;
  limit?: number;
  direction?: 'backward' | 'forward';
  /** Metric queries only (seconds). */
  stepSeconds?: number;
  signal?: AbortSignal;
}

/**
 * Client for Loki's HTTP API (query, query_range, labels, label values, push) and its tail
 * websocket. vscode-free: settings and secrets come in as options.
 */
export class LokiClient {
  private readonly transport: HttpTransport;

  constructor(private readonly options: LokiClientOptions) {
    this.transport = new HttpTransport({
      backend: 'loki',
      baseUrl: options.baseUrl,
      auth: options.auth,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxBodyBytes: options.maxBodyBytes,
      dispatcher: options.dispatcher,
      headers: options.tenantId ? { 'X-Scope-OrgID': options.tenantId } : undefined,
      // Loki answers errors in plain text ("parse error at line 1, col 2: …").
      parseError: (_status, body) => ({ message: body.trim().slice(0, 1000) }),
    });
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** `/loki/api/v1/query_range`: log streams for a log query, a matrix for a metric query. */
  queryRange(q: RangeQuery): Promise<LokiQueryResult> {
    return this.transport.json(
      getOrPostForm(
        '/loki/api/v1/query_range',
        {
          query: q.query,
          start: q.startNs,
          end: q.endNs,
          limit: q.limit,
          direction: q.direction,
          step: q.stepSeconds === undefined ? undefined : `${q.stepSeconds}s`,
        },
        { signal: q.signal },
      ),
      parseQueryResponse,
    );
  }

  /** `/loki/api/v1/query`: an instant query (vector or streams) at `timeNs` (default now). */
  query(q: { query: string; timeNs?: string; limit?: number; direction?: 'backward' | 'forward'; signal?: AbortSignal }): Promise<LokiQueryResult> {
    return this.transport.json(
      getOrPostForm('/loki/api/v1/query', { query: q.query, time: q.timeNs, limit: q.limit, direction: q.direction }, { signal: q.signal }),
      parseQueryResponse,
    );
  }

  /** `/loki/api/v1/labels`: label names seen in the range. */
  labels(range?: { startNs?: string; endNs?: string; signal?: AbortSignal }): Promise<string[]> {
    return this.transport.json({ path: '/loki/api/v1/labels', query: { start: range?.startNs, end: range?.endNs }, signal: range?.signal }, parseStringList);
  }

  /** `/loki/api/v1/label/<name>/values`. */
  labelValues(name: string, range?: { startNs?: string; endNs?: string; query?: string; signal?: AbortSignal }): Promise<string[]> {
    return this.transport.json(
      {
        path: `/loki/api/v1/label/${encodeURIComponent(name)}/values`,
        query: { start: range?.startNs, end: range?.endNs, query: range?.query },
        signal: range?.signal,
      },
      parseStringList,
    );
  }

  /** `/loki/api/v1/push` (JSON): used by tests and by tools that seed logs. */
  async push(streams: LokiStream[], signal?: AbortSignal): Promise<void> {
    await this.transport.send({
      method: 'POST',
      path: '/loki/api/v1/push',
      json: { streams: streams.map((s) => ({ stream: s.labels, values: s.entries })) },
      signal,
    });
  }

  /** Opens a live tail (`/loki/api/v1/tail` websocket) that reconnects with backoff until disposed. */
  tail(options: Omit<TailOptions, 'url' | 'headers'>): LokiTail {
    const wsBase = this.transport.baseUrl.replace(/^http/, 'ws');
    const headers: Record<string, string> = {};
    const auth = this.options.auth;
    if (this.options.tenantId) headers['X-Scope-OrgID'] = this.options.tenantId;
    if (auth?.kind === 'basic') headers.authorization = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    if (auth?.kind === 'bearer') headers.authorization = 'Bearer ' + auth.token;
    return new LokiTail({ ...options, url: wsBase + '/loki/api/v1/tail', headers, dispatcher: this.options.dispatcher });
  }
}

/** Re-exported so callers catch one error type for every backend. */
export { BackendError };
