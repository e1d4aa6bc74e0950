/**
 * Faults: slow and oversized backends. Servers that accept and never answer, that answer after 10 s,
 * and that send 50 MB: the clients time out with a typed error, the AlertStore never has more than
 * one request per endpoint in flight, and oversized bodies are refused while still streaming.
 */
import assert from 'node:assert/strict';
import { AlertmanagerClient } from '../../src/clients/alertmanagerClient';
import { BackendClients } from '../../src/clients/backendClients';
import { BackendError, BackendErrorKind } from '../../src/clients/http';
import { LokiClient } from '../../src/clients/lokiClient';
import { PrometheusClient } from '../../src/clients/prometheusClient';
import { memoryLogger } from '../support/memoryLogger';
import { AlertStore } from '../../src/state/alertStore';
import { BadServer, recordUnhandledRejections, waitFor } from './faultsSupport';

const isKind = (kind: BackendErrorKind) => (e: unknown) => e instanceof BackendError && e.kind === kind;

/** Every client call that reads a body, against one base URL. */
function calls(url: string, opts: { timeoutMs?: number } = {}) {
  const prom = new PrometheusClient({ baseUrl: url, ...opts });
  const am = new AlertmanagerClient({ baseUrl: url, ...opts });
  const loki = new LokiClient({ baseUrl: url, ...opts });
  const now = Date.now();
  return {
    'prometheus query_range': () => prom.queryRange('up', { start: now / 1000 - 60, end: now / 1000, step: 1 }),
    'prometheus alerts': () => prom.alerts(),
    'alertmanager alerts': () => am.alerts(),
    'alertmanager silences': () => am.silences(),
    'loki query_range': () =>
      loki.queryRange({ query: '{job="x"}', startNs: String(BigInt(now - 60_000) * 1_000_000n), endNs: String(BigInt(now) * 1_000_000n) }),
    'loki labels': () => loki.labels(),
  };
}

