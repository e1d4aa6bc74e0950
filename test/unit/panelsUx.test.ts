/**
 * Issue 13, the panels' extension side (plain Node, vscode shimmed): Loki paged past its 5,000-line
 * limit, the services the examples name, an empty Loki told from an empty result, backends that are
 * down said in plain words, and the label pickers' selector editing.
 */
import './support/vscodeShim';
import assert from 'node:assert/strict';
import { BackendError } from '../../src/clients/http';
import { LokiClient } from '../../src/clients/lokiClient';
import { memoryLogger } from '../support/memoryLogger';
import { findSelector, matcherValue, setMatcher } from '../../src/shared/logqlSelector';
import type { ExtensionMessage } from '../../src/shared/protocol';
import { isWebviewMessage } from './support/anyPanelMessage';
import { LogsPanels } from '../../src/webviews/logsPanel';
import { queryPaged } from '../../src/webviews/logsPaging';
import { MetricsPanels } from '../../src/webviews/metricsPanel';
import { FakeLoki } from '../fakes/lokiFake';
import { fakePanel, fakeUri } from './support/fakePanel';

const T0 = 1_765_000_000_000_000_000n; // ns
const RANGE = { kind: 'absolute' as const, startMs: Number(T0 / 1_000_000n) - 1000, endMs: Number(T0 / 1_000_000n) + 3_600_000 };

/** 12,000 lines over three services; timestamps repeat in bursts of 7 (as a busy service logs), so pages end mid-burst. */
function ingestBusy(loki: FakeLoki): void {
  for (const [s, service] of ['web', 'worker', 'db'].entries()) {
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < 4000; i++) entries.push([(T0 + BigInt(Math.floor(i / 7) * 1_000_000 + s)).toString(), `${service} line ${i}`]);
    loki.ingest({ compose_service: service, job: 'docker' }, entries);
  }
}

