import assert from 'node:assert/strict';
import { readContainerLogs } from '../../src/clients/containerLogs';
import { DockerClient } from '../../src/clients/dockerClient';
import { ComposeLabels } from '../../src/core/containers';
import { crashReason } from '../../src/core/incidents';
import { buildPostMortem } from '../../src/core/postMortem';
import { systemClock, systemTimers } from '../../src/platform/clock';
import { memoryLogger } from '../support/memoryLogger';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { IncidentStore } from '../../src/state/incidentStore';
import { ServiceStore, storeContainerSource } from '../../src/state/serviceStore';
import { HealerRig, PREFIX, removeProjects, runReplica, startHealer, waitFor } from './healerFixtures';
import { engineApi } from '../support/engineApi';

const SETTLE_MS = 2_000;

describe('Incidents on the real engine', function () {
  this.timeout(120_000);
  const docker = new DockerClient();
  const project = `${PREFIX}${process.pid}-incident`;
  let store: ServiceStore | undefined;
  let incidents: IncidentStore | undefined;
  let rig: HealerRig | undefined;

  before(async () => {
    await docker.ping();
    await removeProjects(docker, [project]);
  });
  after(async () => {
    rig?.healer.dispose();
    incidents?.dispose();
    store?.dispose();
    await removeProjects(docker, [project]);
  });

  it('a service that exits with an error after printing lines: one incident with the die, exit code and lines, the healer restart and the recovery', async () => {
    const logger = memoryLogger(process.env.REALM_HEALER_DEBUG === '1');
    store = new ServiceStore(docker, [{ name: project, role: 'app' }], logger, { coalesceMs: 50 });
    const memento = new InMemoryMemento();
    rig = await startHealer(docker, [project], {}, memento, undefined, { engineEvents: store.onEngineEvent, containers: storeContainerSource(store) });
    // wired as activate() wires it: the store's events, the healer's trail, the engine's logs of a dead container
    incidents = new IncidentStore(
      {
        engineEvents: store.onEngineEvent,
        services: store,
        decisions: rig.audit.onDidChange,
        projects: () => [project],
        lastLines: (id, tail, untilMs) => readContainerLogs(docker, id, { tail, timestamps: false, untilMs }),
      },
      { memento, clock: systemClock, timers: systemTimers, logger, settleMs: SETTLE_MS },
    );
    await waitFor('the store to reach the engine', () => store?.snapshot.engine === 'reachable');

    // the first run prints and fails; the healer's restart finds the marker and stays up
    const script =
      "if [ -f /tmp/ran ]; then exec sleep 100000; fi; touch /tmp/ran; echo 'starting worker'; echo 'Error: ECONNREFUSED db:5432 <b>|</b> `x`'; sleep 2; exit 3";
    await runReplica(docker, { project, service: 'worker', cmd: ['sh', '-c', script] });

    const key = `${project}/worker`;
    const incident = await waitFor('the incident to open', () => incidents?.openOf(key));
    assert.equal(incident.cause, 'crash');
    assert.equal(incident.exitCode, 3);
    assert.ok(!incident.oomKilled);
    assert.ok(incident.ranForMs !== undefined && incident.ranForMs >= 1500 && incident.ranForMs < 10_000, `ran for ${incident.ranForMs} ms`);
    await waitFor("the dead container's last lines", () => incident.logLines?.some((l) => l.includes('ECONNREFUSED')));
    const closed = await waitFor('the recovery to close it', () => incident.closedAt !== undefined, 60_000);
    assert.ok(closed);
    const kinds = incident.timeline.map((t) => t.kind);
    assert.equal(kinds[0], 'die');
    for (const k of ['healer', 'start', 'recovering', 'closed'] as const) assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`);
    assert.equal(incident.fixedBy, "the healer's restart");
    assert.ok(incident.closedAt! - incident.openedAt >= SETTLE_MS);
    assert.equal(incidents.all().filter((i) => i.key === key).length, 1, 'one incident');

    const md = buildPostMortem(incident, Date.now());
    assert.match(md, /\| Crash \| exit 3 after [12]s \|/);
    assert.ok(md.includes('Error: ECONNREFUSED db:5432 <b>|</b> `x`\n'), `the log line verbatim inside the fence:\n${md}`);
    assert.ok(md.includes("| What fixed it | the healer's restart |"));
  });

  it("an unhealthy service: the incident keeps the failing health check's last output (inspect State.Health.Log)", async () => {
    const logger = memoryLogger(process.env.REALM_HEALER_DEBUG === '1');
    const unhealthy = `${project}-health`;
    await removeProjects(docker, [unhealthy]);
    const services = new ServiceStore(docker, [{ name: unhealthy, role: 'app' }], logger, { coalesceMs: 50 });
    const watcher = new IncidentStore(
      {
        engineEvents: services.onEngineEvent,
        services,
        projects: () => [unhealthy],
        inspect: (id) => docker.inspectContainer(id),
      },
      { memento: new InMemoryMemento(), clock: systemClock, timers: systemTimers, logger, settleMs: SETTLE_MS },
    );
    try {
      await waitFor('the store to reach the engine', () => services.snapshot.engine === 'reachable');
      const c = await engineApi().createContainer({
        name: `${unhealthy}-api-1`,
        Image: 'realm-test/busybox:base',
        Cmd: ['sleep', '100000'],
        Labels: { [ComposeLabels.project]: unhealthy, [ComposeLabels.service]: 'api', [ComposeLabels.number]: '1', [ComposeLabels.oneoff]: 'False' },
        // a check that fails and says why, as `curl`/`wget` checks do
        Healthcheck: {
          Test: ['CMD-SHELL', 'echo "GET /health: connect to db:5432 refused"; exit 1'],
          Interval: 1_000_000_000,
          Timeout: 1_000_000_000,
          Retries: 1,
        },
        HostConfig: { Init: true },
      });
      await c.start();
      const incident = await waitFor('the unhealthy incident', () => watcher.openOf(`${unhealthy}/api`), 30_000);
      assert.equal(incident.cause, 'unhealthy');
      await waitFor("the check's output", () => incident.healthOutput?.includes('connect to db:5432 refused'));
      assert.equal(crashReason(incident), 'unhealthy: GET /health: connect to db:5432 refused');
      assert.match(buildPostMortem(incident, Date.now()), /The failing health check's last output:\n\n```text\nGET \/health: connect to db:5432 refused\n/);
    } finally {
      watcher.dispose();
      services.dispose();
      await removeProjects(docker, [unhealthy]);
    }
  });
});