describe('Faults: slow and oversized backends', function () {
  this.timeout(120_000);
  const rejections = recordUnhandledRejections();
  const servers: BadServer[] = [];
  const server = async (b: BadServer) => (await b.start(), servers.push(b), b);
  after(async () => {
    rejections.dispose();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('a server that accepts and never answers: every client times out with a typed error; the store never piles up requests', async () => {
    const hang = await server(new BadServer('hang'));
    const results = await Promise.all(
      Object.entries(calls(hang.url, { timeoutMs: 1_000 })).map(async ([name, call]) => {
        const t0 = Date.now();
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        return { name, err, ms: Date.now() - t0 };
      }),
    );
    for (const r of results) {
      assert.ok(isKind('timeout')(r.err), `${r.name}: ${String(r.err)}`);
      assert.ok(r.ms >= 950 && r.ms < 4_000, `${r.name} gave up after ${r.ms} ms (timeout 1 s)`);
      assert.match((r.err as BackendError).message, /did not answer within 1 s/);
    }
    await waitFor('the server to see every request closed', () => hang.stats.inFlight === 0, 5_000);

    hang.resetStats();
    const logger = memoryLogger();
    const store = new AlertStore(
      { alertmanager: new AlertmanagerClient({ baseUrl: hang.url }), prometheus: new PrometheusClient({ baseUrl: hang.url }) },
      { logger, intervalMs: 200, requestTimeoutMs: 1_000, failuresBeforeUnreachable: 3 },
    );
    store.setVisible(true);
    const sub = store.onDidChange(() => undefined);
    try {
      await waitFor('status unreachable', () => store.snapshot.status === 'unreachable', 20_000);
      await waitFor('two more polls', () => hang.stats.total >= 5 * 3, 20_000);
      assert.ok(isKind('timeout')(store.snapshot.lastError), String(store.snapshot.lastError));
    } finally {
      sub.dispose();
      store.dispose();
    }
    console.log(`      hang: ${hang.stats.total} requests from one store, peak in flight per endpoint ${JSON.stringify(hang.stats.peakInFlightPerPath)}`);
    for (const [p, peak] of Object.entries(hang.stats.peakInFlightPerPath)) assert.equal(peak, 1, `${p}: at most one request in flight`);
    assert.ok(hang.stats.peakInFlight <= 3, 'one poll = three requests (alerts, silences, Prometheus alerts)');
    await waitFor('disposing the store to end its requests', () => hang.stats.inFlight === 0, 5_000);
    // both backends sit behind the same hung server: one warning for each outage
    const warned = logger.lines.filter((l) => l.startsWith('[warn]') || l.startsWith('[error]'));
    assert.deepEqual(warned.map((l) => /^\[warn\] (\w+) unreachable/.exec(l)?.[1]).sort(), ['Alertmanager', 'Prometheus'], warned.join('\n'));
    assert.deepEqual(rejections.reasons, []);
  });

  it('a server that answers after 10 s: the store (5 s timeout) aborts before the answer and never overlaps; Loki (30 s) waits for it', async () => {
    const slow = await server(new BadServer('slow', 10_000));
    const logger = memoryLogger();
    const store = new AlertStore(
      { alertmanager: new AlertmanagerClient({ baseUrl: slow.url }), prometheus: new PrometheusClient({ baseUrl: slow.url }) },
      { logger, intervalMs: 200 },
    ); // the extension's request timeout: 5 s
    store.setVisible(true);
    const sub = store.onDidChange(() => undefined);
    // the logs panel's client: the production default timeout (30 s) lets a 10 s answer through
    const backends = new BackendClients(() => ({ prometheusUrl: slow.url, alertmanagerUrl: slow.url, lokiUrl: slow.url, auth: {} }));
    const t0 = Date.now();
    const lokiAnswer = backends.loki.labels();
    try {
      await waitFor('two timed-out polls', () => slow.stats.clientAborted >= 6, 30_000, 100);
      assert.ok(isKind('timeout')(store.snapshot.lastError), String(store.snapshot.lastError));
      assert.match(store.snapshot.lastError!.message, /did not answer within 5 s/);
    } finally {
      sub.dispose();
      store.dispose();
    }
    assert.deepEqual(await lokiAnswer, []);
    const lokiMs = Date.now() - t0;
    console.log(
      `      slow: ${slow.stats.total} requests, ${slow.stats.clientAborted} aborted by the store before the 10 s answer; Loki waited ${lokiMs} ms; peak per endpoint ${JSON.stringify(slow.stats.peakInFlightPerPath)}`,
    );
    assert.ok(lokiMs >= 9_900, `Loki got the answer after ${lokiMs} ms`);
    for (const [p, peak] of Object.entries(slow.stats.peakInFlightPerPath)) assert.equal(peak, 1, `${p}: at most one request in flight`);
    assert.deepEqual(rejections.reasons, []);
  });

  it('a 50 MB answer is refused as too-large while streaming, by every client that reads bodies', async () => {
    const huge = await server(new BadServer('huge'));
    const cap = 32 * 1024 * 1024; // the transport's default limit (BackendClients sets no other)
    const backends = new BackendClients(() => ({ prometheusUrl: huge.url, alertmanagerUrl: huge.url, lokiUrl: huge.url, auth: {} }));
    const now = Date.now();
    const bodyReaders: Record<string, () => Promise<unknown>> = {
      'prometheus query_range': () => backends.prometheus.queryRange('up', { start: now / 1000 - 60, end: now / 1000, step: 1 }),
      'alertmanager alerts': () => backends.alertmanager.alerts(),
      'loki query_range': () =>
        backends.loki.queryRange({ query: '{job="x"}', startNs: String(BigInt(now - 60_000) * 1_000_000n), endNs: String(BigInt(now) * 1_000_000n) }),
    };
    for (const [name, call] of Object.entries(bodyReaders)) {
      huge.resetStats();
      const t0 = Date.now();
      await assert.rejects(call(), (e: unknown) => isKind('too-large')(e) && /refusing the response/.test((e as Error).message), name);
      await waitFor(`${name}: the server to see the client go`, () => huge.stats.inFlight === 0, 10_000);
      const sentMb = huge.stats.bytesWritten / 1024 / 1024;
      console.log(`      ${name}: refused after ${Date.now() - t0} ms; the server could write ${sentMb.toFixed(1)} MB of 50 MB`);
      assert.equal(huge.stats.clientAborted, 1, `${name}: the client closed the response before its end`);
      assert.ok(
        huge.stats.bytesWritten < cap + 8 * 1024 * 1024,
        `${name}: stopped reading near the ${cap / 1024 / 1024} MB cap, not at 50 MB (${sentMb.toFixed(1)} MB)`,
      );
    }
    assert.deepEqual(rejections.reasons, []);
  });
});
