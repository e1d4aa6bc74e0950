import assert from 'node:assert/strict';
import type { EngineEvent } from '../../src/clients/dockerClient';
import type { ContainerInfo } from '../../src/core/containers';
import { RateLimiter } from '../../src/core/rateLimiter';
import type { AlertSource, HealableAlert } from '../../src/healer/alertSource';
import { AuditTrail } from '../../src/healer/auditTrail';
import { Healer } from '../../src/healer/healer';
import { DEFAULT_HEALER_SETTINGS, HealerSettings } from '../../src/core/healerSettings';
import type { HealerLeaseLike } from '../../src/healer/lease';
import { Emitter } from '../../src/platform/event';
import { MementoLike } from '../../src/platform/memento';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { EngineIntent } from '../../src/healer/engineIntent';
import { SkipRecorder } from '../../src/healer/skipRecorder';
import { ManualClock, settle } from '../support/manualClock';
import { unitHealer } from '../support/unitHealer';
import { containerInfo } from '../support/containerInfo';

const PROJECT = 'shop';

function container(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return containerInfo({ id: 'c-web-1', name: 'shop-web-1', project: PROJECT, image: 'web:1', ...over });
}

/** The few DockerClient calls the healer and its actions make, over a container list the test edits. */
class FakeDocker {
  containers: ContainerInfo[] = [];
  restarted: string[] = [];
  restartDelayMs = 0;
  async listComposeContainers(projects: readonly string[]): Promise<ContainerInfo[]> {
    return this.containers.filter((c) => projects.includes(c.project)).map((c) => ({ ...c }));
  }
  async restartContainer(id: string): Promise<void> {
    if (this.restartDelayMs) await new Promise((r) => setTimeout(r, this.restartDelayMs));
    this.restarted.push(id);
    this.containers = this.containers.map((c) => (c.id === id ? { ...c, state: 'running', health: 'none', exitCode: undefined } : c));
  }
}

