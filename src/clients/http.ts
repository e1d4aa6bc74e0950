import type { Dispatcher } from 'undici';
import { formatBytes } from '../core/formatBytes';
import { undici } from '../platform/lazyModules';

/** Which backend a request went to; carried by every error so the UI can say who failed. */
export type Backend = 'prometheus' | 'alertmanager' | 'loki' | 'grafana';

export type BackendErrorKind =
  | 'unreachable' // connection refused / DNS / reset: the backend is down
  | 'timeout' // no complete answer within the client's timeout
  | 'http' // the server answered with a non-2xx status
  | 'invalid-response' // 2xx but the body is not what the API documents
  | 'too-large' // the body exceeded the client's size limit and was refused
  | 'aborted'; // the caller cancelled

/** A typed error with everything a user (and the log) needs: backend, URL, status, server message. */
export class BackendError extends Error {
  constructor(
    readonly backend: Backend,
    readonly kind: BackendErrorKind,
    readonly url: string,
    message: string,
    readonly status?: number,
    /** The backend's own error text (Prometheus `error`, Alertmanager `message`, Loki's plain text). */
    readonly serverMessage?: string,
    /** Prometheus' `errorType` (bad_data, execution, timeout…) when there is one. */
    readonly errorType?: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }

  /** True when retrying later may help (backend down, slow, or starting up). */
  get isTransient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.status === 503 || this.status === 502 || this.status === 504;
  }
}

