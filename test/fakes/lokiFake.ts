/**
 * A FAKE Loki for tests (there is no Loki binary here). It follows Loki's documented HTTP API —
 * push (JSON), query_range (`streams`, and `matrix` for count_over_time/rate), query, labels,
 * label values — and the `/loki/api/v1/tail` websocket, on 127.0.0.1. Errors are plain text as
 * Loki's are. Only the LogQL subset in `logqlFake.ts` is understood.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { labelsMatch, lineMatches, LogSelector, LogQLParseError, parseLogQL, ParsedQuery } from './logqlFake';

export interface FakeLokiOptions {
  /** When set, requests without this `X-Scope-OrgID` get 401 "no org id" (as multi-tenant Loki). */
  requireTenant?: string;
  /** When set, requests whose `authorization` header differs get 401. */
  requireAuthorization?: string;
  /** When set, tail websockets are accepted and then closed at once (code 1011, this reason). */
  closeTailsWith?: string;
  /** Loki's `max_entries_limit_per_query` (default 5000, as Loki's): a larger `limit` gets Loki's 400. */
  maxEntriesPerQuery?: number;
}

interface StoredStream {
  labels: Record<string, string>;
  entries: Array<{ ts: bigint; line: string }>;
}
interface TailClient {
  socket: WebSocket;
  selector: LogSelector;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export class FakeLoki {
  readonly requests: SeenRequest[] = [];
  private readonly streams = new Map<string, StoredStream>();
  private readonly tails = new Set<TailClient>();
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly options: FakeLokiOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Number of live tail websockets. */
  get tailCount(): number {
    return this.tails.size;
  }

  /** Starts listening (again, on the same port after `stop()` when one was assigned). */
  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    const wss = new WebSocketServer({ noServer: true });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head, wss));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
  }

  /** Stops abruptly: tail sockets are dropped, as when Loki restarts. Stored logs are kept. */
  async stop(): Promise<void> {
    for (const t of this.tails) t.socket.terminate();
    this.tails.clear();
    for (const s of this.sockets) s.destroy();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Stores entries (as a push would) and sends them to matching tails. */
  ingest(labels: Record<string, string>, entries: Array<[string, string]>): void {
    const key = JSON.stringify(Object.entries(labels).sort());
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = { labels: { ...labels }, entries: [] }));
    for (const [ts, line] of entries) stream.entries.push({ ts: BigInt(ts), line });
    stream.entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    for (const t of this.tails) {
      if (!labelsMatch(labels, t.selector.matchers)) continue;
      const values = entries.filter(([, line]) => lineMatches(line, t.selector.filters));
      if (values.length) t.socket.send(JSON.stringify({ streams: [{ stream: labels, values }] }));
    }
  }

  /** Tells every tail that Loki dropped these entries (a slow tail client), as Loki's `dropped_entries`. */
  reportDropped(labels: Record<string, string>, timestampsNs: string[]): void {
    const frame = JSON.stringify({ streams: [], dropped_entries: timestampsNs.map((timestamp) => ({ labels, timestamp })) });
    for (const t of this.tails) t.socket.send(frame);
  }

  private authError(headers: http.IncomingHttpHeaders): string | undefined {
    if (this.options.requireTenant !== undefined && headers['x-scope-orgid'] !== this.options.requireTenant) return 'no org id';
    if (this.options.requireAuthorization !== undefined && headers.authorization !== this.options.requireAuthorization) return 'unauthorized';
    return undefined;
  }

  private upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer, wss: WebSocketServer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: 'GET', path: url.pathname, headers: req.headers });
    const reject = (status: number, text: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      );
    };
    if (url.pathname !== '/loki/api/v1/tail') return reject(404, '404 page not found\n');
    const authError = this.authError(req.headers);
    if (authError) return reject(401, authError + '\n');
    let parsed: ParsedQuery;
    try {
      parsed = parseLogQL(url.searchParams.get('query') ?? '');
    } catch (err) {
      return reject(400, (err as Error).message + '\n');
    }
    if (parsed.kind !== 'log') return reject(400, 'log queries only\n');
    const selector = parsed.selector;
    const start = BigInt(url.searchParams.get('start') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? 100);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.options.closeTailsWith !== undefined) return ws.close(1011, this.options.closeTailsWith);
      const client: TailClient = { socket: ws, selector };
      this.tails.add(client);
      ws.on('close', () => this.tails.delete(client));
      const history = this.select(selector, start, BigInt(Date.now()) * 1_000_000n + 1n, limit, 'backward');
      if (history.length) ws.send(JSON.stringify({ streams: history.map((s) => ({ stream: s.labels, values: s.values })) }));
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers });
    const text = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body + '\n');
    };
    const json = (data: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data }));
    };
    const authError = this.authError(req.headers);
    if (authError) return text(401, authError);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        this.route(req.method ?? 'GET', url, Buffer.concat(chunks).toString('utf8'), text, json, res);
      } catch (err) {
        if (err instanceof LogQLParseError) text(400, err.message);
        else text(500, String((err as Error).message));
      }
    });
  }

  private route(method: string, url: URL, body: string, text: (s: number, b: string) => void, json: (d: unknown) => void, res: http.ServerResponse): void {
    // Loki reads query parameters from the URL and, on POST, from a form body (long queries)
    const form = method === 'POST' && url.pathname !== '/loki/api/v1/push' ? new URLSearchParams(body) : undefined;
    const q = form ? new URLSearchParams([...url.searchParams, ...form]) : url.searchParams;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const start = q.has('start') ? BigInt(q.get('start')!) : nowNs - 3_600_000_000_000n;
    const end = q.has('end') ? BigInt(q.get('end')!) : nowNs;
    const values = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(url.pathname);
    if (url.pathname === '/loki/api/v1/push' && method === 'POST') {
      const payload = JSON.parse(body) as { streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> };
      for (const s of payload.streams) this.ingest(s.stream, s.values);
      res.writeHead(204).end();
    } else if (url.pathname === '/loki/api/v1/query_range' || url.pathname === '/loki/api/v1/query') {
      const parsed = parseLogQL(q.get('query') ?? '');
      const limit = Number(q.get('limit') ?? 100);
      const direction = q.get('direction') === 'forward' ? 'forward' : 'backward';
      const maxEntries = this.options.maxEntriesPerQuery ?? 5000;
      if (parsed.kind === 'log' && limit > maxEntries) {
        // Loki 3.1.1's words (measured): the client must page with `end` = the oldest line's timestamp
        text(400, `max entries limit per query exceeded, limit > max_entries_limit (${limit} > ${maxEntries})`);
      } else if (parsed.kind === 'log') {
        const s = url.pathname.endsWith('query') ? (q.has('time') ? BigInt(q.get('time')!) : nowNs) - 3_600_000_000_000n : start;
        const e = url.pathname.endsWith('query') ? (q.has('time') ? BigInt(q.get('time')!) : nowNs) : end;
        json({
          resultType: 'streams',
          result: this.select(parsed.selector, s, e, limit, direction).map((x) => ({ stream: x.labels, values: x.values })),
          stats: {},
        });
      } else if (url.pathname.endsWith('query_range')) {
        const step = q.has('step') ? parseFloat(q.get('step')!) : Math.max(1, Math.ceil(Number((end - start) / 1_000_000_000n) / 250));
        json({ resultType: 'matrix', result: this.metric(parsed.metric, start, end, step), stats: {} });
      } else {
        const t = q.has('time') ? BigInt(q.get('time')!) : nowNs;
        const series = this.metric(parsed.metric, t, t, 1);
        json({ resultType: 'vector', result: series.map((s) => ({ metric: s.metric, value: s.values[0] })), stats: {} });
      }
    } else if (url.pathname === '/loki/api/v1/labels') {
      json([...new Set(this.inRange(start, end).flatMap((s) => Object.keys(s.labels)))].sort());
    } else if (values) {
      const name = decodeURIComponent(values[1]);
      json(
        [
          ...new Set(
            this.inRange(start, end)
              .map((s) => s.labels[name])
              .filter((v): v is string => v !== undefined),
          ),
        ].sort(),
      );
    } else if (url.pathname === '/ready') {
      text(200, 'ready');
    } else {
      text(404, '404 page not found');
    }
  }

  private inRange(start: bigint, end: bigint): StoredStream[] {
    return [...this.streams.values()].filter((s) => s.entries.some((e) => e.ts >= start && e.ts <= end));
  }

  /** Entries in [start, end) across matching streams; `limit` applies to all of them, as in Loki. */
  private select(sel: LogSelector, start: bigint, end: bigint, limit: number, direction: 'forward' | 'backward') {
    const all: Array<{ key: StoredStream; ts: bigint; line: string }> = [];
    for (const s of this.streams.values()) {
      if (!labelsMatch(s.labels, sel.matchers)) continue;
      for (const e of s.entries) if (e.ts >= start && e.ts < end && lineMatches(e.line, sel.filters)) all.push({ key: s, ...e });
    }
    all.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0) * (direction === 'forward' ? 1 : -1));
    const byStream = new Map<StoredStream, Array<[string, string]>>();
    for (const e of all.slice(0, limit)) {
      if (!byStream.has(e.key)) byStream.set(e.key, []);
      byStream.get(e.key)!.push([e.ts.toString(), e.line]);
    }
    return [...byStream].map(([s, v]) => ({ labels: s.labels, values: v }));
  }

  private metric(m: NonNullable<Extract<ParsedQuery, { kind: 'metric' }>['metric']>, start: bigint, end: bigint, stepSeconds: number) {
    const stepNs = BigInt(Math.round(stepSeconds * 1e9));
    const windowNs = BigInt(Math.round(m.rangeSeconds * 1e9));
    const series = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
    for (let t = start; t <= end; t += stepNs) {
      const counts = new Map<string, { metric: Record<string, string>; n: number }>();
      for (const s of this.streams.values()) {
        if (!labelsMatch(s.labels, m.selector.matchers)) continue;
        const n = s.entries.filter((e) => e.ts > t - windowNs && e.ts <= t && lineMatches(e.line, m.selector.filters)).length;
        if (!n) continue;
        const metric = m.sumBy ? Object.fromEntries(m.sumBy.filter((l) => l in s.labels).map((l) => [l, s.labels[l]])) : s.labels;
        const key = JSON.stringify(Object.entries(metric).sort());
        const c = counts.get(key) ?? { metric, n: 0 };
        c.n += n;
        counts.set(key, c);
      }
      for (const [key, c] of counts) {
        if (!series.has(key)) series.set(key, { metric: c.metric, values: [] });
        const v = m.fn === 'rate' ? c.n / m.rangeSeconds : c.n;
        series.get(key)!.values.push([Number(t / 1_000_000n) / 1000, String(v)]);
      }
    }
    return [...series.values()];
  }
}
