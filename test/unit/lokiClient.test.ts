import assert from 'node:assert/strict';
import { BackendError, LokiClient, msToNs } from '../../src/clients/lokiClient';
import type { LokiTail, TailStatus } from '../../src/clients/lokiTail';
import { FakeLoki } from '../fakes/lokiFake';
import { tailLines } from '../support/tailLines';

/** Resolves when `predicate` holds, checking after each event of `subscribe`; fails after `ms`. */
function until(subscribe: (fire: () => void) => { dispose(): void }, predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const sub = subscribe(() => {
      if (predicate()) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}
const tailEvent = (tail: LokiTail) => (fire: () => void) => {
  const a = tail.onStatus(fire);
  const b = tail.onEntries(fire);
  return {
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
};

const nowNs = (offsetMs = 0) => msToNs(Date.now() + offsetMs);

describe('LokiClient against the fake Loki', () => {
  let loki: FakeLoki;
  let client: LokiClient;
  const tails: LokiTail[] = [];

  beforeEach(async () => {
    loki = new FakeLoki();
    await loki.start();
    client = new LokiClient({ baseUrl: loki.url, timeoutMs: 5_000 });
  });
  afterEach(async () => {
    for (const t of tails.splice(0)) t.dispose();
    await loki.stop();
  });

  it('pushes lines and reads them back with query_range as streams, newest first, within the limit', async () => {
    const t0 = Date.now() - 60_000;
    await client.push([
      {
        labels: { compose_service: 'api', level: 'info' },
        entries: [
          [msToNs(t0), 'GET / 200'],
          [msToNs(t0 + 1000), 'GET /x 500'],
        ],
      },
      { labels: { compose_service: 'web' }, entries: [[msToNs(t0 + 2000), 'hello']] },
    ]);
    const result = await client.queryRange({ query: '{compose_service="api"}', startNs: msToNs(t0 - 1000), endNs: nowNs(), limit: 10, direction: 'backward' });
    assert.equal(result.resultType, 'streams');
    if (result.resultType !== 'streams') return;
    assert.deepEqual(
      result.streams.map((s) => s.labels.compose_service),
      ['api'],
    );
    assert.deepEqual(
      result.streams[0].entries.map((e) => e[1]),
      ['GET /x 500', 'GET / 200'],
    );
    assert.equal(typeof result.streams[0].entries[0][0], 'string', 'timestamps stay nanosecond strings');
    const limited = await client.queryRange({
      query: '{compose_service=~"api|web"} |= "GET"',
      startNs: msToNs(t0 - 1000),
      endNs: nowNs(),
      limit: 1,
      direction: 'forward',
    });
    assert.ok(limited.resultType === 'streams');
    assert.deepEqual(
      limited.streams.flatMap((s) => s.entries.map((e) => e[1])),
      ['GET / 200'],
    );
  });

  it('returns a matrix for count_over_time and rate, grouped by label', async () => {
    const base = Date.now() - 30_000;
    loki.ingest(
      { compose_service: 'api' },
      [0, 1, 2, 3].map((i) => [msToNs(base + i * 100), `line ${i}`]),
    );
    loki.ingest({ compose_service: 'web' }, [[msToNs(base), 'x']]);
    const res = await client.queryRange({
      query: 'sum by (compose_service) (count_over_time({compose_service=~".+"} [1m]))',
      startNs: msToNs(base + 5_000),
      endNs: msToNs(base + 5_000),
      stepSeconds: 15,
    });
    assert.equal(res.resultType, 'matrix');
    if (res.resultType !== 'matrix') return;
    const byService = Object.fromEntries(res.series.map((s) => [s.metric.compose_service, s.values[0][1]]));
    assert.deepEqual(byService, { api: '4', web: '1' });
    const rate = await client.query({ query: 'rate({compose_service="api"} [1m])', timeNs: msToNs(base + 5_000) });
    assert.ok(rate.resultType === 'vector');
    assert.equal(Number(rate.samples[0].value[1]).toFixed(4), (4 / 60).toFixed(4));
  });

  it('lists labels and label values', async () => {
    loki.ingest({ compose_service: 'api', container: 'a1' }, [[nowNs(-1000), 'x']]);
    loki.ingest({ compose_service: 'db' }, [[nowNs(-1000), 'y']]);
    assert.deepEqual(await client.labels(), ['compose_service', 'container']);
    assert.deepEqual(await client.labelValues('compose_service'), ['api', 'db']);
  });

  it("surfaces Loki's plain-text 400 message for a bad query", async () => {
    await assert.rejects(client.queryRange({ query: '{compose_service="api"', startNs: nowNs(-60_000), endNs: nowNs() }), (err: unknown) => {
      assert.ok(err instanceof BackendError);
      assert.equal(err.status, 400);
      assert.equal(err.backend, 'loki');
      assert.match(err.serverMessage ?? '', /^parse error at line 1, col \d+: syntax error/);
      return true;
    });
  });

  it('reports an unreachable Loki as a typed, transient error', async () => {
    await loki.stop();
    await assert.rejects(client.labels(), (err: unknown) => err instanceof BackendError && err.kind === 'unreachable' && err.isTransient);
    await loki.start();
  });

  it('sends X-Scope-OrgID and auth on HTTP and on the tail websocket', async () => {
    await loki.stop();
    loki = new FakeLoki({ requireTenant: 'team-a', requireAuthorization: 'Bearer s3cret' });
    await loki.start();
    const anonymous = new LokiClient({ baseUrl: loki.url });
    await assert.rejects(anonymous.labels(), (err: unknown) => err instanceof BackendError && err.status === 401 && err.serverMessage === 'no org id');
    const tenant = new LokiClient({ baseUrl: loki.url, tenantId: 'team-a', auth: { kind: 'bearer', token: 's3cret' } });
    assert.deepEqual(await tenant.labels(), []);
    const tail = tenant.tail({ query: '{compose_service="api"}' });
    tails.push(tail);
    await until(tailEvent(tail), () => tail.status.state === 'connected', 'tail connected with tenant headers');
    const upgrade = loki.requests.find((r) => r.path === '/loki/api/v1/tail');
    assert.equal(upgrade?.headers['x-scope-orgid'], 'team-a');
    assert.equal(upgrade?.headers.authorization, 'Bearer s3cret');
    const basic = new LokiClient({ baseUrl: loki.url, tenantId: 'team-a', auth: { kind: 'basic', username: 'u', password: 'p' } });
    await assert.rejects(basic.labels(), (err: unknown) => err instanceof BackendError && err.status === 401);
    assert.equal(loki.requests.at(-1)?.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
  });

  it('tails new lines live, in order, only those the query matches, and counts dropped entries', async () => {
    // the cap on kept lines is the Logs panel's (realm.logs.tailBufferLines): the tail itself keeps none
    const tail = client.tail({ query: '{compose_service="api"} |= "keep"' });
    tails.push(tail);
    const got = tailLines(tail);
    await until(tailEvent(tail), () => tail.status.state === 'connected' && loki.tailCount === 1, 'tail connected');
    loki.ingest(
      { compose_service: 'api' },
      Array.from({ length: 12 }, (_, i): [string, string] => [nowNs(i), `keep ${i}`]),
    );
    loki.ingest({ compose_service: 'api' }, [[nowNs(20), 'drop me']]);
    loki.ingest({ compose_service: 'web' }, [[nowNs(21), 'keep other service']]);
    await until(tailEvent(tail), () => got.at(-1) === 'keep 11', 'the 12th line');
    assert.deepEqual(
      got,
      Array.from({ length: 12 }, (_, i) => `keep ${i}`),
      'every matching line once, in order; none of the others',
    );
    loki.reportDropped({ compose_service: 'api' }, [nowNs(30), nowNs(31), nowNs(32)]);
    await until(tailEvent(tail), () => tail.status.dropped === 3, 'three dropped entries');
  });

  it('reconnects when Loki restarts and resumes without repeating lines', async () => {
    const states: TailStatus['state'][] = [];
    const tail = client.tail({ query: '{compose_service="api"}', baseDelayMs: 50, maxDelayMs: 200 });
    tails.push(tail);
    tail.onStatus((s) => states.push(s.state));
    const got = tailLines(tail);
    await until(tailEvent(tail), () => tail.status.state === 'connected' && loki.tailCount === 1, 'tail connected');
    loki.ingest({ compose_service: 'api' }, [[nowNs(), 'before restart']]);
    await until(tailEvent(tail), () => got.length === 1, 'first line');
    await loki.stop();
    await until(tailEvent(tail), () => tail.status.state === 'reconnecting', 'reconnecting state');
    loki.ingest({ compose_service: 'api' }, [[nowNs(5), 'while down']]);
    await loki.start();
    await until(tailEvent(tail), () => tail.status.state === 'connected', 'reconnected', 15_000);
    loki.ingest({ compose_service: 'api' }, [[nowNs(10), 'after restart']]);
    await until(tailEvent(tail), () => got.at(-1) === 'after restart', 'line after restart');
    assert.deepEqual(got, ['before restart', 'while down', 'after restart']);
    assert.deepEqual(states.filter((s, i) => s !== states[i - 1]).slice(0, 3), ['connected', 'reconnecting', 'connected']);
  });

  it('gives up after maxAttempts and says disconnected', async () => {
    await loki.stop();
    const tail = client.tail({ query: '{compose_service="api"}', baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 2 });
    tails.push(tail);
    await until(tailEvent(tail), () => tail.status.state === 'disconnected', 'disconnected');
    assert.match(tail.status.message ?? '', /gave up after 2 attempts/);
    await loki.start();
  });

  it('gives up on a Loki that accepts the tail websocket and closes it at once (opening alone is no success)', async () => {
    await loki.stop();
    loki = new FakeLoki({ closeTailsWith: 'too many outstanding requests' });
    await loki.start();
    const tail = new LokiClient({ baseUrl: loki.url }).tail({ query: '{compose_service="api"}', baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 });
    tails.push(tail);
    const states: TailStatus['state'][] = [];
    tail.onStatus((s) => states.push(s.state));
    await until(tailEvent(tail), () => tail.status.state === 'disconnected', 'disconnected after the retry limit');
    assert.match(tail.status.message ?? '', /^Loki closed the tail: too many outstanding requests; gave up after 3 attempts$/);
    assert.ok(states.includes('connected'), `the websocket did open each time: ${states.join(',')}`);
    assert.equal(loki.requests.filter((r) => r.path === '/loki/api/v1/tail').length, 4, 'the first connection and three retries');
  });

  it('counts failed attempts from zero again once a connection delivers a frame', async () => {
    loki.ingest({ compose_service: 'api' }, [[nowNs(-1000), 'history']]);
    const tail = client.tail({ query: '{compose_service="api"}', baseDelayMs: 10, maxDelayMs: 20 });
    tails.push(tail);
    const got = tailLines(tail);
    await until(tailEvent(tail), () => got.length === 1, 'the replayed line');
    await loki.stop();
    await until(tailEvent(tail), () => tail.status.attempt >= 2, 'two failed reconnects');
    await loki.start();
    loki.ingest({ compose_service: 'api' }, [[nowNs(), 'after restart']]);
    await until(tailEvent(tail), () => got.at(-1) === 'after restart', 'a frame after reconnecting');
    assert.equal(tail.status.attempt, 0);
  });

  it('reports a stopped tail as disconnected', async () => {
    const tail = client.tail({ query: '{compose_service="api"}' });
    await until(tailEvent(tail), () => tail.status.state === 'connected', 'connected');
    const seen: string[] = [];
    tail.onStatus((s) => seen.push(s.state));
    tail.dispose();
    assert.deepEqual(seen, ['disconnected']);
  });
});
