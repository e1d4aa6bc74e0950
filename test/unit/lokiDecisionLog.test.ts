import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { LokiClient } from '../../src/clients/lokiClient';
import { AuditTrail, NewAuditEntry } from '../../src/healer/auditTrail';
import { LOKI_SENT_KEY, LokiDecisionLog, LokiDecisionLogOptions } from '../../src/healer/lokiDecisionLog';
import { FakeClock } from '../support/fakeClock';
import { memoryLogger } from '../support/memoryLogger';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { FakeLoki } from '../fakes/lokiFake';
import { parseLogQL } from '../fakes/logqlFake';
import { waitUntil } from '../support/waitFor';

// The healer's decisions in Loki (issue 11), against the FAKE Loki (test/fakes/lokiFake.ts).
const DASHBOARD = path.resolve(__dirname, '../../../stack/grafana/dashboards/realm-observability.json');
const alert = { kind: 'alert' as const, alertname: 'ArcanumNeedsRestart', fingerprint: '3f2a9c0d11', startsAt: '2026-01-01T00:00:00Z' };
const die = { kind: 'event' as const, event: 'die' as const, containerId: 'c1', containerName: 'app-worker-1', time: 1, exitCode: 137 };
const decisions: NewAuditEntry[] = [
  { trigger: alert, service: 'app/arcanum', action: 'restart', outcome: 'done', detail: 'restarted 1 container', durationMs: 210 },
  { trigger: die, service: 'app/worker', action: 'restart', outcome: 'failed', detail: 'engine said no', durationMs: 12 },
  {
    trigger: { ...alert, alertname: 'Mystery' },
    action: 'restart',
    outcome: 'skipped',
    reason: 'not-watched',
    detail: '"ghost" is not a service of the watched projects',
    durationMs: 0,
  },
];

interface Setup {
  clock: FakeClock;
  audit: AuditTrail;
  log: LokiDecisionLog;
  logger: ReturnType<typeof memoryLogger>;
  state: InMemoryMemento;
}
const disposables: Array<{ dispose(): void } | { stop(): Promise<void> }> = [];

function setup(url: string, extra: Partial<LokiDecisionLogOptions> = {}, state = new InMemoryMemento(), audit?: AuditTrail): Setup {
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 12));
  const logger = memoryLogger();
  audit ??= new AuditTrail(new InMemoryMemento(), clock);
  const client = new LokiClient({ baseUrl: url, timeoutMs: 5_000 });
  const log = new LokiDecisionLog({
    decisions: audit.onDidChange,
    loki: () => client,
    clock,
    logger,
    retryMinMs: 20,
    retryMaxMs: 100,
    state,
    backlog: () => audit!.entries(),
    ...extra,
  });
  disposables.push(log);
  return { clock, audit, log, logger, state };
}

/** Every healer line the fake holds, with its labels (range around the fake clock's time). */
async function healerLines(loki: FakeLoki): Promise<Array<{ labels: Record<string, string>; line: string; ts: string }>> {
  const client = new LokiClient({ baseUrl: loki.url });
  const from = BigInt(Date.UTC(2026, 11, 1)) * 1_000_000n;
  const r = await client.queryRange({
    query: '{job="realm-healer"}',
    startNs: from.toString(),
    endNs: (from + 86_400_000_000_000n).toString(),
    limit: 5000,
    direction: 'forward',
  });
  assert.equal(r.resultType, 'streams');
  return r.resultType === 'streams' ? r.streams.flatMap((s) => s.entries.map(([ts, line]) => ({ labels: s.labels, line, ts }))) : [];
}

async function startLoki(): Promise<FakeLoki> {
  const loki = new FakeLoki();
  await loki.start();
  disposables.push(loki);
  return loki;
}

