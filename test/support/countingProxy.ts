/**
 * A counting proxy in front of the Docker engine's unix socket: bytes pass through untouched, and
 * every HTTP request line the client sends is recorded with its time and kind (list, inspect,
 * events, action). For the scale tests and bench: how many engine requests an event costs.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';

export type RequestKind = 'list' | 'inspect' | 'events' | 'action' | 'other';
export interface CountedRequest {
  at: number;
  kind: RequestKind;
}

const REQUEST_LINE = /(GET|POST|PUT|DELETE|HEAD) (\/\S*) HTTP\/1\.[01]\r\n/g;

function kindOf(method: string, path: string): RequestKind {
  const p = path.replace(/^\/v[\d.]+/, '').split('?')[0];
  if (p === '/events') return 'events';
  if (method === 'GET' && p === '/containers/json') return 'list';
  if (method === 'GET' && /^\/containers\/[^/]+\/json$/.test(p)) return 'inspect';
  if (method === 'POST' || method === 'DELETE') return 'action';
  return 'other';
}

/**
 * Listens on `listenPath`, forwards to `enginePath`, and appends each request to `requests`;
 * `onResponse` sees what the engine sends back (to check what an event stream carries).
 */
export function startCountingProxy(listenPath: string, enginePath: string, requests: CountedRequest[], onResponse?: (chunk: Buffer) => void): net.Server {
  fs.rmSync(listenPath, { force: true });
  const server = net.createServer((client) => {
    const upstream = net.connect(enginePath);
    client.pipe(upstream);
    upstream.pipe(client);
    if (onResponse) upstream.on('data', onResponse);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    // request lines are found across chunk boundaries: keep what follows the last match
    let carry = '';
    client.on('data', (chunk: Buffer) => {
      const text = carry + chunk.toString('latin1');
      let end = 0;
      for (const m of text.matchAll(REQUEST_LINE)) {
        requests.push({ at: Date.now(), kind: kindOf(m[1], m[2]) });
        end = m.index + m[0].length;
      }
      carry = text.slice(end).slice(-4000);
    });
  });
  server.listen(listenPath);
  return server;
}