export type HttpAuth = { kind: 'none' } | { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface TransportOptions {
  backend: Backend;
  baseUrl: string;
  auth?: HttpAuth;
  /** Default per-request timeout (ms): headers and body must both arrive within it. */
  timeoutMs?: number;
  /** Bodies larger than this are refused, never buffered whole (bytes). */
  maxBodyBytes?: number;
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
  /** Turns a non-2xx body into the server's message (and error type) — each backend's format differs. */
  parseError?: (status: number, body: string) => { message: string; errorType?: string };
}

/** What each backend client takes from its caller: where the server is, how to authenticate, its bounds. */
export type ClientOptions = Pick<TransportOptions, 'baseUrl' | 'auth' | 'timeoutMs' | 'maxBodyBytes' | 'dispatcher'>;

export interface RequestSpec {
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT';
  path: string;
  query?: Record<string, string | number | boolean | string[] | undefined>;
  /** Sent as application/x-www-form-urlencoded (Prometheus' POST form for long queries). */
  form?: Record<string, string | number | undefined>;
  json?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Query strings longer than this (encoded) go as a POST form: long URLs get cut by proxies and header limits. */
export const POST_THRESHOLD_CHARS = 2000;

/**
 * GET with a query string for short requests (readable in logs), a POST form for long ones (Prometheus and Loki
 * accept both on their query endpoints). Parameters with several values (`match[]`) have no form encoding here,
 * so they always go as GET.
 */
export function getOrPostForm(
  path: string,
  params: NonNullable<RequestSpec['query']>,
  options: Pick<RequestSpec, 'signal' | 'timeoutMs'> = {},
  thresholdChars = POST_THRESHOLD_CHARS,
): RequestSpec {
  const defined = Object.entries(params).filter(([, v]) => v !== undefined);
  const encoded = defined.reduce((n, [k, v]) => n + k.length + encodeURIComponent(Array.isArray(v) ? v.join('&') : String(v)).length + 2, 0);
  const usePost = encoded > thresholdChars && !defined.some(([, v]) => Array.isArray(v));
  return usePost
    ? { method: 'POST', path, form: Object.fromEntries(defined) as Record<string, string | number>, ...options }
    : { method: 'GET', path, query: params, ...options };
}

export interface RawResponse {
  status: number;
  url: string;
  contentType: string;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

/**
 * The one place the HTTP clients send requests from: a base URL, auth, a timeout with an abort
 * signal on every call, a size cap on every body, and typed errors.
 */
export class HttpTransport {
  readonly baseUrl: string;
  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get backend(): Backend {
    return this.options.backend;
  }

  /** Builds the full URL for a path and query (exposed for "Open in …" links). */
  url(path: string, query?: RequestSpec['query']): string {
    const u = new URL(this.baseUrl + (path.startsWith('/') ? path : '/' + path));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${this.baseUrl}`);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(item));
    }
    return u.toString();
  }

  /** Sends the request and returns the raw body; non-2xx statuses become a BackendError. */
  async send(spec: RequestSpec): Promise<RawResponse> {
    const { backend } = this.options;
    let url: string;
    try {
      url = this.url(spec.path, spec.query);
    } catch {
      // a mistyped setting (`localhost:9090` without a scheme, `http//…`): say which and where
      throw new BackendError(
        backend,
        'unreachable',
        this.baseUrl,
        `${backend} URL "${this.baseUrl}" is not a valid http(s) URL: fix realm.${backend}Url (for example http://127.0.0.1:9090)`,
      );
    }
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers, ...spec.headers };
    const auth = this.options.auth;
    if (auth?.kind === 'basic') headers.authorization = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    if (auth?.kind === 'bearer') headers.authorization = 'Bearer ' + auth.token;
    let body: string | undefined;
    if (spec.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) params.append(k, String(v));
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    }

    let status: number;
    let contentType: string;
    let text: string;
    try {
      const res = await undici().request(url, {
        method: spec.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        signal,
        dispatcher: this.options.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = res.statusCode;
      contentType = String(res.headers['content-type'] ?? '');
      text = await readCapped(
        res.body,
        this.options.maxBodyBytes ?? DEFAULT_MAX_BODY,
        () =>
          new BackendError(
            backend,
            'too-large',
            url,
            `${backend} sent more than ${formatBytes(this.options.maxBodyBytes ?? DEFAULT_MAX_BODY)}; refusing the response (narrow the query or time range)`,
          ),
      );
    } catch (err) {
      throw this.toBackendError(err, url, timeoutMs, spec.signal);
    }
    if (status < 200 || status >= 300) {
      const parsed = this.options.parseError?.(status, text) ?? { message: text.trim().slice(0, 500) };
      throw new BackendError(
        backend,
        'http',
        url,
        `${backend} answered ${status}: ${parsed.message || '(no message)'}`,
        status,
        parsed.message,
        parsed.errorType,
      );
    }
    return { status, url, contentType, body: text };
  }

  /** Sends the request, parses JSON and validates it; a wrong shape is an `invalid-response` error. */
  async json<T>(spec: RequestSpec, validate: (value: unknown) => T): Promise<T> {
    const raw = await this.send(spec);
    let value: unknown;
    try {
      value = raw.body === '' ? undefined : JSON.parse(raw.body);
    } catch {
      throw new BackendError(
        this.options.backend,
        'invalid-response',
        raw.url,
        `${this.options.backend} sent a body that is not JSON: ${raw.body.slice(0, 120)}`,
        raw.status,
      );
    }
    try {
      return validate(value);
    } catch (err) {
      throw new BackendError(
        this.options.backend,
        'invalid-response',
        raw.url,
        `${this.options.backend} sent an unexpected response: ${(err as Error).message}`,
        raw.status,
      );
    }
  }

  /**
   * The `/-/ready` probe Prometheus and Alertmanager share: true on 200, false on 503 (starting
   * up); any other failure (unreachable, timeout) is thrown as a BackendError.
   */
  async ready(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<boolean> {
    try {
      await this.send({ path: '/-/ready', signal: options.signal, timeoutMs: options.timeoutMs, headers: { accept: 'text/plain' } });
      return true;
    } catch (err) {
      if (err instanceof BackendError && err.kind === 'http' && err.status === 503) return false;
      throw err;
    }
  }

  private toBackendError(err: unknown, url: string, timeoutMs: number, callerSignal?: AbortSignal): BackendError {
    const { backend } = this.options;
    if (err instanceof BackendError) return err;
    const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
    if (callerSignal?.aborted) return new BackendError(backend, 'aborted', url, `${backend} request cancelled`);
    const code = e.code ?? e.cause?.code;
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new BackendError(backend, 'timeout', url, `${backend} did not answer within ${timeoutMs / 1000} s (${url})`);
    }
    return new BackendError(backend, 'unreachable', url, `${backend} is unreachable at ${this.baseUrl}: ${code ?? e.message ?? String(err)}`);
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => void }, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy?.();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
