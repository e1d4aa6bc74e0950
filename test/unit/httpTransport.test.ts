import assert from 'node:assert/strict';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { BackendError, HttpTransport } from '../../src/clients/http';

/** A loopback server whose handler each test sets. */
function server(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = http.createServer(handler);
  const sockets = new Set<import('node:net').Socket>();
  srv.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) =>
    srv.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            srv.close(() => r());
          }),
      }),
    ),
  );
}

describe('HttpTransport', () => {
  it('sends auth, query and form bodies, and validates JSON', async () => {
    let seen: { auth?: string; url?: string; body?: string; type?: string } = {};
    const s = await server((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen = { auth: req.headers.authorization, url: req.url, body, type: req.headers['content-type'] };
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true}');
      });
    });
    try {
      const t = new HttpTransport({ backend: 'prometheus', baseUrl: s.url + '/', auth: { kind: 'bearer', token: 'tok' } });
      const v = await t.json({ path: '/api/v1/query', query: { a: '1', m: ['x', 'y'] }, form: { query: 'up' } }, (x) => x as { ok: boolean });
      assert.deepEqual(v, { ok: true });
      assert.equal(seen.auth, 'Bearer tok');
      assert.equal(seen.url, '/api/v1/query?a=1&m=x&m=y');
      assert.equal(seen.body, 'query=up');
      assert.equal(seen.type, 'application/x-www-form-urlencoded');
      await assert.rejects(
        t.json({ path: '/' }, () => {
          throw new Error('missing data');
        }),
        (e: unknown) => e instanceof BackendError && e.kind === 'invalid-response' && /missing data/.test(e.message),
      );
    } finally {
      await s.close();
    }
  });

  it('carries status and the server message of a non-2xx answer', async () => {
    const s = await server((_req, res) => {
      res.statusCode = 400;
      res.end('{"status":"error","error":"parse error"}');
    });
    try {
      const t = new HttpTransport({ backend: 'prometheus', baseUrl: s.url, parseError: (_st, body) => ({ message: JSON.parse(body).error }) });
      await assert.rejects(
        t.send({ path: '/x' }),
        (e: unknown) => e instanceof BackendError && e.kind === 'http' && e.status === 400 && e.serverMessage === 'parse error' && e.url.endsWith('/x'),
      );
    } finally {
      await s.close();
    }
  });

  it('times out on a server that accepts and never answers', async () => {
    const s = await server(() => undefined);
    try {
      const t = new HttpTransport({ backend: 'loki', baseUrl: s.url, timeoutMs: 300 });
      const started = Date.now();
      await assert.rejects(t.send({ path: '/hang' }), (e: unknown) => e instanceof BackendError && e.kind === 'timeout' && e.isTransient);
      assert.ok(Date.now() - started < 5000, 'gave up near its timeout');
    } finally {
      await s.close();
    }
  });

  it('refuses a body over its size cap instead of buffering it whole', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let written = 0;
    const s = await server((_req, res) => {
      const pump = () => {
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    try {
      const t = new HttpTransport({ backend: 'loki', baseUrl: s.url, maxBodyBytes: 2 * 1024 * 1024 });
      await assert.rejects(t.send({ path: '/big' }), (e: unknown) => e instanceof BackendError && e.kind === 'too-large');
      assert.ok(written < 50 * 1024 * 1024, `stopped reading early (server wrote ${written} bytes)`);
    } finally {
      await s.close();
    }
  });

  it('reports a closed port as unreachable, and a caller abort as aborted', async () => {
    const s = await server(() => undefined);
    const url = s.url;
    await s.close();
    const t = new HttpTransport({ backend: 'alertmanager', baseUrl: url });
    await assert.rejects(
      t.send({ path: '/' }),
      (e: unknown) => e instanceof BackendError && e.kind === 'unreachable' && /alertmanager is unreachable/.test(e.message),
    );
    const hang = await server(() => undefined);
    try {
      const ctl = new AbortController();
      const p = new HttpTransport({ backend: 'alertmanager', baseUrl: hang.url }).send({ path: '/', signal: ctl.signal });
      ctl.abort();
      await assert.rejects(p, (e: unknown) => e instanceof BackendError && e.kind === 'aborted');
    } finally {
      await hang.close();
    }
  });
});
