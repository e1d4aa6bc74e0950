/**
 * Issue 12 and 16 on the healer with an injected clock and timers: back-off like an orchestrator,
 * scheduled actions as a visible state, what the user stopped left alone, every user action answered,
 * replicas that die together as one action, failed checks retried. Time is driven, never waited for.
 */
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../src/clients/dockerClient';
import type { ContainerInfo } from '../../src/core/containers';
import { RateLimiter } from '../../src/core/rateLimiter';
import type { AlertSource, HealableAlert } from '../../src/healer/alertSource';
import { AuditTrail, describeEntry } from '../../src/healer/auditTrail';
import { GaveUp, Healer } from '../../src/healer/healer';
import { DEFAULT_HEALER_SETTINGS, HealerSettings } from '../../src/core/healerSettings';
import { describePlanStep } from '../../src/healer/healPlan';
import { describeScheduled } from '../../src/healer/healSchedule';
import { serviceHealText } from '../../src/healer/serviceHealText';
import { Emitter } from '../../src/platform/event';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { ManualClock, settle } from '../support/manualClock';
import { unitHealer } from '../support/unitHealer';
import { containerInfo } from '../support/containerInfo';

const PROJECT = 'shop';

function container(n: number, over: Partial<ContainerInfo> = {}): ContainerInfo {
  return containerInfo({ id: `c-web-${n}`, name: `shop-web-${n}`, project: PROJECT, number: n, image: 'web:1', ...over });
}

/** The engine as the healer sees it: a container list the test edits, restarts that bring a container back. */
class FakeEngine {
  containers: ContainerInfo[] = [container(1)];
  restarted: string[] = [];
  listCalls = 0;
  failLists = 0;
  /** Holds restarts until released (a restart in flight). */
  hold: Promise<void> | undefined;
  async listComposeContainers(projects: readonly string[]): Promise<ContainerInfo[]> {
    this.listCalls++;
    await new Promise((r) => setImmediate(r)); // an engine answers later, not in the same tick
    if (this.failLists > 0) {
      this.failLists--;
      throw new Error('connect EAGAIN /tmp/realm-it/docker.sock');
    }
    return this.containers.filter((c) => projects.includes(c.project)).map((c) => ({ ...c }));
  }
  async restartContainer(id: string): Promise<void> {
    await this.hold;
    this.restarted.push(id);
    this.set(id, { state: 'running', exitCode: undefined });
  }
  set(id: string, over: Partial<ContainerInfo>): void {
    this.containers = this.containers.map((c) => (c.id === id ? { ...c, ...over } : c));
  }
}

