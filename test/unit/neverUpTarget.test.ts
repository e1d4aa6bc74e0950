import './support/vscodeShim';
import assert from 'node:assert/strict';
import type { DockerClient, EngineEvent } from '../../src/clients/dockerClient';
import type { PromInstantResult, PromTarget } from '../../src/clients/prometheusTypes';
import type { ContainerInfo } from '../../src/core/containers';
import { RateLimiter } from '../../src/core/rateLimiter';
import { everUpQuery, findNeverUp, neverUpAdvice, scrapeHealthByService } from '../../src/core/scrapeTargets';
import { HealActions } from '../../src/healer/actions';
import type { AlertSource, HealableAlert } from '../../src/healer/alertSource';
import { AuditTrail } from '../../src/healer/auditTrail';
import { Healer } from '../../src/healer/healer';
import { DEFAULT_HEALER_SETTINGS } from '../../src/core/healerSettings';
import { FakeClock } from '../support/fakeClock';
import { Emitter } from '../../src/platform/event';
import { memoryLogger } from '../support/memoryLogger';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { UPTIME_QUERY } from '../../src/state/neverUpTargets';
import { ScrapeTargetStore, TargetsSource } from '../../src/state/scrapeTargetStore';
import { AlertNode } from '../../src/views/alertNodes';
import { ServiceNode } from '../../src/views/servicesTree';
import { waitUntil } from '../support/waitFor';
import { MarkdownString } from './support/vscodeShim';

// The default `arcanum` target unreachable from the stack's Prometheus (issue 11): a target never up
// since the stack started is a configuration problem, shown with the fix, and never healed.
const FIX = 'publish the port on 0.0.0.0, or set `realm.arcanumTarget`';
const target = (job: string, instance: string, health: PromTarget['health'], service?: string): PromTarget => ({
  labels: { job, instance, ...(service ? { service } : {}) },
  discoveredLabels: {},
  scrapePool: job,
  scrapeUrl: `http://${instance}/metrics`,
  health,
  lastError: health === 'down' ? 'connect: connection refused' : '',
  lastScrape: 1,
});
const vector = (series: Array<[Record<string, string>, number]>): PromInstantResult => ({
  resultType: 'vector',
  result: series.map(([metric, v]) => ({ metric, value: [0, v] })),
});

/** A Prometheus whose targets and `up` history the test sets; records the queries it was sent. */
class FakePrometheus implements TargetsSource {
  readonly baseUrl = 'http://127.0.0.1:9090';
  targetsNow: PromTarget[] = [target('prometheus', 'localhost:9090', 'up', 'prometheus'), target('arcanum', 'host.docker.internal:8000', 'down', 'arcanum')];
  /** job|instance → max of `up` since Prometheus started. */
  everUp = new Map([['arcanum|host.docker.internal:8000', 0]]);
  uptimeSeconds: number | undefined = 3600;
  failing = false;
  readonly queries: string[] = [];
  async targets(): Promise<PromTarget[]> {
    if (this.failing) throw new Error('prometheus is unreachable');
    return this.targetsNow;
  }
  async query(expr: string): Promise<PromInstantResult> {
    this.queries.push(expr);
    if (expr === UPTIME_QUERY) return vector(this.uptimeSeconds === undefined ? [] : [[{}, this.uptimeSeconds]]);
    return vector([...this.everUp].map(([k, v]) => [{ job: k.split('|')[0], instance: k.split('|')[1] }, v]));
  }
}

