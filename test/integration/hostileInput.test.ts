// Hostile queries against the real Prometheus of the harness (REALM_IT_PROMETHEUS_URL): what the
// user sees is Prometheus' own verdict, long queries go whole as a POST form, and the client never
// asks for more than 11,000 points on its own.
import assert from 'node:assert/strict';
import { BackendError } from '../../src/clients/http';
import { PrometheusClient } from '../../src/clients/prometheusClient';
import { MAX_POINTS_PER_SERIES, pointCount } from '../../src/core/step';

describe('Hostile queries against the real Prometheus', function () {
  this.timeout(60_000);
  const baseUrl = process.env.REALM_IT_PROMETHEUS_URL;
  if (!baseUrl) throw new Error('REALM_IT_PROMETHEUS_URL is not set: source /tmp/realm-it/env (test/infra/harness.sh up)');
  const client = new PrometheusClient({ baseUrl });
  const end = Math.floor(Date.now() / 1000);
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('should fail'),
      (e: unknown) => {
        assert.ok(e instanceof BackendError, String(e));
        return e;
      },
    );

  it('an invalid query: bad_data with the parse position', async () => {
    const e = await failure(client.query('sum(rate(up[5m]) by'));
    assert.equal(e.status, 400);
    assert.equal(e.errorType, 'bad_data');
    assert.match(e.serverMessage ?? '', /parse error/);
  });

  it('an empty query: bad_data "no expression found"', async () => {
    const e = await failure(client.queryRange('', { start: end - 300, end }));
    assert.match(e.serverMessage ?? '', /no expression found in input|empty/i);
  });

  it('a 100 KB query goes as a POST form and Prometheus answers it', async () => {
    const huge = `up{job="${'x'.repeat(100 * 1024)}"}`;
    const res = await client.queryRange(huge, { start: end - 300, end });
    assert.deepEqual(res.result, [], 'a long valid selector runs (no series match it)');
    const broken = await failure(client.queryRange(`${huge} +`, { start: end - 300, end }));
    assert.equal(broken.errorType, 'bad_data', 'a long broken one gets the parse error, not a 414/431');
  });

  it("a year-long range gets a step under the 11,000-point limit; a forced 1 s step gets the server's error", async () => {
    const start = end - 365 * 86_400;
    const res = await client.queryRange('up', { start, end });
    assert.ok(pointCount(start, end, res.step) <= MAX_POINTS_PER_SERIES, `step ${res.step}`);
    const e = await failure(client.queryRange('up', { start: end - 86_400, end, step: 1 }));
    assert.match(e.serverMessage ?? '', /exceeded maximum resolution of 11,000 points/);
  });
});
