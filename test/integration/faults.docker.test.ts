/**
 * Fault: the Docker engine dies mid-stream (SIGKILL) and comes back. Runs against a PRIVATE dockerd
 * under /tmp/rf-dk (no bridge, no iptables) so the shared harness engine is never touched.
 */
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { DockerClient, EngineEvent } from '../../src/clients/dockerClient';
import { ComposeLabels } from '../../src/core/containers';
import { RATE_LIMIT_STORAGE_KEY } from '../../src/core/rateLimiter';
import { Healer } from '../../src/healer/healer';
import { memoryLogger } from '../support/memoryLogger';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { ServicesSnapshot, ServiceStore } from '../../src/state/serviceStore';
import { startHealer } from './healerFixtures';
import { alive, copyImage, PrivateDockerd, recordUnhandledRejections, waitFor } from './faultsSupport';

const ROOT = '/tmp/rf-dk';
const PROJECT = 'rf-faults';
const IMAGE = 'realm-test/busybox:base';

describe('Faults: the Docker engine is killed mid-stream and started again', function () {
  this.timeout(150_000);
  const dockerd = new PrivateDockerd(ROOT);
  const engine = new Docker({ socketPath: dockerd.socket });
  const logger = memoryLogger(process.env.REALM_FAULTS_DEBUG === '1');
  const rejections = recordUnhandledRejections();
  let store: ServiceStore | undefined;
  let healer: Healer | undefined;

  before(async function () {
    PrivateDockerd.cleanStale(ROOT);
    const startMs = await dockerd.start();
    console.log(`      private dockerd answered ${startMs} ms after start`);
    await copyImage(new Docker({ socketPath: (process.env.DOCKER_HOST ?? 'unix:///tmp/realm-it/docker.sock').replace('unix://', '') }), engine, IMAGE);
  });

  after(async function () {
    healer?.dispose();
    store?.dispose();
    rejections.dispose();
    const pid = dockerd.proc?.pid;
    await dockerd.teardown();
    assert.ok(!alive(pid), `our dockerd (${pid}) is gone (not even a zombie)`);
  });

  it('the store shows "unreachable", the healer spends nothing, one warning; both recover by themselves', async () => {
    // a compose-labelled container with no network (the harness owns the bridge)
    const created = await engine.createContainer({
      name: `${PROJECT}-web-1`,
      Image: IMAGE,
      Cmd: ['sleep', '100000'],
      Labels: { [ComposeLabels.project]: PROJECT, [ComposeLabels.service]: 'web', [ComposeLabels.number]: '1', [ComposeLabels.oneoff]: 'False' },
      HostConfig: { Init: true, NetworkMode: 'none', RestartPolicy: { Name: 'no' } },
    });
    await created.start();
    const id = created.id;

    // wired as in extension.ts: one store, the healer fed by the store's engine events
    const docker = new DockerClient({ dockerHost: dockerd.host, timeoutMs: 5_000 });
    let connects = 0;
    const streamEvents = docker.streamEvents.bind(docker);
    docker.streamEvents = (on, projects) => (connects++, streamEvents(on, projects));
    store = new ServiceStore(docker, [{ name: PROJECT, role: 'app' }], logger);
    const snapshots: ServicesSnapshot[] = [];
    store.onDidChange((s) => snapshots.push(s));
    const memento = new InMemoryMemento();
    const events: EngineEvent[] = [];
    store.onEngineEvent((e) => events.push(e));
    // the healer keeps no workspace state here: only the budget and the audit use the memento
    const rig = await startHealer(docker, [PROJECT], { dryRun: false }, memento, undefined, { logger, engineEvents: store.onEngineEvent, state: undefined });
    healer = rig.healer;
    const { audit, limiter } = rig;

    const running = (s: ServicesSnapshot) => s.engine === 'reachable' && s.containers.some((c) => c.id === id && c.state === 'running');
    await waitFor('the store to list the running container', () => running(store!.snapshot));
    const historyBefore = JSON.stringify(memento.get(RATE_LIMIT_STORAGE_KEY) ?? {});
    const auditBefore = audit.entries().length;
    const linesBefore = logger.lines.length;

    // --- the engine dies
    const killedAt = Date.now();
    await dockerd.kill();
    await waitFor('engine: unreachable', () => store!.snapshot.engine === 'unreachable', 20_000);
    const detectedMs = Date.now() - killedAt;
    // let the store retry a few times with its backoff while the engine stays down
    const connectsAtOutage = connects;
    await waitFor('two more reconnect attempts', () => connects >= connectsAtOutage + 2, 30_000);
    const outageLines = logger.lines.slice(linesBefore);
    const warnings = outageLines.filter((l) => l.startsWith('[warn]') || l.startsWith('[error]'));
    assert.equal(warnings.length, 1, `one warning per outage, got:\n${warnings.join('\n')}`);
    assert.match(warnings[0], /Docker engine unreachable/);
    assert.equal(store.snapshot.engine, 'unreachable');
    assert.ok(store.snapshot.engineError, 'the welcome view has a reason to show');
    assert.equal(audit.entries().length, auditBefore, 'the healer recorded nothing during the outage');
    assert.equal(JSON.stringify(memento.get(RATE_LIMIT_STORAGE_KEY) ?? {}), historyBefore, 'no budget spent on the outage');

    // --- the engine comes back (same data root, as a restarted daemon)
    const restartMs = await dockerd.start(90_000);
    const readyAt = Date.now();
    const outageMs = readyAt - killedAt;
    await waitFor(
      'engine: reachable again, listing the container',
      () => store!.snapshot.engine === 'reachable' && store!.snapshot.containers.some((c) => c.id === id),
      40_000,
      20,
    );
    const recoveredMs = Date.now() - readyAt;
    console.log(
      `      unreachable shown ${detectedMs} ms after SIGKILL; dockerd back after ${restartMs} ms; store reachable ${recoveredMs} ms after the engine answered (outage ${outageMs} ms)`,
    );
    // backoff doubles from 1 s while the engine is down, so the next attempt comes within ≈ the outage's length (capped at 30 s)
    assert.ok(
      recoveredMs <= Math.min(30_000, Math.max(1_000, outageMs)) + 2_000,
      `recovered within one retry interval (${recoveredMs} ms after an outage of ${outageMs} ms)`,
    );
    assert.equal(logger.lines.filter((l) => l.includes('Docker engine reachable again')).length, 1);
    assert.equal(JSON.stringify(memento.get(RATE_LIMIT_STORAGE_KEY) ?? {}), historyBefore, 'the restart of the engine spent no budget');

    // --- the healer works again: a new crash after recovery is healed
    const c = engine.getContainer(id);
    const afterRestart = (await c.inspect()).State;
    console.log(`      the container after the engine restart: ${afterRestart.Status}${afterRestart.Running ? '' : ` (exit ${afterRestart.ExitCode})`}`);
    if (!afterRestart.Running) await c.start();
    await waitFor('the store to see the container running', () => running(store!.snapshot), 20_000);
    const decided = audit.entries().length;
    const pid = (await c.inspect()).State.Pid;
    const crashedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const done = await waitFor(
      'the healer to restart the crashed container',
      () =>
        audit
          .entries()
          .slice(decided)
          .find((e) => e.outcome === 'done'),
      30_000,
    );
    console.log(`      healer restarted the container ${done.time - crashedAt} ms after a crash that followed the recovery`);
    assert.equal(done.service, `${PROJECT}/web`);
    assert.equal(done.trigger.kind, 'event');
    assert.equal(limiter.status(`${PROJECT}/web`).used, 1, 'exactly the one real crash is counted');
    await waitFor('running again', async () => (await c.inspect()).State.Running, 20_000);
    assert.deepEqual(rejections.reasons, [], 'no unhandled promise rejection');
  });
});
