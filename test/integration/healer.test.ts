import assert from 'node:assert/strict';
import { DockerClient } from '../../src/clients/dockerClient';
import { ComposeLabels } from '../../src/core/containers';
import type { HealableAlert } from '../../src/core/healPolicy';
import type { AlertSource } from '../../src/healer/alertSource';
import type { ContainerSource } from '../../src/healer/containerSource';
import { Emitter } from '../../src/platform/event';
import { engineApi } from '../support/engineApi';
import { crash, HealerRig, PREFIX, removeProjects, runReplica, startHealer, state, waitFor } from './healerFixtures';

const run = `${PREFIX}${process.pid}-`;

describe('Healer on the real engine', function () {
  this.timeout(120_000);
  const docker = new DockerClient();
  const rigs: HealerRig[] = [];
  const projects: string[] = [];
  const project = (name: string) => {
    const p = `${run}${name}`;
    projects.push(p);
    return p;
  };
  const track = (rig: HealerRig) => (rigs.push(rig), rig);
  const entries = (rig: HealerRig, outcome?: string, reason?: string) =>
    rig.audit.entries().filter((e) => (!outcome || e.outcome === outcome) && (!reason || e.reason === reason));

  before(async () => {
    await docker.ping();
    await removeProjects(docker); // leftovers of a killed earlier run
  });
  afterEach(() => {
    for (const r of rigs.splice(0)) r.healer.dispose();
  });
  after(async () => {
    for (const r of rigs.splice(0)) r.healer.dispose();
    await removeProjects(docker, projects);
  });

  it('restarts a watched container whose PID 1 was killed, within about a second', async () => {
    const p = project('basic');
    const id = await runReplica(docker, { project: p, service: 'web' });
    const rig = track(await startHealer(docker, [p]));
    const before = await state(docker, id);
    const killedAt = Date.now();
    await crash(docker, id);
    await waitFor('a restart', () => entries(rig, 'done').length === 1);
    assert.ok(rig.started[0].issuedAt - killedAt < 1500, `restart issued ${rig.started[0].issuedAt - killedAt} ms after the kill`);
    const after = await waitFor('running again', async () => {
      const s = await state(docker, id);
      return s.status === 'running' ? s : undefined;
    });
    assert.notEqual(after.startedAt, before.startedAt);
    assert.equal(entries(rig)[0].service, `${p}/web`);
    assert.equal(entries(rig)[0].trigger.kind, 'event');
  });

  it('10 crashes in the window: exactly 3 restarts, then "gave up" with one notification; a new healer keeps the budget', async () => {
    const p = project('budget');
    const id = await runReplica(docker, { project: p, service: 'flaky' });
    const rig = track(await startHealer(docker, [p]));
    for (let i = 1; i <= 10; i++) {
      const s = await state(docker, id);
      if (s.status !== 'running') await engineApi().getContainer(id).start(); // a person starts it again by hand
      await waitFor('running', async () => (await state(docker, id)).status === 'running');
      const decided = rig.audit.entries().length;
      await crash(docker, id);
      await waitFor(
        `the decision on crash ${i}`,
        () =>
          rig.audit.entries().length > decided &&
          rig.audit
            .entries()
            .slice(decided)
            .some((e) => e.outcome !== 'skipped' || e.reason === 'rate-limited'),
      );
    }
    assert.equal(entries(rig, 'done').length, 3);
    assert.equal(rig.started.length, 3);
    // one rate-limited decision per later crash (a grace re-check may add its own)
    assert.equal(entries(rig, 'skipped', 'rate-limited').filter((e) => e.trigger.kind === 'event').length, 7);
    assert.equal(rig.gaveUp.length, 1);
    assert.equal(rig.gaveUp[0].key, `${p}/flaky`);
    assert.ok(rig.healer.serviceStates().find((s) => s.key === `${p}/flaky`)?.gaveUp);
    assert.equal((await state(docker, id)).status, 'exited', 'after giving up it stays down');

    // "reload": a new healer on the same persisted workspace state
    rig.healer.dispose();
    const reloaded = track(await startHealer(docker, [p], {}, rig.memento));
    assert.equal(reloaded.limiter.status(`${p}/flaky`).used, 3);
    await engineApi().getContainer(id).start();
    await waitFor('running', async () => (await state(docker, id)).status === 'running');
    const decided = reloaded.audit.entries().length;
    await crash(docker, id);
    await waitFor('the decision', () => reloaded.audit.entries().length > decided);
    assert.equal(reloaded.audit.entries().at(-1)?.reason, 'rate-limited');
    assert.equal(reloaded.started.length, 0);
    assert.equal((await state(docker, id)).status, 'exited');

    await reloaded.healer.resetBudget(`${p}/flaky`);
    const heal = await reloaded.healer.healNow();
    assert.equal(heal.plan.length, 1, 'Heal Now plans the exited service');
    assert.equal(heal.results[0].outcome, 'done');
    await waitFor('running after Heal Now', async () => (await state(docker, id)).status === 'running');
  });

  it('dry-run records the decision and does nothing', async () => {
    const p = project('dry');
    const id = await runReplica(docker, { project: p, service: 'web' });
    const rig = track(await startHealer(docker, [p], { dryRun: true }));
    await crash(docker, id);
    const entry = await waitFor('a dry-run entry', () => entries(rig, 'skipped', 'dry-run')[0]);
    assert.equal(entry.action, 'restart');
    await waitFor('healer idle', () => rig.healer.isIdle());
    assert.equal(rig.started.length, 0);
    assert.equal((await state(docker, id)).status, 'exited');
    assert.equal(rig.limiter.status(`${p}/web`).used, 0, 'a dry run spends no budget');
  });

  it('leaves an opted-out service alone (label realm.heal: "false", or the setting)', async () => {
    const p = project('optout');
    const labelled = await runReplica(docker, { project: p, service: 'db', labels: { [ComposeLabels.healOptOut]: 'false' } });
    const listed = await runReplica(docker, { project: p, service: 'cache' });
    const rig = track(await startHealer(docker, [p], { optOut: ['cache'] }));
    await crash(docker, labelled);
    await crash(docker, listed);
    await waitFor('two opted-out entries', () => entries(rig, 'skipped', 'opted-out').length === 2);
    await waitFor('healer idle', () => rig.healer.isIdle());
    assert.equal(rig.started.length, 0);
    assert.equal((await state(docker, labelled)).status, 'exited');
    assert.equal((await state(docker, listed)).status, 'exited');
  });

  it('does not double up on a container the engine restarts by policy (always, on-failure)', async () => {
    const p = project('policy');
    const always = await runReplica(docker, { project: p, service: 'always', restartPolicy: 'always' });
    const onFailure = await runReplica(docker, { project: p, service: 'onfail', restartPolicy: 'on-failure' });
    const rig = track(await startHealer(docker, [p], { engineRestartGraceMs: 3_000 }));
    await crash(docker, always);
    await crash(docker, onFailure);
    await waitFor('both waits recorded', () => entries(rig, 'skipped', 'already-recovering').length >= 2);
    await waitFor(
      'engine restarted both',
      async () =>
        (await state(docker, always)).restartCount === 1 &&
        (await state(docker, onFailure)).restartCount === 1 &&
        (await state(docker, always)).status === 'running' &&
        (await state(docker, onFailure)).status === 'running',
    );
    await waitFor('the engine-wait re-checks are done', () => rig.healer.isIdle(), 10_000);
    assert.equal(rig.started.length, 0, 'the healer issued no restart of its own');
    assert.equal(entries(rig, 'done').length, 0);
    assert.equal((await state(docker, always)).restartCount, 1);
  });

  it('scales down by removing the newest replica and respects the minimum', async () => {
    const p = project('scale');
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push(await runReplica(docker, { project: p, service: 'worker', number: n }));
    const alerts = new FakeAlerts();
    const rig = track(
      await startHealer(
        docker,
        [p],
        { rules: [{ alertname: 'SystemResourceExhaustion', action: 'scale_down', service: 'worker' }], minReplicas: { worker: 2 } },
        undefined,
        alerts,
      ),
    );
    alerts.set([{ fingerprint: 'sre-1', startsAt: '1', labels: { alertname: 'SystemResourceExhaustion', severity: 'critical' } }]);
    await waitFor('a scale down', () => entries(rig, 'done').length === 1);
    await assert.rejects(engineApi().getContainer(ids[2]).inspect(), 'the newest replica is gone');
    alerts.set([{ fingerprint: 'sre-1', startsAt: '2', labels: { alertname: 'SystemResourceExhaustion', severity: 'critical' } }]);
    await waitFor('the minimum holds', () => entries(rig, 'skipped', 'at-minimum').length === 1);
    for (const id of ids.slice(0, 2)) assert.equal((await state(docker, id)).status, 'running');
  });

  it('leaves arcanum alone when the user stopped it and ArcanumNeedsRestart fires; once started again, the alert heals it', async function () {
    this.timeout(180_000);
    const am = process.env.REALM_IT_ALERTMANAGER_URL ?? 'http://127.0.0.1:19093';
    const prom = process.env.REALM_IT_PROMETHEUS_URL ?? 'http://127.0.0.1:19090';
    const p = project('alert');
    const id = await runReplica(docker, {
      project: p,
      service: 'arcanum',
      hostPort: 19102,
      cmd: ['sh', '-c', 'echo "arcanum_up 1" > /www/metrics && exec httpd -f -p 8080 -h /www'],
    });
    const targetUp = async (up: boolean) => {
      const body = (await (await fetch(`${prom}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ scrapeUrl: string; health: string }> } };
      return body.data.activeTargets.some((t) => t.scrapeUrl.includes('127.0.0.1:19102') && t.health === (up ? 'up' : 'down'));
    };
    await waitFor('Prometheus scrapes 127.0.0.1:19102', () => targetUp(true), 30_000);
    const source = new AlertmanagerPoller(am);
    const firing = async () => (await source.poll()).some((a) => a.labels.alertname === 'ArcanumNeedsRestart' && a.labels.service === 'arcanum');
    await waitFor('no stale ArcanumNeedsRestart for arcanum', async () => !(await firing()), 60_000);
    const rig = track(await startHealer(docker, [p], { graceMs: 3_000 }, undefined, source));
    source.start();
    try {
      await engineApi().getContainer(id).stop({ t: 1 }); // Stop Service / docker stop: kill, die, stop through the API
      await waitFor(
        'ArcanumNeedsRestart to fire for the stopped arcanum',
        () => source.firing().some((a) => a.labels.alertname === 'ArcanumNeedsRestart' && a.labels.service === 'arcanum'),
        60_000,
      );
      const polls = source.polls;
      await waitFor('three more alert passes, the healer idle', () => source.polls >= polls + 3 && rig.healer.isIdle(), 30_000);
      assert.equal((await state(docker, id)).status, 'exited', 'it stays down');
      // (alerts about targets of other tests, e.g. arcanum-probe, are recorded as naming no watched service)
      const mine = rig.audit.entries().filter((e) => e.service === `${p}/arcanum`);
      assert.deepEqual(
        mine.map((e) => e.reason ?? e.outcome),
        ['user-stopped'],
        'one "left alone" row',
      );
      assert.match(mine[0].detail ?? '', /^stopped by the user at \d\d:\d\d$/);
      assert.equal(rig.started.length, 0);

      // started again (by anyone): healing resumes — the next time its target goes down, the alert restarts it
      await engineApi().getContainer(id).start();
      await waitFor('the stop to end', () => rig.healer.serviceStates().every((s) => s.stoppedByUserAt === undefined));
      await waitFor('the target up and the alert resolved', async () => (await targetUp(true)) && !(await firing()), 60_000);
      const exec = await engineApi()
        .getContainer(id)
        .exec({ Cmd: ['rm', '/www/metrics'] });
      await exec.start({});
      const done = await waitFor('the alert-driven restart', () => entries(rig, 'done')[0], 90_000);
      assert.equal(done.trigger.kind, 'alert');
      assert.equal(done.trigger.kind === 'alert' && done.trigger.alertname, 'ArcanumNeedsRestart');
      assert.equal(done.service, `${p}/arcanum`);
      await waitFor('arcanum running again', async () => (await state(docker, id)).status === 'running');
      assert.equal(entries(rig, 'skipped', 'user-stopped').length, 1);
    } finally {
      source.dispose();
    }
  });

  it('two replicas that die together: one action, one budget unit, both running again', async () => {
    const p = project('replicas');
    const ids = [await runReplica(docker, { project: p, service: 'web', number: 1 }), await runReplica(docker, { project: p, service: 'web', number: 2 })];
    const rig = track(await startHealer(docker, [p]));
    const before = await Promise.all(ids.map((id) => state(docker, id)));
    await Promise.all(ids.map((id) => crash(docker, id)));
    const done = await waitFor('the restart', () => entries(rig, 'done')[0]);
    await waitFor(
      'both running again',
      async () => (await Promise.all(ids.map((id) => state(docker, id)))).every((s, i) => s.status === 'running' && s.startedAt !== before[i].startedAt),
      30_000,
    );
    await waitFor('healer idle', () => rig.healer.isIdle());
    assert.equal(
      entries(rig, 'done').length,
      1,
      `one action: ${rig.audit
        .entries()
        .map((e) => e.detail)
        .join(' | ')}`,
    );
    assert.match(done.detail ?? '', new RegExp(`restarted (${p}-web-1, ${p}-web-2|${p}-web-2, ${p}-web-1)`));
    assert.equal(rig.started.length, 1);
    assert.equal(rig.limiter.status(`${p}/web`).used, 1, 'one budget unit');
  });

  it('a first check that fails (engine busy) is retried, not dropped', async () => {
    const p = project('retry');
    const id = await runReplica(docker, { project: p, service: 'web' });
    let failures = 1;
    const flaky: ContainerSource = {
      containersOf: async (projects) => {
        if (failures-- > 0) throw new Error('connect EAGAIN (a socket backlog full)');
        return docker.listComposeContainers(projects);
      },
    };
    const rig = track(await startHealer(docker, [p], {}, undefined, undefined, { containers: flaky }));
    await crash(docker, id);
    await waitFor('the retry to be scheduled', () => rig.healer.serviceStates().some((s) => s.scheduled?.kind === 'retry'), 10_000);
    const done = await waitFor('the restart after the retry', () => entries(rig, 'done')[0], 20_000);
    assert.equal(done.trigger.kind, 'event');
    await waitFor('running again', async () => (await state(docker, id)).status === 'running');
    assert.ok(failures < 0, 'the first check did fail');
  });
});

/** A hand-driven alert source. */
class FakeAlerts implements AlertSource {
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = this.emitter.event;
  private alerts: HealableAlert[] = [];
  set(alerts: HealableAlert[]): void {
    this.alerts = alerts;
    this.emitter.fire();
  }
  firing(): HealableAlert[] {
    return this.alerts;
  }
}

/** The tiny adapter the brief allows while the alert store is built in parallel: polls Alertmanager's v2 API. */
class AlertmanagerPoller implements AlertSource {
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = this.emitter.event;
  private alerts: HealableAlert[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Polls answered so far (tests wait for a few passes after a change). */
  polls = 0;
  constructor(private readonly baseUrl: string) {}
  async poll(): Promise<HealableAlert[]> {
    const res = await fetch(`${this.baseUrl}/api/v2/alerts?active=true&silenced=false&inhibited=false`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`Alertmanager answered ${res.status}`);
    const body = (await res.json()) as Array<{ fingerprint: string; labels: Record<string, string>; startsAt: string; status: { state: string } }>;
    this.alerts = body.filter((a) => a.status.state === 'active').map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, startsAt: a.startsAt }));
    return this.alerts;
  }
  start(): void {
    const tick = () =>
      void this.poll()
        .then(
          () => {
            this.polls++;
            this.emitter.fire();
          },
          () => undefined,
        )
        .finally(() => (this.timer = setTimeout(tick, 500)));
    tick();
  }
  firing(): HealableAlert[] {
    return this.alerts;
  }
  dispose(): void {
    clearTimeout(this.timer);
    this.emitter.dispose();
  }
}