describe('a scrape target never up since the stack started', () => {
  it('is found from `up` since Prometheus started, only for targets down now', () => {
    const targets = [target('arcanum', 'a:1', 'down'), target('arcanum', 'b:1', 'down'), target('web', 'c:1', 'up'), target('db', 'd:1', 'down')];
    const never = findNeverUp(
      targets,
      new Map([
        ['arcanum|a:1', 0],
        ['arcanum|b:1', 1],
        ['web|c:1', 0],
      ]),
    );
    assert.deepEqual(
      never.map((t) => t.instance),
      ['a:1'],
      'b was up once (a crash: heal it), c is up, d has no history yet',
    );
    assert.equal(
      everUpQuery([target('a.b', 'x', 'down'), target('a.b', 'y', 'down')], 3600.7),
      'max by (job, instance) (max_over_time(up{job=~"a\\\\.b"}[3600s]))',
    );
  });

  it('says what to do for arcanum: publish on 0.0.0.0 or set realm.arcanumTarget', () => {
    const advice = neverUpAdvice({ job: 'arcanum', instance: 'host.docker.internal:8000' });
    assert.ok(advice.includes(FIX), advice);
    assert.match(advice, /configuration problem, not a crash/);
    const health = scrapeHealthByService(
      [target('arcanum', 'host.docker.internal:8000', 'down', 'arcanum')],
      [{ job: 'arcanum', instance: 'host.docker.internal:8000' }],
    );
    assert.equal(health.get('arcanum')?.neverUp, advice);
  });

  it('the store answers the healer from Prometheus, and heals as before when it cannot tell', async () => {
    const prom = new FakePrometheus();
    const store = new ScrapeTargetStore(() => prom, memoryLogger(), 60_000);
    try {
      const labels = { alertname: 'ArcanumNeedsRestart', job: 'arcanum', instance: 'host.docker.internal:8000' };
      assert.ok((await store.configurationProblem(labels))?.includes(FIX));
      assert.ok(prom.queries.includes(UPTIME_QUERY));
      assert.match(prom.queries[1], /max_over_time\(up\{job=~"arcanum"\}\[3600s\]\)/);
      assert.equal(await store.configurationProblem({ alertname: 'HighDiskUsage' }), undefined, 'an alert without job/instance is not a target');

      const wasUp = new FakePrometheus();
      wasUp.everUp.set('arcanum|host.docker.internal:8000', 1);
      assert.equal(await new ScrapeTargetStore(() => wasUp, memoryLogger()).configurationProblem(labels), undefined, 'up once, down now: a crash');
      const noStart = new FakePrometheus();
      noStart.uptimeSeconds = undefined;
      assert.equal(await new ScrapeTargetStore(() => noStart, memoryLogger()).configurationProblem(labels), undefined, 'no start time: not judged');
      const down = new FakePrometheus();
      down.failing = true;
      assert.equal(await new ScrapeTargetStore(() => down, memoryLogger()).configurationProblem(labels), undefined, 'Prometheus unreachable: not judged');
    } finally {
      store.dispose();
    }
  });

  it('asks Prometheus again only once its answer is older than 20 s on the injected clock', async () => {
    const prom = new FakePrometheus();
    const clock = new FakeClock();
    const store = new ScrapeTargetStore(() => prom, memoryLogger(), 60_000, clock);
    const labels = { alertname: 'ArcanumNeedsRestart', job: 'arcanum', instance: 'host.docker.internal:8000' };
    try {
      assert.match((await store.configurationProblem(labels)) ?? '', /has never answered Prometheus/);
      const asked = prom.queries.length;
      clock.advance(19_000);
      prom.everUp.set('arcanum|host.docker.internal:8000', 1);
      assert.match((await store.configurationProblem(labels)) ?? '', /has never answered Prometheus/, 'fresh: answered from the last check');
      assert.equal(prom.queries.length, asked, 'no new query within 20 s');
      clock.advance(2_000);
      assert.equal(await store.configurationProblem(labels), undefined, 'stale: checked again, and the target was up once');
      assert.ok(prom.queries.length > asked);
    } finally {
      store.dispose();
    }
  });

  it('shows on the Services tree and the Alerts view with the fix', async () => {
    const prom = new FakePrometheus();
    const store = new ScrapeTargetStore(() => prom, memoryLogger(), 60_000);
    const sub = store.onDidChange(() => undefined);
    try {
      const health = await waitUntil('scrape health', () => store.byService.get('arcanum'), 10_000);
      const group = { project: 'app', service: 'arcanum', containers: [], status: 'running' } as unknown as ConstructorParameters<typeof ServiceNode>[0];
      const node = new ServiceNode(group, Date.now(), health);
      assert.match(String(node.description), /target never up: configuration problem/);
      assert.ok(String(node.tooltip).includes(FIX));
      const labels = { alertname: 'ArcanumNeedsRestart', job: 'arcanum', instance: 'host.docker.internal:8000', severity: 'critical', action: 'restart' };
      const alert = {
        key: 'k',
        name: 'ArcanumNeedsRestart',
        state: 'firing',
        severity: 'critical',
        labels,
        annotations: { summary: 'arcanum is down and needs a restart' },
        since: Date.now(),
        silencedBy: [],
        inhibitedBy: [],
        generatorURL: '',
        source: 'alertmanager',
      } as const;
      const alertNode = new AlertNode(
        { ...alert, silencedBy: [], inhibitedBy: [], labels: { ...labels }, annotations: { ...alert.annotations } },
        Date.now(),
        [],
        undefined,
        store.problemFor(labels),
      );
      assert.match(String(alertNode.description), /configuration problem: target never up, not healed/);
      const tooltip = alertNode.tooltip as unknown as MarkdownString;
      assert.ok(
        tooltip.parts.some((p) => p.kind === 'text' && p.value.includes(FIX)),
        'the fix is in the tooltip, as escaped text',
      );
    } finally {
      sub.dispose();
      store.dispose();
    }
  });
});