describe('LokiDecisionLog: the healer writes each decision to Loki', () => {
  afterEach(async () => {
    for (const d of disposables.splice(0)) await ('stop' in d ? d.stop() : d.dispose());
  });

  it('pushes one JSON line per decision with job, compose_project, compose_service, action and outcome labels', async () => {
    const loki = await startLoki();
    const { audit } = setup(loki.url);
    for (const d of decisions) await audit.record(d);
    const lines = await waitUntil('3 healer lines in Loki', async () => ((await healerLines(loki)).length === 3 ? healerLines(loki) : undefined), 10_000);
    assert.ok(loki.requests.some((r) => r.method === 'POST' && r.path === '/loki/api/v1/push'));
    const byOutcome = Object.fromEntries(lines.map((l) => [l.labels.outcome, l]));
    assert.deepEqual(byOutcome.done.labels, { job: 'realm-healer', compose_project: 'app', compose_service: 'arcanum', action: 'restart', outcome: 'done' });
    assert.deepEqual(byOutcome.failed.labels, { job: 'realm-healer', compose_project: 'app', compose_service: 'worker', action: 'restart', outcome: 'failed' });
    assert.deepEqual(byOutcome.skipped.labels, { job: 'realm-healer', action: 'restart', outcome: 'skipped' }, 'no service: no compose_* labels');
    const done = JSON.parse(byOutcome.done.line);
    assert.equal(done.service, 'app/arcanum');
    assert.equal(done.alertname, 'ArcanumNeedsRestart');
    assert.equal(done.detail, 'restarted 1 container');
    assert.equal(done.durationMs, 210);
    assert.equal(done.time, '2026-12-01T12:00:00.000Z');
    assert.equal(JSON.parse(byOutcome.failed.line).exitCode, 137);
    assert.equal(JSON.parse(byOutcome.skipped.line).reason, 'not-watched');
    assert.equal(new Set(lines.map((l) => l.ts)).size, 3, 'same-millisecond decisions get distinct timestamps');
  });

  it("the dashboard's self-healing panels are LogQL that counts and lists exactly these lines", async () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
      panels: Array<{ title: string; datasource: { type: string }; targets: Array<{ expr: string }> }>;
    };
    const panel = (title: string) => dashboard.panels.find((p) => p.title === title)!;
    const count = panel('Self-healing actions');
    const list = panel('Self-healing decisions');
    assert.equal(count.datasource.type, 'loki');
    assert.equal(list.datasource.type, 'loki');
    // Grafana fills $__interval; LogQL itself must parse
    const countQuery = count.targets[0].expr.replace(/\$__interval/g, '5m');
    const parsedCount = parseLogQL(countQuery);
    assert.equal(parsedCount.kind, 'metric');
    assert.deepEqual(parsedCount.kind === 'metric' && parsedCount.metric.sumBy, ['action', 'outcome']);
    assert.equal(parseLogQL(list.targets[0].expr).kind, 'log');

    const loki = await startLoki();
    const { audit } = setup(loki.url);
    for (const d of [...decisions, decisions[0]]) await audit.record(d);
    await waitUntil('4 healer lines', async () => (await healerLines(loki)).length === 4, 10_000);
    const client = new LokiClient({ baseUrl: loki.url });
    const at = BigInt(Date.UTC(2026, 11, 1, 12, 1)) * 1_000_000n;
    const r = await client.queryRange({ query: countQuery, startNs: at.toString(), endNs: at.toString(), stepSeconds: 60 });
    assert.equal(r.resultType, 'matrix');
    const counts = r.resultType === 'matrix' ? Object.fromEntries(r.series.map((s) => [`${s.metric.action}/${s.metric.outcome}`, s.values[0][1]])) : {};
    assert.deepEqual(counts, { 'restart/done': '2', 'restart/failed': '1', 'restart/skipped': '1' });
    const listed = await client.queryRange({ query: list.targets[0].expr, startNs: (at - 600_000_000_000n).toString(), endNs: at.toString() });
    assert.equal(listed.resultType === 'streams' && listed.streams.reduce((n, s) => n + s.entries.length, 0), 4);
  });

  it("shows the healer's decisions beside the service's own lines in the Logs panel's query for that service", async () => {
    const loki = await startLoki();
    const { audit } = setup(loki.url);
    const at = Date.UTC(2026, 11, 1, 12);
    // a line Promtail shipped for the same service (its labels as promtail.yaml sets them)
    loki.ingest({ container: 'app-arcanum-1', compose_project: 'app', compose_service: 'arcanum', stream: 'stderr', level: 'error' }, [
      [String(BigInt(at - 1000) * 1_000_000n), 'panic: out of memory'],
    ]);
    await audit.record(decisions[0]);
    await waitUntil('the decision in Loki', async () => (await healerLines(loki)).length === 1, 10_000);
    const client = new LokiClient({ baseUrl: loki.url });
    // what the Logs panel opens for a service node (src/webviews/logsPanel.ts)
    const r = await client.queryRange({
      query: '{compose_service="arcanum"}',
      startNs: String(BigInt(at - 60_000) * 1_000_000n),
      endNs: String(BigInt(at + 60_000) * 1_000_000n),
      direction: 'forward',
    });
    const lines = r.resultType === 'streams' ? r.streams.flatMap((x) => x.entries.map(([, line]) => line)) : [];
    assert.equal(lines.length, 2);
    assert.equal(lines[0], 'panic: out of memory');
    assert.equal(JSON.parse(lines[1]).action, 'restart');
  });

  it('keeps decisions while Loki is down, retries, and delivers each exactly once when it is back', async () => {
    const loki = await startLoki();
    await loki.stop();
    const { audit, log, logger } = setup(loki.url);
    for (let i = 0; i < 5; i++) await audit.record({ ...decisions[0], detail: `attempt ${i}` });
    await waitUntil('a warning that Loki is unreachable', () => logger.lines.some((l) => l.includes('cannot write healer decisions to Loki')), 10_000);
    assert.equal(log.pending, 5);
    await audit.record({ ...decisions[1], detail: 'during the outage' });
    await loki.start();
    await log.drained();
    const lines = await waitUntil('6 lines after Loki came back', async () => ((await healerLines(loki)).length >= 6 ? healerLines(loki) : undefined), 10_000);
    const details = lines.map((l) => JSON.parse(l.line).detail).sort();
    assert.deepEqual(details, ['attempt 0', 'attempt 1', 'attempt 2', 'attempt 3', 'attempt 4', 'during the outage']);
    assert.equal(logger.lines.filter((l) => l.includes('cannot write')).length, 1);
    assert.ok(logger.lines.some((l) => l.includes('accepts healer decisions again')));
  });

  it('never delays a decision: recording returns at once while a push hangs, and a broken Loki setting throws nothing', async () => {
    const hanging: http.ServerResponse[] = [];
    const server = http.createServer((_req, res) => {
      hanging.push(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    disposables.push({
      stop: () =>
        new Promise<void>((resolve) => {
          for (const r of hanging) r.destroy();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    });
    const { audit, log } = setup(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { timeoutMs: 30_000 });
    await audit.record(decisions[0]);
    await waitUntil('a push in flight', () => hanging.length === 1, 10_000);
    const started = performance.now();
    for (let i = 0; i < 200; i++) await audit.record({ ...decisions[1], detail: `while hanging ${i}` });
    const elapsed = performance.now() - started;
    // every record resolved while the one push is still unanswered: nothing waited for Loki
    assert.equal(hanging.length, 1);
    assert.ok(!hanging[0].writableEnded, 'the push is still hanging');
    assert.ok(elapsed < 5_000, `200 decisions took ${elapsed.toFixed(0)} ms to record while Loki hangs`);
    assert.equal(log.pending, 201);

    const broken = setup('http://127.0.0.1:1', {
      loki: () => {
        throw new Error('realm.lokiUrl is not a valid URL');
      },
    });
    await broken.audit.record(decisions[0]);
    await waitUntil(
      'the failure logged, the decision kept',
      () => broken.logger.lines.some((l) => l.includes('not a valid URL')) && broken.log.pending === 1,
      10_000,
    );
  });

  it('never ships credentials: URL user-info, Authorization, password= pairs and known secrets are masked', async () => {
    const loki = await startLoki();
    const { audit } = setup(loki.url, { knownSecrets: () => ['S3cretGrafanaPw'] });
    await audit.record({
      ...decisions[1],
      detail: 'GET http://admin:hunter22@grafana:3000/api failed; authorization: Bearer abcdefghijkl; password=swordfish1 token=tok123456; S3cretGrafanaPw',
    });
    const [line] = await waitUntil('the line', async () => ((await healerLines(loki)).length ? healerLines(loki) : undefined), 10_000);
    for (const secret of ['hunter22', 'abcdefghijkl', 'swordfish1', 'tok123456', 'S3cretGrafanaPw'])
      assert.ok(!line.line.includes(secret), `${secret} leaked: ${line.line}`);
    assert.match(JSON.parse(line.line).detail, /http:\/\/\[redacted\]@grafana:3000\/api failed/);
  });

  it('resends after a reload what Loki never got, and nothing it already has', async () => {
    const loki = await startLoki();
    await loki.stop();
    const state = new InMemoryMemento();
    const first = setup(loki.url, {}, state);
    for (const d of decisions) await first.audit.record(d);
    assert.equal(first.log.pending, 3);
    first.log.dispose(); // window reloaded while Loki was down
    await loki.start();
    const second = setup(loki.url, {}, state, first.audit);
    assert.equal(second.log.pending, 3);
    await waitUntil('3 lines', async () => (await healerLines(loki)).length === 3, 10_000);
    await second.log.drained();
    assert.equal(state.get<{ id: string }>(LOKI_SENT_KEY)?.id, first.audit.entries()[2].id);
    const third = setup(loki.url, {}, state, first.audit);
    assert.equal(third.log.pending, 0, 'already delivered: not sent again');
  });

  it('bounds the queue while Loki is down (oldest dropped, one warning) and drops what Loki refuses as content', async () => {
    const loki = await startLoki();
    await loki.stop();
    const { audit, log, logger } = setup(loki.url, { maxBuffered: 3 });
    for (let i = 0; i < 5; i++) await audit.record({ ...decisions[0], detail: `n${i}` });
    assert.equal(log.pending, 3);
    assert.equal(logger.lines.filter((l) => l.includes('dropping the oldest')).length, 1);
    await loki.start();
    await waitUntil(
      'the 3 newest',
      async () =>
        (await healerLines(loki))
          .map((l) => JSON.parse(l.line).detail)
          .sort()
          .join() === 'n2,n3,n4',
      10_000,
    );

    const refusing = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('entry for stream has timestamp too old\n');
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    disposables.push({ stop: () => new Promise<void>((resolve) => refusing.close(() => resolve())) });
    const r = setup(`http://127.0.0.1:${(refusing.address() as AddressInfo).port}`);
    await r.audit.record(decisions[0]);
    await waitUntil('refused and dropped', () => r.log.pending === 0 && r.logger.lines.some((l) => l.includes('Loki refused 1 decision')), 10_000);
  });
});
