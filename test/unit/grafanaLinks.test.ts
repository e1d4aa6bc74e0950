import assert from 'node:assert/strict';
import { grafanaExploreUrl } from '../../src/core/grafanaLinks';

describe('grafanaExploreUrl', () => {
  it('opens Explore on the Loki data source with the query and a relative range', () => {
    const url = new URL(
      grafanaExploreUrl({
        grafanaUrl: 'http://127.0.0.1:3000/',
        datasource: { type: 'loki', uid: 'loki' },
        query: '{compose_service="api"} |= "error"',
        range: { kind: 'relative', last: '1h' },
      }),
    );
    assert.equal(url.origin + url.pathname, 'http://127.0.0.1:3000/explore');
    assert.equal(url.searchParams.get('orgId'), '1');
    const panes = JSON.parse(url.searchParams.get('panes')!);
    assert.deepEqual(panes.realm, {
      datasource: 'loki',
      queries: [{ refId: 'A', expr: '{compose_service="api"} |= "error"', datasource: { type: 'loki', uid: 'loki' } }],
      range: { from: 'now-1h', to: 'now' },
    });
  });

  it('keeps an absolute range in epoch milliseconds and works under a sub-path', () => {
    const url = new URL(
      grafanaExploreUrl({
        grafanaUrl: 'https://example.test/grafana',
        datasource: { type: 'prometheus', uid: 'prom' },
        query: 'up',
        range: { kind: 'absolute', startMs: 1000.4, endMs: 2000.2 },
      }),
    );
    assert.equal(url.pathname, '/grafana/explore');
    assert.deepEqual(JSON.parse(url.searchParams.get('panes')!).realm.range, { from: '1000', to: '2001' });
  });
});