describe('Healer: intent, back-off, schedule, storms (injected clock)', () => {
  let engine: FakeEngine;
  let clock: ManualClock;
  let audit: AuditTrail;
  let limiter: RateLimiter;
  let settings: HealerSettings;
  let state: InMemoryMemento;
  let events: Emitter<EngineEvent>;
  let alerts: HealableAlert[];
  let alertsChanged: Emitter<void>;
  let gaveUp: GaveUp[];
  const healers: Healer[] = [];

  async function makeHealer(over: { concurrency?: number } = {}): Promise<Healer> {
    alertsChanged = new Emitter<void>();
    const source: AlertSource = { onDidChange: alertsChanged.event, firing: () => alerts };
    let healer: Healer;
    ({ healer, events } = unitHealer({
      engine,
      clock,
      rateLimiter: limiter,
      audit,
      settings: () => settings,
      state,
      project: PROJECT,
      alerts: source,
      concurrency: over.concurrency,
    }));
    healer.onDidGiveUp((e) => gaveUp.push(e));
    healers.push(healer);
    await healer.start();
    return healer;
  }

  const event = (action: string, id = 'c-web-1', over: Partial<EngineEvent> = {}): EngineEvent => ({
    action,
    containerId: id,
    name: id.replace('c-', 'shop-'),
    project: PROJECT,
    service: 'web',
    time: clock.now(),
    receivedAt: clock.now(),
    attributes: {},
    ...over,
  });
  /** A crash: the container exits by itself (no kill event), as a killed PID 1 does. */
  const crash = (id = 'c-web-1') => {
    engine.set(id, { state: 'exited', exitCode: 137 });
    events.fire(event('die', id, { exitCode: 137 }));
  };
  const webState = (h: Healer) => h.serviceStates().find((s) => s.key === 'shop/web');
  const outcomes = () => audit.entries().map((e) => (e.outcome === 'skipped' ? `${e.reason}` : e.outcome));

  beforeEach(() => {
    engine = new FakeEngine();
    clock = new ManualClock();
    state = new InMemoryMemento();
    audit = new AuditTrail(state, clock);
    limiter = new RateLimiter(state, clock, { maxActionsPerHour: 3 });
    settings = { ...DEFAULT_HEALER_SETTINGS, graceMs: 30_000, backoffMs: 10_000 };
    alerts = [];
    gaveUp = [];
  });
  afterEach(() => {
    for (const h of healers.splice(0)) h.dispose();
  });

  it('crash-loops like an orchestrator: restarts at once, then 10 s and 20 s after each death, shows the countdown, then gives up', async () => {
    const healer = await makeHealer();
    crash();
    await settle();
    assert.deepEqual(engine.restarted, ['c-web-1'], 'the first crash is restarted at once');

    for (const [n, wait] of [
      [1, 10_000],
      [2, 20_000],
    ] as const) {
      await clock.advance(4_000);
      const diedAt = clock.now();
      crash();
      await settle();
      const scheduled = webState(healer)?.scheduled;
      assert.ok(scheduled, `restart ${n + 1} is scheduled, not skipped`);
      assert.equal(scheduled.kind, 'backoff');
      assert.equal(scheduled.at, diedAt + wait);
      assert.equal(serviceHealText(webState(healer)!, clock.now()), `restart in ${wait / 1000} s (back-off after ${n} restart${n === 1 ? '' : 's'})`);
      await clock.advance(wait / 2);
      assert.equal(
        describeScheduled(scheduled, clock.now()),
        `restart in ${wait / 2000} s (back-off after ${n} restart${n === 1 ? '' : 's'})`,
        'it counts down',
      );
      assert.equal(engine.restarted.length, n, 'not before its time');
      await clock.advance(wait / 2);
      assert.equal(engine.restarted.length, n + 1, `restarted ${wait / 1000} s after the death`);
      const done = audit.entries().at(-1)!;
      assert.equal(done.outcome, 'done');
      assert.equal(done.trigger.kind, 'event', 'recorded under the death it was scheduled for, not as an anonymous re-check');
      assert.match(describeEntry(done), new RegExp(`^web: restart — done \\(died, exit 137; restarted shop-web-1; waited: back-off after ${n} restart`));
      assert.equal(webState(healer)?.scheduled, undefined);
    }

    await clock.advance(4_000);
    crash();
    await settle();
    assert.equal(engine.restarted.length, 3, 'the fourth crash is not restarted');
    assert.deepEqual(outcomes(), ['done', 'done', 'done', 'rate-limited']);
    assert.match(describeEntry(audit.entries().at(-1)!), /^web: restart — gave up \(3 action\(s\) in the last hour did not keep web up\)$/);
    assert.equal(gaveUp.length, 1, 'the escalation: one gave-up notification');
    assert.equal(webState(healer)?.gaveUp, true);
    assert.ok(healer.isIdle());
  });

  it('judges health only after the start-up grace: an unhealthy restart is re-judged at its end, visibly', async () => {
    const healer = await makeHealer();
    crash();
    await settle();
    await clock.advance(5_000);
    engine.set('c-web-1', { health: 'unhealthy' });
    events.fire({ ...event('health_status'), healthStatus: 'unhealthy' });
    await settle();
    const s = webState(healer)!;
    assert.equal(s.scheduled?.kind, 'grace');
    assert.match(serviceHealText(s, clock.now())!, /^restart in 25 s if still unhealthy/);
    await clock.advance(25_000);
    assert.deepEqual(engine.restarted, ['c-web-1', 'c-web-1'], 'still unhealthy at the end of the grace: restarted');
  });

  it('leaves a service the user stopped alone — events and alerts — with one "left alone" row, until it is started again', async () => {
    const healer = await makeHealer();
    engine.set('c-web-1', { state: 'exited', exitCode: 143 });
    events.fire(event('kill'));
    events.fire(event('die', 'c-web-1', { exitCode: 143 }));
    events.fire(event('stop'));
    await clock.advance(3_000);
    assert.deepEqual(outcomes(), ['user-stopped']);
    // the stop was at the clock's start, shown in local time (the machine's time zone, not UTC)
    const stoppedAt = new Date(clock.now() - 3_000).toTimeString().slice(0, 5);
    assert.equal(describeEntry(audit.entries()[0]), `web: restart — left alone (stopped by the user at ${stoppedAt})`);
    assert.equal(serviceHealText(webState(healer)!, clock.now()), `left alone: stopped by the user at ${stoppedAt}`);
    // read the next day, the row says which day: "at 10:00" alone would read as today
    const stopDay = new Date(clock.now() - 3_000);
    const day = `${stopDay.getFullYear()}-${String(stopDay.getMonth() + 1).padStart(2, '0')}-${String(stopDay.getDate()).padStart(2, '0')}`;
    assert.equal(serviceHealText(webState(healer)!, clock.now() + 86_400_000), `left alone: stopped by the user at ${day} ${stoppedAt}`);

    // its target goes down and the alert fires, again and again: nothing is restarted, nothing more recorded
    alerts = [{ fingerprint: 'f1', startsAt: 's1', labels: { alertname: 'ArcanumNeedsRestart', service: 'web', compose_project: PROJECT } }];
    for (let i = 0; i < 3; i++) {
      alertsChanged.fire();
      await clock.advance(2_000);
    }
    assert.deepEqual(engine.restarted, []);
    assert.equal(audit.entries().length, 1, 'recorded once');

    // started again (by anyone): healing resumes
    engine.set('c-web-1', { state: 'running', exitCode: undefined });
    events.fire(event('start'));
    assert.equal(webState(healer)?.stoppedByUserAt, undefined);
    alerts = [];
    crash();
    await settle();
    assert.deepEqual(engine.restarted, ['c-web-1']);
  });

  it('a stop the user undoes at once (Restart Service: kill, die, start) records nothing', async () => {
    const healer = await makeHealer();
    events.fire(event('kill'));
    events.fire(event('die'));
    await clock.advance(400);
    events.fire(event('start'));
    await clock.advance(10_000);
    assert.deepEqual(audit.entries(), []);
    assert.ok(healer.isIdle());
  });

  it("the healer's own restart of a running container (kill, die, start) is neither a stop nor a crash", async () => {
    const healer = await makeHealer();
    engine.hold = new Promise((release) => setImmediate(release));
    engine.set('c-web-1', { health: 'unhealthy' });
    events.fire({ ...event('health_status'), healthStatus: 'unhealthy' });
    await settle(2);
    events.fire(event('kill'));
    events.fire(event('die'));
    await settle();
    events.fire(event('start'));
    await clock.advance(5_000);
    assert.deepEqual(outcomes(), ['done']);
    assert.equal(webState(healer)?.stoppedByUserAt, undefined);
  });

  it("a docker kill right after the healer restarted a crashed container is the user's stop", async () => {
    const healer = await makeHealer();
    crash();
    await settle();
    assert.deepEqual(outcomes(), ['done']);
    await clock.advance(1_000);
    engine.set('c-web-1', { state: 'exited', exitCode: 137 });
    events.fire(event('kill'));
    events.fire(event('die', 'c-web-1', { exitCode: 137 }));
    await clock.advance(3_000);
    assert.deepEqual(outcomes(), ['done', 'user-stopped']);
    assert.ok(webState(healer)?.stoppedByUserAt !== undefined);
    assert.deepEqual(engine.restarted, ['c-web-1']);
  });

  it("a scheduled restart can be cancelled; the cancellation is that decision's outcome", async () => {
    const healer = await makeHealer();
    crash();
    await settle();
    await clock.advance(4_000);
    crash();
    await settle();
    assert.ok(webState(healer)?.scheduled);
    const entry = await healer.cancelScheduled('shop/web');
    assert.equal(entry?.reason, 'cancelled');
    assert.equal(entry?.trigger.kind, 'event');
    assert.match(describeEntry(entry!), /^web: restart — cancelled \(cancelled by the user while waiting \(back-off after 1 restart\)\)$/);
    await clock.advance(60_000);
    assert.equal(engine.restarted.length, 1);
    assert.ok(healer.isIdle());
  });

  it('survives a reload: the scheduled restart and the user stop are kept in workspace state', async () => {
    const first = await makeHealer();
    crash();
    await settle();
    await clock.advance(4_000);
    crash();
    await settle();
    first.dispose();
    const reloaded = await makeHealer();
    assert.equal(webState(reloaded)?.scheduled?.kind, 'backoff');
    await clock.advance(10_000);
    assert.equal(engine.restarted.length, 2, 'the reloaded window ran the scheduled restart');

    // a stop, then a reload: the new window still leaves the service alone
    engine.set('c-web-1', { state: 'exited', exitCode: 143 });
    events.fire(event('kill'));
    events.fire(event('die', 'c-web-1', { exitCode: 143 }));
    await clock.advance(3_000);
    reloaded.dispose();
    const again = await makeHealer();
    assert.ok(webState(again)?.stoppedByUserAt !== undefined, 'the stop survived the reload');
    alerts = [{ fingerprint: 'f2', startsAt: 's2', labels: { alertname: 'ArcanumNeedsRestart', service: 'web', compose_project: PROJECT } }];
    alertsChanged.fire();
    await clock.advance(1_000);
    assert.equal(engine.restarted.length, 2, 'the alert does not undo the stop after a reload');
    assert.equal(audit.entries().filter((e) => e.reason === 'user-stopped').length, 1, 'still recorded once');
  });

  it('an alert that keeps firing unchanged is judged again when its grace or back-off ends, as the skip says', async () => {
    const healer = await makeHealer();
    // the alert source fires on changes only: an alert that stays as it is never fires again
    alerts = [{ fingerprint: 'f3', startsAt: 's3', labels: { alertname: 'ArcanumNeedsRestart', service: 'web', compose_project: PROJECT } }];
    alertsChanged.fire();
    await clock.advance(1_000);
    assert.deepEqual(engine.restarted, ['c-web-1'], 'the first firing restarts at once');
    // the wait is a state the views show, with its countdown
    assert.equal(serviceHealText(webState(healer)!, clock.now()), 'ArcanumNeedsRestart still firing: judged again in 29 s');
    // the restart did not help: the alert still fires, unchanged, through the grace after the action
    await clock.advance(28_000);
    assert.deepEqual(engine.restarted, ['c-web-1'], 'not within the 30 s grace after the action');
    await clock.advance(2_000);
    assert.deepEqual(engine.restarted, ['c-web-1', 'c-web-1'], 'judged again when the grace ended, with no change in the alert list');
    assert.deepEqual(outcomes(), ['done', 'done']);
    // once it resolves, nothing is judged again
    alerts = [];
    alertsChanged.fire();
    await clock.advance(120_000);
    assert.equal(engine.restarted.length, 2);
    assert.equal(webState(healer)?.alertWait, undefined, 'resolved: nothing waits');
    assert.ok(healer.isIdle());
  });

  it('an alert skipped for back-off is restarted when the back-off ends; a spent budget ends the retries', async () => {
    settings = { ...settings, graceMs: 5_000, backoffMs: 20_000 };
    await makeHealer();
    alerts = [{ fingerprint: 'f4', startsAt: 's4', labels: { alertname: 'ArcanumNeedsRestart', service: 'web', compose_project: PROJECT } }];
    alertsChanged.fire();
    await clock.advance(1_000);
    assert.equal(engine.restarted.length, 1);
    await clock.advance(5_000); // the grace after the action ended: judged again, and it must wait out the back-off
    assert.deepEqual(outcomes(), ['done', 'backoff']);
    assert.match(audit.entries()[1].detail ?? '', /^back-off after 1 restart$/);
    await clock.advance(14_500);
    assert.equal(engine.restarted.length, 2, 'restarted when the 20 s back-off ended, the alert unchanged all along');
    await clock.advance(3_600_000);
    assert.equal(engine.restarted.length, 3, 'the third of 3 actions this hour');
    assert.deepEqual(outcomes().slice(-1), ['rate-limited'], 'then it stops: the budget is spent, and it says so once');
    assert.equal(outcomes().filter((o) => o === 'rate-limited').length, 1);
  });

  it('replicas that die together are one action, one budget unit, restarting all of them', async () => {
    engine.containers = [container(1), container(2)];
    const healer = await makeHealer();
    engine.set('c-web-1', { state: 'exited', exitCode: 137 });
    engine.set('c-web-2', { state: 'exited', exitCode: 137 });
    events.fire(event('die', 'c-web-1', { exitCode: 137 }));
    events.fire(event('die', 'c-web-2', { exitCode: 137 }));
    await settle();
    assert.deepEqual([...engine.restarted].sort(), ['c-web-1', 'c-web-2']);
    assert.deepEqual(outcomes(), ['done']);
    assert.match(audit.entries()[0].detail ?? '', /restarted shop-web-1, shop-web-2/);
    assert.equal(limiter.status('shop/web').used, 1);
    assert.ok(healer.isIdle());
  });

  it('a replica that dies while the restart of another runs joins that action', async () => {
    engine.containers = [container(1), container(2)];
    await makeHealer();
    let release!: () => void;
    engine.hold = new Promise((r) => (release = r));
    crash('c-web-1');
    await settle();
    crash('c-web-2');
    await settle();
    release();
    await settle();
    assert.deepEqual(engine.restarted, ['c-web-1', 'c-web-2']);
    assert.deepEqual(outcomes(), ['done']);
    assert.equal(limiter.status('shop/web').used, 1);
  });

  it('a storm is checked with bounded concurrency and few lists; a trigger whose check fails is retried, never dropped', async () => {
    engine.containers = Array.from({ length: 20 }, (_, i) => container(1, { id: `c-s${i}`, name: `shop-s${i}-1`, service: `s${i}` }));
    const healer = await makeHealer({ concurrency: 4 });
    engine.failLists = 1;
    for (const c of engine.containers) {
      engine.set(c.id, { state: 'exited', exitCode: 137 });
      events.fire({ ...event('die', c.id, { exitCode: 137 }), service: c.service, name: c.name });
    }
    await settle(60);
    const retried = healer.serviceStates().filter((s) => s.scheduled?.kind === 'retry');
    assert.ok(retried.length >= 1, 'the failed checks are scheduled again');
    assert.match(serviceHealText(retried[0], clock.now())!, /^check again in 1 s \(could not read the containers: connect EAGAIN/);
    await clock.advance(1_000);
    assert.equal(engine.restarted.length, 20, 'every service healed, none dropped');
    assert.ok(engine.listCalls <= 12, `${engine.listCalls} lists for 20 deaths (shared while in flight)`);
    assert.ok(healer.isIdle());
  });

  it('Heal Now: a spent budget does not refuse it (it still counts); a repeated identical skip is folded, not re-recorded', async () => {
    settings = { ...settings, maxActionsPerHour: 1 };
    const healer = await makeHealer();
    crash();
    await settle();
    await clock.advance(60_000);
    crash();
    await settle();
    assert.deepEqual(outcomes(), ['done', 'rate-limited']);
    alerts = [{ fingerprint: 'x1', startsAt: 's', labels: { alertname: 'ArcanumNeedsRestart', service: 'billing' } }];
    const plan = await healer.plan();
    assert.deepEqual(
      plan.map((s) => describePlanStep(s, clock.now())),
      ['skip ArcanumNeedsRestart — names no service of this workspace', 'restart web — crashed'],
    );
    const pass = await healer.execute(plan);
    assert.deepEqual(
      pass.map((e) => e.outcome),
      ['skipped', 'done'],
    );
    assert.equal(pass[1].manual, true);
    assert.equal(limiter.status('shop/web').used, 2, 'the manual restart counts against the budget');
    await healer.healNow();
    const skips = audit.entries().filter((e) => e.reason === 'not-watched');
    assert.equal(skips.length, 1, 'the second identical skip is folded into the first');
    assert.equal(skips[0].repeats, 1);
    assert.match(
      describeEntry(skips[0]),
      /^ArcanumNeedsRestart: restart — skipped \(names no service of this workspace: "billing" is not a service of the watched projects, ×2, latest \d\d:\d\d\)$/,
    );
  });
});
