import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A recorded response: status, content type (null: none) and body (objects are sent as JSON). */
export interface Sample {
  status: number;
  contentType?: string | null;
  body: unknown;
}

const SAMPLES = path.resolve(__dirname, '../../../../test/fixtures/api-samples');

/** The parsed JSON of a file of test/fixtures/api-samples (a request body, a map of cases…). */
export function rawSample(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(SAMPLES, file + '.json'), 'utf8'));
}

/** Loads a file of test/fixtures/api-samples, or one named case inside a file of cases. */
export function sample(file: string, key?: string): Sample {
  const all = rawSample(file) as Record<string, unknown>;
  const s = (key ? all[key] : all) as Sample | undefined;
  if (!s || typeof s.status !== 'number') throw new Error(`no sample ${file}${key ? '#' + key : ''}`);
  return s;
}

export interface SeenRequest {
  method: string;
  url: URL;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Answers a request with a sample, 'hang' (never answers) or 'destroy' (drops the connection). */
export type Route = (req: SeenRequest) => Sample | 'hang' | 'destroy' | Promise<Sample | 'hang' | 'destroy'>;

/**
 * A local HTTP server on 127.0.0.1 that replays real server bodies byte for byte: strings are sent
 * as they were recorded (Alertmanager's bare JSON strings are sent JSON-encoded, as it does).
 */
export class SampleServer {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly hanging = new Set<http.ServerResponse>();
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  /** Routes `METHOD /path` (query ignored) to a sample or a function of the request. */
  on(methodAndPath: string, route: Route | Sample): this {
    this.routes.set(methodAndPath, typeof route === 'function' ? route : () => route);
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://x'),
      body: Buffer.concat(chunks).toString('utf8'),
      headers: req.headers,
    };
    this.requests.push(seen);
    const route = this.routes.get(`${seen.method} ${seen.url.pathname}`);
    const answer = route ? await route(seen) : { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (answer === 'destroy') {
      req.socket.destroy();
      return;
    }
    const body = typeof answer.body === 'string' && !isJsonString(answer) ? answer.body : JSON.stringify(answer.body);
    const headers: Record<string, string> = {};
    if (answer.contentType) headers['content-type'] = answer.contentType;
    res.writeHead(answer.status, headers).end(body);
  }
}

// A recorded string body is a bare JSON string (Alertmanager) when the server said it was JSON and
// the string itself is not already JSON text.
function isJsonString(s: Sample): boolean {
  if (typeof s.body !== 'string' || s.body === '') return false;
  if (!s.contentType?.includes('json')) return false;
  try {
    JSON.parse(s.body);
    return false;
  } catch {
    return true;
  }
}
