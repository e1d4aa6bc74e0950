import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { DockerClient } from '../../src/clients/dockerClient';
import { ServicesSnapshot, ServiceStore } from '../../src/state/serviceStore';
import { memoryLogger } from '../support/memoryLogger';
import { ComposeLabels } from '../../src/core/containers';

const PROJECT = 'realmit-store';

/** Creates a container labelled as compose would, so the store sees it as part of PROJECT. */
async function composeContainer(docker: Docker, service: string, number: number, extra: Partial<Docker.ContainerCreateOptions> = {}) {
  const c = await docker.createContainer({
    name: `${PROJECT}_${service}_${number}`,
    Image: 'realm-test/busybox:web',
    Labels: { [ComposeLabels.project]: PROJECT, [ComposeLabels.service]: service, [ComposeLabels.number]: String(number) },
    HostConfig: { Init: true },
    ...extra,
  });
  await c.start();
  return c;
}

/** Resolves with the first snapshot (current or future) that satisfies `pred`. */
function waitForSnapshot(store: ServiceStore, pred: (s: ServicesSnapshot) => boolean, what: string, timeoutMs = 30_000): Promise<ServicesSnapshot> {
  return new Promise((resolve, reject) => {
    if (pred(store.snapshot)) return resolve(store.snapshot);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}; last: ${JSON.stringify(store.snapshot.groups.map((g) => [g.service, g.status]))}`));
    }, timeoutMs);
    const sub = store.onDidChange((s) => {
      if (pred(s)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(s);
      }
    });
  });
}

describe('ServiceStore against the real Docker engine', function () {
  this.timeout(120_000);
  const docker = new Docker({ socketPath: process.env.DOCKER_HOST!.replace('unix://', '') });
  const client = new DockerClient({ dockerHost: process.env.DOCKER_HOST });
  let store: ServiceStore;
  const logger = memoryLogger();
  let keepAlive: { dispose(): void };

  before(async () => {
    await removeProject(docker);
    store = new ServiceStore(client, [{ name: PROJECT, role: 'app', declaredServices: ['web', 'never'] }], logger);
    keepAlive = store.onDidChange(() => undefined); // a listener starts the store
  });
  after(async () => {
    keepAlive?.dispose();
    store?.dispose();
    await removeProject(docker);
  });

  it('lists declared services as not created before anything runs', async () => {
    const s = await waitForSnapshot(store, (x) => x.engine === 'reachable', 'engine reachable');
    assert.deepEqual(
      s.groups.map((g) => [g.service, g.status]),
      [
        ['never', 'not-created'],
        ['web', 'not-created'],
      ],
    );
  });

  it('shows a started container, then healthy, each within 1 s of the engine event', async () => {
    await composeContainer(docker, 'web', 1);
    const running = await waitForSnapshot(
      store,
      (x) => x.groups.some((g) => g.service === 'web' && (g.status === 'starting' || g.status === 'healthy')),
      'web starting',
    );
    const healthy = await waitForSnapshot(store, (x) => x.groups.some((g) => g.service === 'web' && g.status === 'healthy'), 'web healthy');
    for (const s of [running, healthy]) {
      assert.ok(s.cause, 'the refresh was caused by an engine event');
      const latency = s.updatedAt - s.cause.receivedAt;
      assert.ok(latency < 1000, `tree state within 1 s of the event (took ${latency} ms)`);
    }
  });

  it('reports a killed container as exited with its code, and a second replica as partial', async () => {
    const second = await composeContainer(docker, 'web', 2);
    await waitForSnapshot(store, (x) => x.groups.find((g) => g.service === 'web')?.containers.length === 2, 'two replicas');
    await second.kill({ signal: 'SIGKILL' });
    const s = await waitForSnapshot(store, (x) => x.groups.find((g) => g.service === 'web')?.status === 'partial', 'web partial');
    const replica = s.groups.find((g) => g.service === 'web')!.containers.find((c) => c.number === 2)!;
    assert.equal(replica.state, 'exited');
    assert.equal(replica.exitCode, 137);
  });

  it('shows a stopped container and an unhealthy one, each within 1 s of the engine event', async () => {
    // sh supervises httpd, so killing httpd fails the health check while the container keeps running
    const sick = await composeContainer(docker, 'sick', 1, { Cmd: ['sh', '-c', 'httpd -f -p 8080 -h /www & wait; while true; do sleep 1; done'] });
    await waitForSnapshot(store, (x) => x.groups.find((g) => g.service === 'sick')?.status === 'healthy', 'sick healthy first', 60_000);
    const exec = await sick.exec({ Cmd: ['sh', '-c', 'kill $(pidof httpd)'] });
    await new Promise<void>((resolve, reject) => exec.start({}, (err, stream) => (err ? reject(err) : (stream!.on('end', () => resolve()), stream!.resume()))));
    const unhealthy = await waitForSnapshot(store, (x) => x.groups.find((g) => g.service === 'sick')?.status === 'unhealthy', 'sick unhealthy', 60_000);
    assert.equal(unhealthy.cause?.action, 'health_status');
    assert.ok(unhealthy.updatedAt - unhealthy.cause!.receivedAt < 1000, 'unhealthy within 1 s of the health event');

    await sick.stop({ t: 1 });
    const stopped = await waitForSnapshot(store, (x) => x.groups.find((g) => g.service === 'sick')?.status === 'exited', 'sick exited after stop');
    assert.ok(stopped.cause, 'the refresh was caused by an engine event');
    assert.ok(stopped.updatedAt - stopped.cause.receivedAt < 1000, 'stopped within 1 s of the event');
  });

  it('does no work while nobody listens', async () => {
    keepAlive.dispose();
    const before = store.snapshot;
    await composeContainer(docker, 'idle', 1);
    await new Promise((r) => setTimeout(r, 500)); // absence of work can only be shown over a window
    assert.equal(store.snapshot, before, 'no refresh happened without listeners');
    keepAlive = store.onDidChange(() => undefined);
    await waitForSnapshot(store, (x) => x.groups.some((g) => g.service === 'idle'), 'idle listed after a listener came back');
  });
});

async function removeProject(docker: Docker): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${ComposeLabels.project}=${PROJECT}`] }) });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
