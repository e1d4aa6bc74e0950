import assert from 'node:assert/strict';
import { PrometheusClient } from '../../src/clients/prometheusClient';
import { memoryLogger } from '../support/memoryLogger';
import { ScrapeTargetStore } from '../../src/state/scrapeTargetStore';
import { ServiceScrapeHealth } from '../../src/core/scrapeTargets';
import { nextEvent } from '../support/waitFor';
import { queryNeverUp, UPTIME_QUERY } from '../../src/state/neverUpTargets';

function nextChange(
  store: ScrapeTargetStore,
  pred: (m: Map<string, ServiceScrapeHealth>) => boolean,
  timeoutMs = 30_000,
): Promise<Map<string, ServiceScrapeHealth>> {
  return nextEvent(store.onDidChange, 'scrape health', pred, timeoutMs);
}

describe('ScrapeTargetStore against the real Prometheus', function () {
  this.timeout(90_000);

  it("reports each service's scrape target as up or down (what the Services tree shows)", async () => {
    const logger = memoryLogger();
    const store = new ScrapeTargetStore(() => new PrometheusClient({ baseUrl: process.env.REALM_IT_PROMETHEUS_URL! }), logger, 500);
    try {
      // the harness scrapes itself (job prometheus, up) and the arcanum job's 127.0.0.1:19102 target
      // (service=arcanum), which nothing serves here unless a healer test runs
      const m = await nextChange(store, (x) => x.get('prometheus')?.health === 'up' && x.has('arcanum'));
      assert.equal(m.get('prometheus')?.up, 1);
      assert.ok(['up', 'down'].includes(m.get('arcanum')!.health));
    } finally {
      store.dispose();
    }
  });

  it("asks the real Prometheus whether a down target was ever up since it started (the never-up check's PromQL runs)", async () => {
    const prometheus = new PrometheusClient({ baseUrl: process.env.REALM_IT_PROMETHEUS_URL! });
    const uptime = await prometheus.query(UPTIME_QUERY);
    assert.equal(uptime.resultType, 'vector');
    assert.ok(uptime.resultType === 'vector' && uptime.result[0].value[1] > 0, 'Prometheus knows when it started');
    const targets = await prometheus.targets();
    // pretend its own target is down: it has been up since the start, so it is not "never up"
    const self = targets.filter((t) => t.labels.job === 'prometheus').map((t) => ({ ...t, health: 'down' as const }));
    assert.equal(self.length, 1);
    assert.deepEqual(await queryNeverUp(prometheus, self), []);
    // a down target no series was ever recorded for is not judged (too early to tell), never an error
    assert.deepEqual(await queryNeverUp(prometheus, [{ ...self[0], labels: { job: 'realm-no-such-job', instance: 'x:1' } }]), []);
  });

  it('shows no scrape state while Prometheus is unreachable and logs that once', async () => {
    const logger = memoryLogger();
    let polls = 0;
    const down = new PrometheusClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 });
    const store = new ScrapeTargetStore(
      () => {
        polls++;
        return down;
      },
      logger,
      50,
    );
    const sub = store.onDidChange(() => undefined);
    try {
      // wait for five failed polls, however long the shared machine takes
      const deadline = Date.now() + 30_000;
      while (polls < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(polls >= 6, `kept polling (${polls} polls)`);
      assert.equal(logger.lines.filter((l) => l.includes('Scrape targets unavailable')).length, 1, 'one log line per outage');
      assert.equal(store.byService.size, 0);
    } finally {
      sub.dispose();
      store.dispose();
    }
  });
});
