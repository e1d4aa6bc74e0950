/**
 * Alerts against the real Prometheus + Alertmanager the harness runs (test/infra/harness.sh):
 * a scraped target on 127.0.0.1:19100 is stopped, the store reports its alerts, a silence made
 * through the client suppresses them, and bad requests give the typed errors users see.
 * Only alerts of instance 127.0.0.1:19100 are looked at: 127.0.0.1:19102 belongs to other tests.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { AlertmanagerClient, isNotFound } from '../../src/clients/alertmanagerClient';
import { PrometheusClient } from '../../src/clients/prometheusClient';
import { RealmAlert } from '../../src/core/alerts';
import { memoryLogger } from '../support/memoryLogger';
import { AlertStore } from '../../src/state/alertStore';
import { backendError } from '../support/backendError';
import { waitUntil } from '../support/waitFor';

const PROM_URL = process.env.REALM_IT_PROMETHEUS_URL;
const AM_URL = process.env.REALM_IT_ALERTMANAGER_URL;
const INSTANCE = '127.0.0.1:19100';
const ALERTS = ['ArcanumNeedsRestart', 'ServiceDown'];

function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  return waitUntil(what, probe, timeoutMs, 100) as Promise<T>;
}

/** The test's own scrape target: a /metrics endpoint on 127.0.0.1:19100. */
async function serveMetrics(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('# TYPE realm_probe_up gauge\nrealm_probe_up 1\n');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cannot serve the probe target on ${INSTANCE}: ${err.message}`)));
    server.listen(19100, '127.0.0.1', resolve);
  });
  return server;
}

async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('Alerts against real Prometheus and Alertmanager', function () {
  this.timeout(120_000);
  let prom: PrometheusClient;
  let am: AlertmanagerClient;
  let target: http.Server | undefined;
  let store: AlertStore | undefined;
  const silenceIds: string[] = [];

  before(() => {
    assert.ok(
      PROM_URL && AM_URL,
      'REALM_IT_PROMETHEUS_URL / REALM_IT_ALERTMANAGER_URL are not set: run `source /tmp/realm-it/env` (harness: bash test/infra/harness.sh up)',
    );
    prom = new PrometheusClient({ baseUrl: PROM_URL, timeoutMs: 10_000 });
    am = new AlertmanagerClient({ baseUrl: AM_URL, timeoutMs: 10_000 });
  });

  after(async () => {
    store?.dispose();
    if (target) await stop(target);
    for (const id of silenceIds) await am.expireSilence(id).catch(() => undefined);
  });

  it('reports a stopped target as firing, measures the delay, and silences and un-silences it', async () => {
    target = await serveMetrics();
    await until(async () => (await prom.targets()).some((t) => t.labels.instance === INSTANCE && t.health === 'up'), `Prometheus to scrape ${INSTANCE} as up`);
    // Earlier runs (or the target never having been served) leave its alerts listed until Prometheus resolves them.
    const ours = async () =>
      (await am.alerts({ filter: [{ name: 'instance', value: INSTANCE, isRegex: false, isEqual: true }] })).filter((a) => ALERTS.includes(a.labels.alertname));
    await until(async () => (await ours()).length === 0 || undefined, `Alertmanager to resolve old alerts of ${INSTANCE}`);

    const log = memoryLogger();
    store = new AlertStore({ alertmanager: am, prometheus: prom }, { logger: log, intervalMs: 2000, include: (a) => a.labels.instance === INSTANCE });
    store.setVisible(true);
    const firstFiringAt = new Map<string, number>();
    const states: string[] = [];
    store.onDidChange((c) => {
      for (const a of c.snapshot.alerts) {
        if (a.state === 'firing' && !firstFiringAt.has(a.name)) firstFiringAt.set(a.name, Date.now());
        states.push(`${a.name}:${a.state}`);
      }
    });
    const critical: RealmAlert[] = [];
    store.onDidFireCritical((a) => critical.push(...a));
    await until(() => store!.snapshot.status === 'ok' || undefined, 'the store to reach Alertmanager');
    assert.deepEqual(
      store.snapshot.alerts.filter((a) => a.state === 'firing'),
      [],
      'nothing fires while the target is up',
    );

    // Watch Alertmanager directly, every 100 ms, to know when it first lists each alert.
    const amListedAt = new Map<string, number>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const a of await ours().catch(() => [])) if (!amListedAt.has(a.labels.alertname)) amListedAt.set(a.labels.alertname, Date.now());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const stoppedAt = Date.now();
    await stop(target);
    target = undefined;
    await until(() => ALERTS.every((n) => firstFiringAt.has(n)) || undefined, 'the store to report ServiceDown and ArcanumNeedsRestart firing', 45_000);
    await until(() => ALERTS.every((n) => amListedAt.has(n)) || undefined, 'the watcher to have seen both alerts', 5000);
    watching = false;
    await watcher;

    for (const name of ALERTS) {
      const latency = firstFiringAt.get(name)! - amListedAt.get(name)!;
      console.log(
        `      ${name}: target stopped → Alertmanager lists it ${((amListedAt.get(name)! - stoppedAt) / 1000).toFixed(2)} s; Alertmanager lists it → store change event ${(latency / 1000).toFixed(2)} s (poll 2 s, watcher resolution 0.1 s)`,
      );
      assert.ok(latency <= 2000 + 1000, `${name}: the store took ${latency} ms after Alertmanager listed it`);
    }
    const restart = store.snapshot.alerts.find((a) => a.name === 'ArcanumNeedsRestart')!;
    assert.equal(restart.severity, 'critical');
    assert.equal(restart.labels.action, 'restart');
    assert.equal(restart.annotations.summary, 'arcanum is down and needs a restart');
    assert.deepEqual(critical.map((a) => a.name).sort(), ALERTS, 'one new-critical event per alert, no repeats');

    // Silence ServiceDown of our instance only.
    const id = await am.createSilence({
      matchers: [
        { name: 'alertname', value: 'ServiceDown', isRegex: false, isEqual: true },
        { name: 'instance', value: INSTANCE, isRegex: false, isEqual: true },
      ],
      endsAt: Date.now() + 10 * 60_000,
      createdBy: 'realm integration test (alerts.test.ts)',
      comment: 'suppresses the probe target while the test runs',
    });
    silenceIds.push(id);
    await store.refresh();
    const silenced = await until(
      () => store!.snapshot.alerts.find((a) => a.name === 'ServiceDown' && a.state === 'suppressed'),
      'the store to show ServiceDown suppressed',
      20_000,
    );
    assert.deepEqual(silenced.silencedBy, [id]);
    assert.ok(
      store.snapshot.silences.some((s) => s.id === id && s.state === 'active'),
      'the Silences node lists it',
    );
    assert.equal(store.snapshot.alerts.find((a) => a.name === 'ArcanumNeedsRestart')?.state, 'firing', 'the other alert still fires');

    await am.expireSilence(id);
    await store.refresh();
    await until(
      () => store!.snapshot.alerts.find((a) => a.name === 'ServiceDown' && a.state === 'firing'),
      'ServiceDown to fire again once the silence expired',
      20_000,
    );
    assert.ok(!store.snapshot.silences.some((s) => s.id === id), 'the expired silence leaves the list');
    assert.equal((await am.silence(id)).state, 'expired');
    assert.equal(log.lines.filter((l) => l.startsWith('[warn]')).length, 0, `no outage logged: ${log.lines.join('\n')}`);
  });

  it('gives typed, readable errors for bad PromQL, a range over the point limit, and servers that are down', async () => {
    const bad = await backendError(prom.query('sum(rate(up[5m]) by'));
    assert.equal(bad.status, 400);
    assert.equal(bad.errorType, 'bad_data');
    assert.match(bad.message, /^prometheus answered 400: invalid parameter "query": .*parse error/);

    const now = Math.floor(Date.now() / 1000);
    const range = await backendError(prom.queryRange('up', { start: now - 20_000, end: now, step: 1 }));
    assert.equal(range.errorType, 'bad_data');
    assert.match(range.message, /exceeded maximum resolution of 11,000 points per timeseries/);
    // the client's own step for the same range stays under the limit
    const ok = await prom.queryRange('up', { start: now - 20_000, end: now });
    assert.ok(ok.step >= 2);

    const exec = await backendError(prom.query('up + on(job) group_left up'));
    assert.equal(exec.status, 422);
    assert.equal(exec.errorType, 'execution');

    const silenceError = await backendError(
      am.createSilence({
        matchers: [{ name: 'alertname', value: 'X', isRegex: false, isEqual: true }],
        startsAt: Date.now(),
        endsAt: Date.now() - 60_000,
        createdBy: 't',
        comment: 't',
      }),
    );
    assert.equal(silenceError.status, 400);
    assert.match(silenceError.message, /start time must be before end time/);
    const unknown = await backendError(am.expireSilence('00000000-0000-4000-8000-000000000000'));
    assert.ok(isNotFound(unknown), unknown.message);

    for (const client of [new PrometheusClient({ baseUrl: 'http://127.0.0.1:19399' }), new AlertmanagerClient({ baseUrl: 'http://127.0.0.1:19399' })]) {
      const down = await backendError(client instanceof PrometheusClient ? client.buildInfo() : client.status());
      assert.equal(down.kind, 'unreachable');
      assert.equal(down.isTransient, true);
      assert.match(down.message, /is unreachable at http:\/\/127\.0\.0\.1:19399: ECONNREFUSED/);
    }
  });
});
