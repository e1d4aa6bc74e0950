import assert from 'node:assert/strict';
import type { DockerClient, EngineEvent } from '../../src/clients/dockerClient';
import { DockerError } from '../../src/clients/dockerClient';
import { ComposeLabels, ContainerInfo } from '../../src/core/containers';
import { memoryLogger } from '../support/memoryLogger';
import { ServiceStore, storeContainerSource } from '../../src/state/serviceStore';
import { waitUntil } from '../support/waitFor';
import { containerInfo } from '../support/containerInfo';

const container = (id: string, service: string, number: number, over: Partial<ContainerInfo> = {}): ContainerInfo =>
  containerInfo({
    id,
    name: `app-${service}-${number}`,
    service,
    number,
    labels: { [ComposeLabels.project]: 'app', [ComposeLabels.service]: service },
    ...over,
  });

/** An engine whose containers, event stream and failures the test controls; it counts every request. */
class CountingEngine {
  containers = new Map<string, ContainerInfo>();
  lists = 0;
  inspects: string[] = [];
  failInspect: DockerError | undefined;
  inspectDelayMs = 0;
  private emit: ((e: EngineEvent) => void) | undefined;
  private closeStream: ((e: Error | undefined) => void) | undefined;
  streams = 0;

  async ping(): Promise<void> {}
  async listComposeContainers(): Promise<ContainerInfo[]> {
    this.lists++;
    return [...this.containers.values()].map((c) => ({ ...c }));
  }
  async inspectContainer(id: string): Promise<ContainerInfo> {
    this.inspects.push(id);
    if (this.inspectDelayMs) await new Promise((r) => setTimeout(r, this.inspectDelayMs));
    if (this.failInspect) throw this.failInspect;
    const c = this.containers.get(id);
    if (!c) throw new DockerError('not-found', 'inspect', 'fake', `no such container: ${id}`, 404);
    return { ...c };
  }
  async streamEvents(onEvent: (e: EngineEvent) => void): Promise<{ closed: Promise<Error | undefined>; dispose(): void }> {
    this.streams++;
    this.emit = onEvent;
    return { closed: new Promise((r) => (this.closeStream = r)), dispose: () => undefined };
  }
  event(action: string, id: string, over: Partial<EngineEvent> = {}): void {
    const c = this.containers.get(id);
    this.emit!({
      action,
      containerId: id,
      name: c?.name ?? id,
      project: 'app',
      service: c?.service,
      time: Date.now(),
      receivedAt: Date.now(),
      attributes: {},
      ...over,
    });
  }
  endStream(): void {
    this.closeStream?.(undefined);
  }
  get requests(): number {
    return this.lists + this.inspects.length;
  }
}

function start(engine: CountingEngine, coalesceMs = 20) {
  const store = new ServiceStore(engine as unknown as DockerClient, [{ name: 'app', role: 'app' }], memoryLogger(), { coalesceMs, minBackoffMs: 10 });
  const sub = store.onDidChange(() => undefined);
  return {
    store,
    dispose: () => {
      sub.dispose();
      store.dispose();
    },
  };
}