async function waitFor<T>(read: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Panels UX (issue 13): extension side', function () {
  this.timeout(30_000);
  let loki: FakeLoki;
  let client: LokiClient;
  beforeEach(async () => {
    loki = new FakeLoki();
    await loki.start();
    client = new LokiClient({ baseUrl: loki.url, timeoutMs: 5_000 });
  });
  afterEach(async () => {
    await loki.stop();
  });

  it('the Loki fake refuses a limit over 5,000 as Loki does', async () => {
    await assert.rejects(
      client.queryRange({ query: '{job="docker"}', startNs: '0', endNs: (T0 * 2n).toString(), limit: 5001 }),
      /max entries limit per query exceeded, limit > max_entries_limit \(5001 > 5000\)/,
    );
  });

  it("pages past Loki's 5,000-line limit: every line once, none lost at a page boundary", async () => {
    ingestBusy(loki);
    for (const direction of ['backward', 'forward'] as const) {
      const res = await queryPaged(client, {
        query: '{job="docker"}',
        startNs: (T0 - 1n).toString(),
        endNs: (T0 + 3_600_000_000_000n).toString(),
        limit: 100_000,
        direction,
      });
      assert.equal(res.resultType, 'streams');
      const lines = res.resultType === 'streams' ? res.streams.flatMap((s) => s.entries.map(([, l]) => l)) : [];
      assert.equal(lines.length, 12_000, `${direction}: all 12,000 lines`);
      assert.equal(new Set(lines).size, 12_000, `${direction}: none twice`);
    }
    const limits = loki.requests.filter((r) => r.path === '/loki/api/v1/query_range').length;
    assert.ok(limits >= 6, `read in pages (${limits} requests)`);
    const some = await queryPaged(client, {
      query: '{job="docker"}',
      startNs: (T0 - 1n).toString(),
      endNs: (T0 + 3_600_000_000_000n).toString(),
      limit: 7_500,
      direction: 'backward',
    });
    const newest = some.resultType === 'streams' ? some.streams.flatMap((s) => s.entries) : [];
    assert.equal(newest.length, 7_500, 'stops at the limit');
    assert.ok(
      newest.every(([ts]) => BigInt(ts) >= T0 + 213_000_000n),
      'the newest lines',
    );
  });

  it("Logs panel: names the workspace's services, reads 12,000 lines in one search, pages on from the oldest, and tells an empty Loki", async () => {
    const panels = new LogsPanels({
      extensionUri: fakeUri('/ext'),
      logger: memoryLogger(),
      loki: () => client,
      grafana: () => ({ url: '', lokiUid: 'l' }),
      services: () => ['web', 'worker', 'web', 'prometheus'],
    });
    const fake = fakePanel();
    panels.revive(fake.panel);
    const result = (id: number) =>
      waitFor(
        () => fake.posted.find((m): m is Extract<ExtensionMessage, { type: 'logsResult' }> => m.type === 'logsResult' && m.requestId === id),
        `result ${id}`,
      );
    try {
      await fake.receive({ type: 'ready' });
      assert.deepEqual(
        fake.posted.find((m) => m.type === 'services'),
        { type: 'services', names: ['web', 'worker', 'prometheus'] },
      );

      await fake.receive({ type: 'runLogsQuery', requestId: 1, query: '{job="docker"}', range: RANGE, limit: 1000, direction: 'backward' });
      const empty = await result(1);
      assert.equal(empty.lokiEmpty, true, 'Loki holds nothing at all: the panel hints at Promtail');

      ingestBusy(loki);
      await fake.receive({ type: 'runLogsQuery', requestId: 2, query: '{compose_service="nothing"}', range: RANGE, limit: 1000, direction: 'backward' });
      assert.equal((await result(2)).lokiEmpty, undefined, 'Loki has logs, this query matches none: no Promtail hint');

      await fake.receive({ type: 'runLogsQuery', requestId: 3, query: '{job="docker"}', range: RANGE, limit: 8000, direction: 'backward' });
      const first = await result(3);
      const firstLines = first.streams.flatMap((s) => s.entries);
      assert.equal(firstLines.length, 8000, 'a limit over 5,000 is read in pages, not refused');
      assert.equal(first.truncated, true);
      const oldest = firstLines.map((e) => e.tsNs).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];

      await fake.receive({ type: 'runLogsQuery', requestId: 4, query: '{job="docker"}', range: RANGE, limit: 8000, direction: 'backward', cursorNs: oldest });
      const older = await result(4);
      assert.equal(older.cursorNs, oldest, 'the page says where it continues');
      const olderLines = older.streams.flatMap((s) => s.entries.map((e) => e.line));
      assert.ok(
        older.streams.flatMap((s) => s.entries).every((e) => BigInt(e.tsNs) <= BigInt(oldest)),
        'only lines at or before the oldest shown',
      );
      const all = new Set([...firstLines.map((e) => e.line), ...olderLines]);
      assert.equal(all.size, 12_000, 'together: every line (the webview drops the repeats at the boundary timestamp)');
    } finally {
      panels.dispose();
    }
  });

  it('says a backend that is down in plain words with the fix, not "ECONNREFUSED"', async () => {
    await loki.stop();
    const panels = new LogsPanels({ extensionUri: fakeUri('/ext'), logger: memoryLogger(), loki: () => client, grafana: () => ({ url: '', lokiUid: 'l' }) });
    const fake = fakePanel();
    panels.revive(fake.panel);
    try {
      await fake.receive({ type: 'ready' });
      await fake.receive({ type: 'runLogsQuery', requestId: 1, query: '{job="x"}', range: RANGE, limit: 10, direction: 'backward' });
      const error = await waitFor(() => fake.posted.find((m): m is Extract<ExtensionMessage, { type: 'logsError' }> => m.type === 'logsError'), 'the error');
      assert.equal(
        error.message,
        `Loki is not reachable at ${loki.url} (connection refused). Start the stack (Realm: Stack Up) or point realm.lokiUrl at a running Loki.`,
      );
    } finally {
      panels.dispose();
    }

    const metrics = new MetricsPanels({
      extensionUri: fakeUri('/ext'),
      logger: memoryLogger(),
      grafana: () => ({ url: '', prometheusUid: 'p' }),
      prometheus: () => ({
        baseUrl: 'http://127.0.0.1:9090',
        queryRange: async () => {
          throw new BackendError(
            'prometheus',
            'unreachable',
            'http://127.0.0.1:9090/api/v1/query_range',
            'prometheus is unreachable at http://127.0.0.1:9090: ECONNREFUSED',
          );
        },
        labelValues: async () => [],
      }),
    });
    const mfake = fakePanel();
    metrics.revive(mfake.panel);
    try {
      await mfake.receive({ type: 'ready' });
      await mfake.receive({ type: 'runMetricsQuery', requestId: 1, panelId: 'preset-up', query: 'up', range: { kind: 'relative', last: '1h' } });
      const err = await waitFor(
        () => mfake.posted.find((m): m is Extract<ExtensionMessage, { type: 'metricsError' }> => m.type === 'metricsError'),
        'the metrics error',
      );
      assert.deepEqual(
        { message: err.message, unreachable: err.unreachable },
        { message: 'Prometheus is not reachable at http://127.0.0.1:9090 (connection refused).', unreachable: true },
      );
    } finally {
      metrics.dispose();
    }
  });

  it('edits the typed selector in place: one matcher per label, reflected and removable', () => {
    assert.equal(setMatcher('{compose_service="worker"} |= "x"', 'compose_service', 'web'), '{compose_service="web"} |= "x"', 'replaced, not appended');
    assert.equal(setMatcher('{job="docker", compose_service=~"w.*"}', 'compose_service', 'web'), '{job="docker", compose_service="web"}');
    assert.equal(setMatcher('{job="docker"}', 'compose_service', 'web'), '{job="docker", compose_service="web"}');
    assert.equal(setMatcher('{job="docker", compose_service="web"} != "health"', 'compose_service', undefined), '{job="docker"} != "health"');
    assert.equal(setMatcher('', 'compose_service', 'a"b'), '{compose_service="a\\"b"}');
    assert.equal(setMatcher('|= "error"', 'compose_service', 'web'), '{compose_service="web"} |= "error"');
    assert.equal(setMatcher('{job="doc', 'job', 'x'), undefined, 'a selector still being typed is not guessed at');
    assert.equal(matcherValue('{compose_service="worker", job=`raw\\n`}', 'compose_service'), 'worker');
    assert.equal(matcherValue('{compose_service=~"w.*"}', 'compose_service'), undefined, 'only equality shows as the picked value');
    assert.deepEqual(
      findSelector('{a="x}y", b!~"z"} |= "}"')?.matchers.map((m) => [m.name, m.op, m.value]),
      [
        ['a', '=', 'x}y'],
        ['b', '!~', 'z'],
      ],
    );
  });

  it('accepts only the fixed panel commands and digit cursors', () => {
    assert.equal(isWebviewMessage({ type: 'runCommand', command: 'stackUp' }), true);
    assert.equal(isWebviewMessage({ type: 'runCommand', command: 'workbench.action.quit' }), false);
    const run = { type: 'runLogsQuery', requestId: 1, query: '{a="b"}', range: { kind: 'relative', last: '1h' }, limit: 10, direction: 'backward' };
    assert.equal(isWebviewMessage({ ...run, cursorNs: '1765000000000000000' }), true);
    assert.equal(isWebviewMessage({ ...run, cursorNs: '1e9' }), false);
  });
});