describe('Healer (engine, fake Docker)', () => {
  let docker: FakeDocker;
  let clock: ManualClock;
  let limiter: RateLimiter;
  let state: InMemoryMemento;
  let audit: AuditTrail;
  let settings: HealerSettings;
  const healers: Healer[] = [];

  function makeHealer(extra: { alerts?: AlertSource; lease?: HealerLeaseLike; limiterMemento?: MementoLike } = {}): Healer {
    limiter = new RateLimiter(extra.limiterMemento ?? new InMemoryMemento(), clock, { maxActionsPerHour: settings.maxActionsPerHour });
    const { healer } = unitHealer({
      engine: docker,
      clock,
      rateLimiter: limiter,
      audit,
      settings: () => settings,
      state,
      project: PROJECT,
      alerts: extra.alerts,
      lease: extra.lease,
    });
    healers.push(healer);
    return healer;
  }

  const die = (id = 'c-web-1'): EngineEvent => ({
    action: 'die',
    containerId: id,
    name: 'shop-web-1',
    project: PROJECT,
    service: 'web',
    exitCode: 1,
    time: clock.now(),
    receivedAt: clock.now(),
    attributes: {},
  });

  beforeEach(() => {
    docker = new FakeDocker();
    clock = new ManualClock();
    state = new InMemoryMemento();
    audit = new AuditTrail(new InMemoryMemento(), clock);
    settings = { ...DEFAULT_HEALER_SETTINGS, graceMs: 0, backoffMs: 0 };
  });
  afterEach(() => {
    for (const h of healers.splice(0)) h.dispose();
  });

  it('records a crash loop under restart: always as one skip, not one per die event', async () => {
    docker.containers = [container({ state: 'restarting', restartPolicy: 'always' })];
    const healer = makeHealer();
    await healer.start();
    for (let i = 0; i < 50; i++) {
      healer.handleEngineEvent(die());
      await clock.advance(1_000);
    }
    await settle();
    const skips = audit.entries().filter((e) => e.outcome === 'skipped');
    assert.equal(skips.length, 1, skips.map((e) => e.reason).join(', '));
    assert.equal(skips[0].reason, 'already-recovering');
    assert.equal(skips[0].service, 'shop/web');

    // a new reason is recorded again (once)
    settings = { ...settings, dryRun: true };
    docker.containers = [container({ state: 'exited', exitCode: 1, restartPolicy: 'no' })];
    for (let i = 0; i < 5; i++) healer.handleEngineEvent(die());
    await settle();
    assert.deepEqual(
      audit.entries().map((e) => e.reason),
      ['already-recovering', 'dry-run'],
    );
  });

  it('still records each crash of a service it gave up on (it stays down until someone starts it)', async () => {
    settings = { ...settings, maxActionsPerHour: 1 };
    docker.containers = [container({ state: 'exited', exitCode: 1 })];
    const healer = makeHealer();
    await healer.start();
    healer.handleEngineEvent(die());
    await settle();
    assert.deepEqual(docker.restarted, ['c-web-1']);
    for (let i = 0; i < 3; i++) {
      docker.containers = [container({ state: 'exited', exitCode: 1 })];
      healer.handleEngineEvent(die());
      await settle();
    }
    assert.deepEqual(
      audit.entries().map((e) => (e.outcome === 'skipped' ? e.reason : e.outcome)),
      ['done', 'rate-limited', 'rate-limited', 'rate-limited'],
    );
  });

  it('heals alerts already firing when this window gains the lease', async () => {
    docker.containers = [container({ state: 'running', health: 'unhealthy' })];
    const leaseChanged = new Emitter<boolean>();
    const lease = { isHolder: false, onDidChange: leaseChanged.event };
    const alert: HealableAlert = { fingerprint: 'f00d', labels: { alertname: 'ArcanumNeedsRestart', service: 'web', compose_project: PROJECT } };
    const alerts: AlertSource = { onDidChange: new Emitter<void>().event, firing: () => [alert] };
    const healer = makeHealer({ alerts, lease });
    await healer.start();
    await settle();
    assert.deepEqual(docker.restarted, [], 'a standby window does not act');

    lease.isHolder = true;
    leaseChanged.fire(true);
    await settle();
    assert.deepEqual(docker.restarted, ['c-web-1']);
    const done = audit.entries().filter((e) => e.outcome === 'done');
    assert.equal(done.length, 1);
    assert.equal(done[0].trigger.kind, 'alert');
  });

  it('records a failed entry (no unhandled rejection) when counting the action fails while it runs', async () => {
    docker.containers = [container({ state: 'exited', exitCode: 1 })];
    docker.restartDelayMs = 20;
    const failing: MementoLike = { get: () => undefined, update: () => Promise.reject(new Error('workspace state is read-only')) };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    const mochaListeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', onUnhandled);
    const healer = makeHealer({ limiterMemento: failing });
    await healer.start();
    let entry;
    try {
      entry = await healer.healAlert({ fingerprint: 'beef', labels: { alertname: 'ArcanumNeedsRestart', service: 'web' } });
      await settle();
    } finally {
      process.removeListener('unhandledRejection', onUnhandled);
      for (const l of mochaListeners) process.on('unhandledRejection', l);
    }
    assert.deepEqual(unhandled, []);
    assert.equal(entry?.outcome, 'failed');
    assert.match(entry?.detail ?? '', /could not count the action in the budget: workspace state is read-only/);
    assert.equal(audit.entries().filter((e) => e.outcome === 'failed').length, 1);
    assert.equal(healer.isBusy(), false);
  });

  it('forgets old kills and skips instead of keeping one entry per container forever', async () => {
    const intent = new EngineIntent(clock);
    intent.noteKill('gone');
    await clock.advance(11 * 60_000);
    intent.noteKill('c-other');
    assert.equal(intent.remembered, 1);
    assert.equal(intent.noteDie('gone', 'shop/web'), 'crash', 'a die long after a kill is a crash again');

    const skips = new SkipRecorder(audit, clock);
    const trigger = { kind: 'event' as const, event: 'die' as const, containerId: 'c-web-1', containerName: 'shop-web-1', time: clock.now() };
    const skip = (service: string) =>
      skips.record({ trigger, service, action: 'restart', outcome: 'skipped', reason: 'already-recovering', detail: 'x', durationMs: 0 }, false);
    assert.ok(await skip('shop/web'));
    assert.equal(await skip('shop/web'), undefined, 'a repeat is silent');
    await clock.advance(11 * 60_000);
    await skip('shop/api');
    assert.equal(skips.remembered, 1);
  });
});