describe('ServiceStore: one request per engine event', () => {
  it('lists once, then inspects only the container an event names, whatever the project size', async () => {
    const engine = new CountingEngine();
    for (let i = 1; i <= 200; i++) engine.containers.set(`c${i}`, container(`c${i}`, `svc${i}`, 1));
    const { store, dispose } = start(engine);
    try {
      await waitUntil('the first list', () => store.snapshot.containers.length === 200, 5000);
      assert.equal(engine.lists, 1);
      assert.equal(engine.inspects.length, 0, 'the list is not followed by inspects of its own');
      engine.containers.get('c7')!.state = 'exited';
      engine.containers.get('c7')!.exitCode = 137;
      engine.event('die', 'c7');
      await waitUntil('the exit to show', () => store.containersOf('app', 'svc7')[0]?.state === 'exited', 5000);
      assert.deepEqual(engine.inspects, ['c7'], 'one inspect, of that container');
      assert.equal(engine.lists, 1, 'no second list');
      assert.equal(store.containersOf('app', 'svc7')[0].exitCode, 137);
      assert.equal(store.snapshot.groups.find((g) => g.service === 'svc7')?.status, 'exited');
    } finally {
      dispose();
    }
  });

  it('coalesces a burst for one container into one inspect, and forgets a destroyed one without asking', async () => {
    const engine = new CountingEngine();
    engine.containers.set('a', container('a', 'web', 1));
    engine.containers.set('b', container('b', 'web', 2));
    const { store, dispose } = start(engine, 200);
    try {
      await waitUntil('the first list', () => store.snapshot.containers.length === 2, 5000);
      engine.containers.get('a')!.restartCount = 1;
      for (const action of ['kill', 'die', 'start', 'restart']) engine.event(action, 'a');
      engine.containers.delete('b');
      engine.event('die', 'b');
      engine.event('destroy', 'b');
      await waitUntil('the burst to be applied', () => store.snapshot.containers.length === 1 && store.containersOf('app', 'web')[0].restartCount === 1, 5000);
      assert.deepEqual(engine.inspects, ['a'], 'four events for a: one inspect; b destroyed: none');
    } finally {
      dispose();
    }
  });

  it('answers whenCurrent() from a listener as of the event, without waiting out the coalescing window', async () => {
    const engine = new CountingEngine();
    engine.containers.set('a', container('a', 'web', 1));
    const { store, dispose } = start(engine, 60_000);
    try {
      await waitUntil('the first list', () => store.snapshot.engine === 'reachable', 5000);
      const seen: (ContainerInfo['state'] | undefined)[] = [];
      const sub = store.onEngineEvent(async () => {
        await store.whenCurrent();
        seen.push(store.containersOf('app', 'web')[0]?.state);
      });
      engine.containers.get('a')!.state = 'exited';
      engine.event('die', 'a');
      await waitUntil('the listener to read the store', () => seen.length === 1, 5000);
      sub.dispose();
      assert.deepEqual(seen, ['exited']);
      assert.equal(engine.requests, 2, 'one list at start, one inspect for the event');
      await store.whenCurrent();
      assert.equal(engine.requests, 2, 'nothing pending: no request');
    } finally {
      dispose();
    }
  });

  it('answers whenCurrent() after one pass, while a storm of events keeps the engine busy', async () => {
    const engine = new CountingEngine();
    for (let i = 0; i < 40; i++) engine.containers.set(`c${i}`, container(`c${i}`, `s${i}`, 1));
    const { store, dispose } = start(engine, 10);
    try {
      await waitUntil('the first list', () => store.snapshot.containers.length === 40, 5000);
      engine.inspectDelayMs = 100;
      engine.containers.get('c0')!.state = 'exited';
      engine.event('die', 'c0');
      let next = 1;
      // the deaths keep coming for as long as 40 passes of 100 ms would take
      const storm = setInterval(() => {
        if (next < 40) engine.event('die', `c${next++}`);
      }, 60);
      try {
        const answer = await store.whenCurrent();
        assert.equal(answer.containers.find((c) => c.id === 'c0')?.state, 'exited');
        assert.ok(next < 40, `answered while the storm went on (after ${next} of 40 deaths), not when it ended`);
      } finally {
        clearInterval(storm);
      }
    } finally {
      dispose();
    }
  });

  it('lists again after the event stream reconnects, and after a failed read', async () => {
    const engine = new CountingEngine();
    engine.containers.set('a', container('a', 'web', 1));
    const { store, dispose } = start(engine);
    try {
      await waitUntil('the first list', () => engine.lists === 1, 5000);
      engine.containers.set('n', container('n', 'new', 1));
      engine.endStream();
      await waitUntil('a second stream and list', () => engine.streams === 2 && store.snapshot.containers.length === 2, 5000);
      assert.equal(engine.lists, 2);

      engine.failInspect = new DockerError('timeout', 'inspect', 'fake', 'Docker engine at fake did not answer inspect within 10 s');
      engine.event('die', 'a');
      await assert.rejects(store.whenCurrent(), /did not answer inspect/);
      assert.equal(store.snapshot.engine, 'unreachable');
      engine.failInspect = undefined;
      await store.whenCurrent();
      assert.equal(engine.lists, 3, 'what the failed read missed is read by one list');
      assert.equal(store.snapshot.engine, 'reachable');
    } finally {
      dispose();
    }
  });

  it('lists the replicas of a service by number, and every service of a project without a service', async () => {
    const engine = new CountingEngine();
    engine.containers.set('w2', container('w2', 'web', 2));
    engine.containers.set('w1', container('w1', 'web', 1, { oomKilled: true, state: 'exited', exitCode: 137 }));
    engine.containers.set('d1', container('d1', 'db', 1));
    const { store, dispose } = start(engine);
    try {
      await waitUntil('the first list', () => store.snapshot.containers.length === 3, 5000);
      assert.deepEqual(
        store.containersOf('app', 'web').map((c) => [c.id, c.oomKilled ?? false]),
        [
          ['w1', true],
          ['w2', false],
        ],
      );
      assert.deepEqual(
        store
          .containersOf('app')
          .map((c) => c.id)
          .sort(),
        ['d1', 'w1', 'w2'],
      );
      assert.deepEqual(store.containersOf('other'), []);
      const source = storeContainerSource(store);
      engine.containers.get('d1')!.state = 'exited';
      engine.event('die', 'd1');
      const read = await source.containersOf(['app', 'app']);
      assert.equal(read.length, 3, 'each project once');
      assert.equal(read.find((c) => c.id === 'd1')?.state, 'exited', 'as of the event, not the coalescing window later');
      assert.equal(engine.lists, 1, 'the source reads the store, not the engine list');
    } finally {
      dispose();
    }
  });

  it("gives the healer a death from the event itself, before any inspect, while a storm's inspects are slow", async () => {
    const engine = new CountingEngine();
    for (let i = 0; i < 40; i++) engine.containers.set(`c${i}`, container(`c${i}`, `s${i}`, 1));
    const { store, dispose } = start(engine, 10);
    try {
      await waitUntil('the first list', () => store.snapshot.containers.length === 40, 5000);
      engine.inspectDelayMs = 300;
      const source = storeContainerSource(store);
      const judged: { state?: string; exitCode?: number; inspectsBefore: number }[] = [];
      const sub = store.onEngineEvent(async (e) => {
        const read = await source.containersOf(['app']);
        const c = read.find((x) => x.id === e.containerId);
        judged.push({ state: c?.state, exitCode: c?.exitCode, inspectsBefore: engine.inspects.length });
      });
      for (let i = 0; i < 40; i++) {
        engine.containers.get(`c${i}`)!.state = 'exited';
        engine.event('die', `c${i}`, { exitCode: 3 });
      }
      await waitUntil('every death judged', () => judged.length === 40, 5000);
      sub.dispose();
      assert.deepEqual(judged[0], { state: 'exited', exitCode: 3, inspectsBefore: 0 }, 'the first death is read as the event told it, with no inspect first');
      assert.ok(
        judged.every((j) => j.state === 'exited' && j.exitCode === 3),
        'each death as its event told it',
      );
      await waitUntil(
        'the inspects to refine the records',
        () => engine.inspects.length === 40 && store.snapshot.containers.every((c) => c.state === 'exited'),
        20_000,
      );
    } finally {
      dispose();
    }
  });

  it('waits for an inspect for a container it has not seen, and keeps an event newer than a slow inspect', async () => {
    const engine = new CountingEngine();
    engine.containers.set('a', container('a', 'web', 1));
    const { store, dispose } = start(engine, 10);
    try {
      await waitUntil('the first list', () => store.snapshot.containers.length === 1, 5000);
      const source = storeContainerSource(store);
      engine.containers.set('n', container('n', 'web', 2, { state: 'created' }));
      engine.event('create', 'n');
      const read = await source.containersOf(['app']);
      assert.deepEqual(engine.inspects, ['n'], 'an unknown container is inspected before it is answered');
      assert.equal(read.find((c) => c.id === 'n')?.state, 'created');

      // the engine answers the inspect as of before the start that follows the death
      engine.inspectDelayMs = 200;
      engine.containers.get('a')!.state = 'exited';
      engine.event('die', 'a', { exitCode: 1 });
      await waitUntil('the inspect of the death to be on its way', () => engine.inspects.length === 2, 5000);
      engine.event('start', 'a');
      assert.equal((await source.containersOf(['app'])).find((c) => c.id === 'a')?.state, 'running', 'the start applies at once');
      await waitUntil(
        'the first inspect to come back',
        () => !!store.snapshot.cause && engine.inspects.length >= 2 && store.snapshot.containers.length === 2,
        5000,
      );
      assert.notEqual(store.appliedContainers(['app'])?.find((c) => c.id === 'a')?.state, 'exited', 'the older answer does not undo the newer event');
      engine.containers.get('a')!.state = 'running';
      await waitUntil('a second inspect to confirm it', () => engine.inspects.filter((id) => id === 'a').length === 2, 5000);
    } finally {
      dispose();
    }
  });
});
