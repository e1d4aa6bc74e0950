/**
 * Faults: Alertmanager, Prometheus and the Loki fake are killed in turn and started again. PRIVATE
 * instances (ports 19290/19293, the Loki fake on a free port): the harness's are never touched.
 */
import assert from 'node:assert/strict';
import { AlertmanagerClient } from '../../src/clients/alertmanagerClient';
import { BackendError } from '../../src/clients/http';
import { LokiClient } from '../../src/clients/lokiClient';
import type { TailStatus } from '../../src/clients/lokiTail';
import { PrometheusClient } from '../../src/clients/prometheusClient';
import type { RealmAlert } from '../../src/core/alerts';
import { memoryLogger } from '../support/memoryLogger';
import { AlertStore, AlertStoreChange } from '../../src/state/alertStore';
import { FakeLoki } from '../fakes/lokiFake';
import { getJson, PrivateStack, recordUnhandledRejections, waitFor } from './faultsSupport';
import { tailLines } from '../support/tailLines';

const PORTS = { prometheus: 19290, alertmanager: 19293, webhook: 19294, deadTargets: [19295, 19296] as [number, number] };
const POLL_MS = 300;

describe('Faults: Alertmanager, Prometheus and Loki are killed in turn', function () {
  this.timeout(150_000);
  const stack = new PrivateStack('/tmp/rf-stack', process.env.REALM_IT_FIXTURES ?? `${__dirname}/../../../test/fixtures/it-stack`, PORTS, '10s');
  const logger = memoryLogger(process.env.REALM_FAULTS_DEBUG === '1');
  const rejections = recordUnhandledRejections();
  const prometheus = new PrometheusClient({ baseUrl: stack.prometheusUrl });
  const alertmanager = new AlertmanagerClient({ baseUrl: stack.alertmanagerUrl });
  let store: AlertStore;
  const criticalFires: RealmAlert[][] = [];
  const changes: AlertStoreChange[] = [];
  /** The alerts the dead scrape targets raise: they fire for as long as the suite runs. */
  const critical = (alerts: readonly RealmAlert[]) => alerts.filter((a) => a.severity === 'critical' && a.state === 'firing');
  const warnings = (from: number) => logger.lines.slice(from).filter((l) => l.startsWith('[warn]') || l.startsWith('[error]'));

  before(async function () {
    stack.prepare();
    await stack.startAlertmanager();
    await stack.startPrometheus();
    // Prometheus scrapes nothing for ≈5 s after start, then the dead targets' alerts fire (for: 2–3 s)
    await waitFor(
      "Alertmanager to list the dead targets' critical alerts",
      async () => {
        const alerts = await getJson<Array<{ labels: Record<string, string> }>>(`${stack.alertmanagerUrl}/api/v2/alerts`);
        return alerts.filter((a) => a.labels.severity === 'critical').length >= 4;
      },
      60_000,
      250,
    );
    store = new AlertStore({ alertmanager, prometheus }, { logger, intervalMs: POLL_MS, failuresBeforeUnreachable: 3, requestTimeoutMs: 2_000 });
    store.setVisible(true);
    store.onDidChange((c) => changes.push(c));
    store.onDidFireCritical((a) => criticalFires.push(a));
    await waitFor('the store to show the critical alerts', () => store.snapshot.status === 'ok' && critical(store.snapshot.alerts).length >= 4, 30_000);
    assert.equal(criticalFires.length, 1, 'one critical notification for the alerts already firing');
  });

  afterEach(async function () {
    // a failed test must not leave the next one without its backends
    if (!stack.alertmanager?.running) await stack.startAlertmanager();
    if (!stack.prometheus?.running) await stack.startPrometheus();
  });

  after(async function () {
    store?.dispose();
    rejections.dispose();
    await stack.stopAll();
  });

  it('Alertmanager killed: unreachable after the retries (Prometheus stands in), one warning, no second notification after it returns', async () => {
    const from = logger.lines.length;
    const firesBefore = criticalFires.length;
    const keys = critical(store.snapshot.alerts)
      .map((a) => a.name + a.labels.instance)
      .sort();
    const killedAt = Date.now();
    await stack.alertmanager!.stop('SIGKILL');
    await waitFor('status unreachable', () => store.snapshot.status === 'unreachable', 20_000, 20);
    const detectedMs = Date.now() - killedAt;
    assert.ok(store.snapshot.fallback, 'Prometheus stands in for the firing alerts');
    assert.deepEqual(
      critical(store.snapshot.alerts)
        .map((a) => a.name + a.labels.instance)
        .sort(),
      keys,
      'the same alerts stay shown',
    );
    const polls = changes.length;
    await waitFor(
      'a few more failed polls',
      () => logger.lines.slice(from).filter((l) => l.startsWith('[debug]')).length >= 2 && Date.now() - killedAt > detectedMs + 4 * POLL_MS,
      20_000,
    );
    assert.equal(changes.length, polls, 'no change events while it stays down');

    const restartedAt = Date.now();
    const changesAtRestart = changes.length;
    await stack.startAlertmanager();
    await waitFor('status ok again', () => store.snapshot.status === 'ok', 30_000, 20);
    const okMs = Date.now() - restartedAt;
    // a restarted Alertmanager knows no alerts until Prometheus re-sends them (resend delay 10 s)
    await waitFor(
      'Alertmanager to list the alerts again',
      () => critical(store.snapshot.alerts).filter((a) => a.source === 'alertmanager').length >= keys.length,
      40_000,
    );
    const fullMs = Date.now() - restartedAt;
    console.log(`      AM: unreachable shown ${detectedMs} ms after SIGKILL; ok ${okMs} ms after restart; its alerts back ${fullMs} ms after restart`);
    assert.deepEqual(
      critical(store.snapshot.alerts)
        .map((a) => a.name + a.labels.instance)
        .sort(),
      keys,
    );
    const w = warnings(from);
    assert.equal(w.length, 1, `one warning per outage:\n${w.join('\n')}`);
    assert.match(w[0], /Alertmanager unreachable/);
    const resolved = changes.slice(changesAtRestart).flatMap((c) => c.resolved);
    assert.deepEqual(
      resolved.map((a) => a.name),
      [],
      'nothing looked resolved while the restarted Alertmanager relearned its alerts',
    );
    assert.equal(
      criticalFires.length,
      firesBefore,
      `no new critical notification for alerts that never stopped firing: ${JSON.stringify(criticalFires.slice(firesBefore).map((b) => b.map((a) => a.name)))}`,
    );
    assert.deepEqual(rejections.reasons, []);
  });

  it('Prometheus killed: its queries fail as unreachable, one warning, the alerts stay; all back when it returns', async () => {
    const from = logger.lines.length;
    const firesBefore = criticalFires.length;
    const keys = critical(store.snapshot.alerts)
      .map((a) => a.key)
      .sort();
    const killedAt = Date.now();
    await stack.prometheus!.stop('SIGKILL');
    await waitFor('the store to count Prometheus unreachable', () => store.snapshot.prometheusReachable === false, 20_000, 20);
    const detectedMs = Date.now() - killedAt;
    await assert.rejects(prometheus.query('up'), (e: unknown) => e instanceof BackendError && e.kind === 'unreachable' && e.backend === 'prometheus');
    assert.equal(store.snapshot.status, 'ok', 'Alertmanager still answers');
    assert.deepEqual(
      critical(store.snapshot.alerts)
        .map((a) => a.key)
        .sort(),
      keys,
      'Alertmanager keeps the firing alerts',
    );
    await waitFor('a few more failed polls', () => Date.now() - killedAt > detectedMs + 4 * POLL_MS, 20_000);

    const restartedAt = Date.now();
    await stack.startPrometheus();
    await waitFor('Prometheus reachable in the store again', () => store.snapshot.prometheusReachable === true, 30_000, 20);
    const backMs = Date.now() - restartedAt;
    // it evaluates the rules again once it scrapes (≈5 s after start): the same alerts, no new ones
    await waitFor(
      'Prometheus to evaluate its rules again',
      async () => (await prometheus.alerts()).filter((a) => a.state === 'firing').length >= 3,
      40_000,
      250,
    );
    await waitFor('two more polls', () => store.snapshot.lastSuccessAt! > Date.now() - POLL_MS && Date.now() - restartedAt > backMs + 2 * POLL_MS, 10_000);
    console.log(
      `      Prometheus: unreachable counted ${detectedMs} ms after SIGKILL; reachable ${backMs} ms after restart; firing again ${Date.now() - restartedAt} ms after restart`,
    );
    const w = warnings(from);
    assert.equal(w.length, 1, `one warning per outage:\n${w.join('\n')}`);
    assert.match(w[0], /Prometheus unreachable/);
    assert.deepEqual(
      critical(store.snapshot.alerts)
        .map((a) => a.key)
        .sort(),
      keys,
    );
    assert.equal(criticalFires.length, firesBefore, 'no new critical notification');
    assert.deepEqual(rejections.reasons, []);
  });

  it('Loki fake killed: the tail says reconnecting, queries fail as unreachable; it resumes without losing lines', async () => {
    const loki = new FakeLoki();
    await loki.start();
    const client = new LokiClient({ baseUrl: loki.url, timeoutMs: 2_000 });
    const labels = { job: 'faults', service: 'web' };
    const t0 = BigInt(Date.now()) * 1_000_000n;
    loki.ingest(labels, [[String(t0), 'before the outage']]);
    const tail = client.tail({ query: '{job="faults"}', baseDelayMs: 200, maxDelayMs: 1_000, startNs: String(t0 - 1_000_000n) });
    const statuses: TailStatus[] = [];
    tail.onStatus((s) => statuses.push(s));
    const got = tailLines(tail);
    try {
      await waitFor('the tail to connect and replay', () => tail.status.state === 'connected' && got.length === 1, 20_000);
      const killedAt = Date.now();
      await loki.stop();
      await waitFor('tail: reconnecting', () => tail.status.state === 'reconnecting', 10_000, 10);
      const detectedMs = Date.now() - killedAt;
      await assert.rejects(client.labels(), (e: unknown) => e instanceof BackendError && e.kind === 'unreachable' && e.backend === 'loki');
      await waitFor('a few failed reconnects', () => tail.status.attempt >= 3, 20_000);
      assert.ok(tail.status.message && /retrying/.test(tail.status.message), tail.status.message);

      // lines written while the tail was away are replayed from where it stopped
      loki.ingest(labels, [[String(BigInt(Date.now()) * 1_000_000n), 'during the outage']]);
      const restartedAt = Date.now();
      await loki.start();
      await waitFor('tail: connected again', () => tail.status.state === 'connected', 20_000, 10);
      const backMs = Date.now() - restartedAt;
      await waitFor('the missed line', () => got.includes('during the outage'), 10_000);
      loki.ingest(labels, [[String(BigInt(Date.now()) * 1_000_000n), 'after the outage']]);
      await waitFor('a live line', () => got.includes('after the outage'), 10_000);
      assert.deepEqual(got, ['before the outage', 'during the outage', 'after the outage'], 'nothing lost, nothing repeated');
      assert.deepEqual(await client.labels(), ['job', 'service']);
      console.log(`      Loki: tail reconnecting ${detectedMs} ms after the kill; connected ${backMs} ms after restart`);
      const lost = statuses.filter((s, i) => s.state === 'reconnecting' && statuses[i - 1]?.state === 'connected');
      assert.equal(lost.length, 1, 'one "connection lost" transition per outage');
      assert.ok(!statuses.some((s) => s.state === 'disconnected'), 'it never gave up');
      assert.deepEqual(rejections.reasons, []);
    } finally {
      tail.dispose();
      await loki.stop();
    }
  });
});
