import assert from 'node:assert/strict';
import { PrometheusClient } from '../../src/clients/prometheusClient';
import { sample, SampleServer } from './support/sampleServer';
import { backendError } from '../support/backendError';

describe('PrometheusClient (real Prometheus 2.42 bodies)', () => {
  let server: SampleServer;
  let client: PrometheusClient;

  beforeEach(async () => {
    server = await new SampleServer().start();
    client = new PrometheusClient({ baseUrl: server.url + '/', timeoutMs: 2000 });
  });
  afterEach(() => server.stop());

  it('parses an instant vector into numbers per label set', async () => {
    server.on('GET /api/v1/query', sample('prom-query-vector'));
    const r = await client.query('sum by (provider, status) (arcanum_requests_total)');
    assert.equal(r.resultType, 'vector');
    assert.deepEqual(r.resultType === 'vector' && r.result.map((s) => [s.metric.provider, s.metric.status, s.value[1]]), [
      ['anthropic', '200', 11],
      ['openai', '200', 55],
      ['openai', '503', 0],
    ]);
    assert.equal(server.requests[0].url.searchParams.get('query'), 'sum by (provider, status) (arcanum_requests_total)');
  });

  it('parses scalar and instant-matrix results', async () => {
    server.on('GET /api/v1/query', (req) => sample(req.url.searchParams.get('query') === '1' ? 'prom-query-scalar' : 'prom-query-instant-matrix'));
    assert.deepEqual((await client.query('1')).result, [1795867707.087, 1]);
    const m = await client.query('arcanum_requests_total[3s]');
    assert.equal(m.resultType === 'matrix' && m.result[0].values.length, 3);
  });

  it('sends a range query with a step chosen under the point limit and returns the step', async () => {
    server.on('GET /api/v1/query_range', sample('prom-query-range-matrix'));
    const r = await client.queryRange('sum by (provider) (rate(x[1m]))', { start: 1795867703 - 86400, end: 1795867703 });
    assert.deepEqual(
      r.result.map((s) => s.metric.provider),
      ['anthropic', 'openai'],
    );
    assert.equal(r.result[1].values[1][1], 3.5260000000000002);
    assert.equal(String(r.step), server.requests[0].url.searchParams.get('step'));
    assert.ok(86400 / r.step + 1 <= 11000);
  });

  it('sends long queries as a POST form', async () => {
    server.on('POST /api/v1/query', sample('prom-query-up'));
    const long = 'up{job="arcanum"}' + ' or up{job="arcanum"}'.repeat(150);
    const r = await client.query(long);
    assert.equal(r.resultType, 'vector');
    const req = server.requests[0];
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(new URLSearchParams(req.body).get('query'), long);
  });

  it('reads targets, alerts, rules, label values, series and build info', async () => {
    server
      .on('GET /api/v1/targets', sample('prom-targets-down'))
      .on('GET /api/v1/alerts', sample('prom-alerts-firing'))
      .on('GET /api/v1/rules', sample('prom-rules-servicedown'))
      .on('GET /api/v1/label/provider/values', sample('prom-label-values'))
      .on('GET /api/v1/series', sample('prom-series'))
      .on('GET /api/v1/status/buildinfo', sample('prom-buildinfo'));
    const [t] = await client.targets();
    assert.equal(t.health, 'down');
    assert.match(t.lastError, /connection refused/);
    const [a] = await client.alerts();
    assert.equal(a.state, 'firing');
    assert.equal(a.activeAt, Date.parse('2026-11-28T12:08:47.283Z'));
    const groups = await client.rules({ type: 'alert' });
    assert.equal(server.requests.at(-1)?.url.searchParams.get('type'), 'alert');
    const sd = groups[0].rules.find((r) => r.name === 'ServiceDown');
    assert.equal(sd?.state, 'firing');
    assert.equal(sd?.duration, 5);
    assert.deepEqual(await client.labelValues('provider'), ['anthropic', 'openai']);
    assert.equal((await client.series(['arcanum_requests_total'])).length, 3);
    assert.deepEqual(server.requests.at(-1)?.url.searchParams.getAll('match[]'), ['arcanum_requests_total']);
    assert.equal((await client.buildInfo()).version, '2.42.0+ds');
  });

  it('turns bad PromQL (400 bad_data) into a typed error with the server message', async () => {
    server.on('GET /api/v1/query', sample('prom-errors', 'bad_promql'));
    const err = await backendError(client.query('sum(rate(foo[5m]) by'));
    assert.equal(err.kind, 'http');
    assert.equal(err.status, 400);
    assert.equal(err.errorType, 'bad_data');
    assert.equal(err.serverMessage, 'invalid parameter "query": 1:19: parse error: unexpected <by> in aggregation');
    assert.match(err.message, /prometheus answered 400: .*unexpected <by>/);
    assert.equal(err.isTransient, false);
    assert.ok(err.url.includes('/api/v1/query?query='));
  });

  it('tells execution errors (422) from bad data', async () => {
    server.on('GET /api/v1/query', sample('prom-errors', 'exec_error_422_many_to_many'));
    const err = await backendError(client.query('a + on(provider) a'));
    assert.equal(err.status, 422);
    assert.equal(err.errorType, 'execution');
    assert.match(err.serverMessage ?? '', /many-to-many matching not allowed/);
  });

  it('reports the 11,000-points limit as bad_data with its hint', async () => {
    server.on('GET /api/v1/query_range', sample('prom-errors', 'range_too_many_points'));
    const err = await backendError(client.queryRange('up', { start: 0, end: 1795867654, step: 1 }));
    assert.equal(err.errorType, 'bad_data');
    assert.match(err.message, /exceeded maximum resolution of 11,000 points/);
  });

  it('treats the plain-text 503 while starting as a transient "not ready" error', async () => {
    server.on('GET /api/v1/query', sample('prom-not-ready')).on('GET /-/ready', sample('prom-not-ready'));
    const err = await backendError(client.query('up'));
    assert.equal(err.status, 503);
    assert.equal(err.isTransient, true);
    assert.match(err.message, /not ready yet.*Service Unavailable/);
    assert.equal(await client.isReady(), false);
  });

  it('reports a ready server as ready', async () => {
    server.on('GET /-/ready', { status: 200, contentType: 'text/plain; charset=utf-8', body: 'Prometheus Server is Ready.\n' });
    assert.equal(await client.isReady(), true);
  });

  it('keeps plain-text 404 bodies readable', async () => {
    const err = await backendError(client.rules());
    assert.equal(err.status, 404);
    assert.equal(err.serverMessage, '404 page not found');
  });

  it('rejects a 200 whose body is not the documented shape', async () => {
    server.on('GET /api/v1/alerts', {
      status: 200,
      contentType: 'application/json',
      body: { status: 'success', data: { alerts: [{ state: 'firing', labels: { a: 1 } }] } },
    });
    const err = await backendError(client.alerts());
    assert.equal(err.kind, 'invalid-response');
    assert.match(err.message, /data\.alerts\[0\]\.labels\.a should be a string/);
  });

  it('times out on a server that never answers', async () => {
    server.on('GET /api/v1/query', () => 'hang');
    const t0 = Date.now();
    const err = await backendError(client.query('up', { timeoutMs: 300 }));
    assert.equal(err.kind, 'timeout');
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(server.requests[0].url.searchParams.get('timeout'), '0.100s');
  });

  it('stops when the caller aborts', async () => {
    server.on('GET /api/v1/targets', () => 'hang');
    const ac = new AbortController();
    const p = client.targets({ signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    assert.equal((await backendError(p)).kind, 'aborted');
  });

  it('says Prometheus is unreachable when nothing listens', async () => {
    await server.stop();
    const err = await backendError(client.buildInfo());
    assert.equal(err.kind, 'unreachable');
    assert.match(err.message, /prometheus is unreachable at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    await server.start(); // afterEach stops it again
  });

  it('refuses label names that would change the URL path', async () => {
    await assert.rejects(client.labelValues('../admin'), RangeError);
  });
});