describe('the healer does not heal an alert about a never-up target', () => {
  const PROJECT = 'app';
  const healthy = {
    id: 'c-arcanum-1',
    name: 'app-arcanum-1',
    project: PROJECT,
    service: 'arcanum',
    number: 1,
    image: 'arcanum:1',
    state: 'running',
    health: 'healthy',
    restartCount: 0,
    createdAt: 0,
    restartPolicy: 'no',
    labels: {},
  } as unknown as ContainerInfo;
  const alert: HealableAlert = {
    fingerprint: 'a1b2c3d4e5',
    labels: { alertname: 'ArcanumNeedsRestart', action: 'restart', service: 'arcanum', job: 'arcanum', instance: 'host.docker.internal:8000' },
    startsAt: '2026-01-01T00:00:00Z',
  };

  async function run(prom: FakePrometheus): Promise<{ restarted: string[]; audit: AuditTrail }> {
    const restarted: string[] = [];
    const docker = {
      listComposeContainers: async () => [{ ...healthy }],
      restartContainer: async (id: string) => {
        restarted.push(id);
      },
    } as unknown as DockerClient;
    const clock = new FakeClock();
    const audit = new AuditTrail(new InMemoryMemento(), clock);
    const store = new ScrapeTargetStore(() => prom, memoryLogger());
    const changed = new Emitter<void>();
    const alerts: AlertSource = { onDidChange: changed.event, firing: () => [alert] };
    const healer = new Healer({
      docker,
      actions: new HealActions(docker),
      audit,
      clock,
      logger: memoryLogger(),
      projects: () => [PROJECT],
      alerts,
      settings: () => ({ ...DEFAULT_HEALER_SETTINGS, graceMs: 0, backoffMs: 0 }),
      engineEvents: new Emitter<EngineEvent>().event,
      rateLimiter: new RateLimiter(new InMemoryMemento(), clock, { maxActionsPerHour: 3 }),
      configurationProblem: (a) => store.configurationProblem(a.labels),
    });
    try {
      await healer.start();
      await waitUntil('a decision', () => audit.entries().length > 0, 10_000);
      changed.fire(); // the alert keeps firing: polled again
      await waitUntil('the second pass', () => healer.isIdle(), 10_000);
      return { restarted, audit };
    } finally {
      healer.dispose();
      store.dispose();
    }
  }

  it('records one skip "misconfigured" with the fix, and restarts nothing', async () => {
    const { restarted, audit } = await run(new FakePrometheus());
    assert.deepEqual(restarted, []);
    const entries = audit.entries();
    assert.equal(entries.length, 1, 'recorded once, not on every poll');
    assert.equal(entries[0].outcome, 'skipped');
    assert.equal(entries[0].reason, 'misconfigured');
    assert.ok(entries[0].detail?.includes(FIX));
  });

  it('restarts as before when the target was up once since the stack started (a real outage)', async () => {
    const prom = new FakePrometheus();
    prom.everUp.set('arcanum|host.docker.internal:8000', 1);
    const { restarted, audit } = await run(prom);
    // healed (with grace and back-off at 0 here, the second poll of the still-firing alert may restart again)
    assert.ok(restarted.length >= 1 && restarted.every((id) => id === 'c-arcanum-1'), JSON.stringify(restarted));
    assert.equal(audit.entries()[0].outcome, 'done');
    assert.ok(audit.entries().every((e) => e.reason !== 'misconfigured'));
  });
});
