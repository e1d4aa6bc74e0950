import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Server } from 'node:net';
import Docker from 'dockerode';
import { DockerClient } from '../../src/clients/dockerClient';
import { ComposeLabels } from '../../src/core/containers';
import { memoryLogger } from '../support/memoryLogger';
import { ServicesSnapshot, ServiceStore } from '../../src/state/serviceStore';
import { CountedRequest, startCountingProxy } from '../support/countingProxy';
import { nextEvent, waitUntil } from '../support/waitFor';

// The service store on the real engine, through a counting proxy: what one container's state
// change costs must not grow with the project. Containers: realmscale-it-<pid>-…, removed after.
const PROJECT = `realmscale-it-${process.pid}`;
const CHANGES = 8;

describe('ServiceStore engine requests per event on the real engine', function () {
  this.timeout(180_000);
  const enginePath = process.env.DOCKER_HOST!.replace('unix://', '');
  const raw = new Docker({ socketPath: enginePath });
  const proxyPath = path.join(os.tmpdir(), `realmscale-it-${process.pid}.sock`);
  const requests: CountedRequest[] = [];
  let proxy: Server;
  /** Engine events that reached the extension's side of the proxy, as the engine sent them. */
  let streamed = '';
  let store: ServiceStore;
  let keep: { dispose(): void };
  const ids: string[] = [];

  async function grow(to: number): Promise<void> {
    for (let i = ids.length; i < to; i++) {
      const c = await raw.createContainer({
        name: `${PROJECT}-s${i}-1`,
        Image: 'realm-test/busybox:base',
        Cmd: ['sleep', '100000'],
        Labels: { [ComposeLabels.project]: PROJECT, [ComposeLabels.service]: `s${i}`, [ComposeLabels.number]: '1' },
        HostConfig: { Init: true, NetworkMode: 'none' },
      });
      await c.start();
      ids.push(c.id);
    }
    await waitUntil(`the store to show ${to} running`, () => store.snapshot.containers.filter((c) => c.state === 'running').length === to, 60_000);
    await store.whenCurrent();
  }

  /** Requests (other than the event stream) per state change of one container, over CHANGES kills and starts. */
  async function costPerChange(): Promise<{ perChange: number; lists: number }> {
    const from = requests.length;
    const id = ids[0];
    for (let i = 0; i < CHANGES; i++) {
      const kill = i % 2 === 0;
      const want = (s: ServicesSnapshot) => s.containers.find((c) => c.id === id)?.state === (kill ? 'exited' : 'running');
      const changed = nextEvent(store.onDidChange, 'the store', want, 30_000);
      if (kill) await raw.getContainer(id).kill({ signal: 'SIGKILL' });
      else await raw.getContainer(id).start();
      await changed;
    }
    await store.whenCurrent();
    const made = requests.slice(from).filter((r) => r.kind !== 'events');
    return { perChange: made.length / CHANGES, lists: made.filter((r) => r.kind === 'list').length };
  }

  before(async () => {
    proxy = startCountingProxy(proxyPath, enginePath, requests, (chunk) => {
      streamed += chunk.toString('latin1');
    });
    store = new ServiceStore(new DockerClient({ dockerHost: `unix://${proxyPath}` }), [{ name: PROJECT, role: 'app' }], memoryLogger());
    keep = store.onDidChange(() => undefined);
    await waitUntil('the store to reach the engine', () => store.snapshot.engine === 'reachable', 30_000);
  });
  after(async () => {
    keep?.dispose();
    store?.dispose();
    proxy?.close();
    await Promise.all(
      ids.map((id) =>
        raw
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });

  it('costs the same few requests per state change at 3 and at 30 containers, and lists only at start', async () => {
    const listsAtStart = requests.filter((r) => r.kind === 'list').length;
    await grow(3);
    const small = await costPerChange();
    await grow(30);
    const large = await costPerChange();
    console.log(`      requests per state change: ${small.perChange} at 3 containers, ${large.perChange} at 30`);
    assert.equal(listsAtStart, 1, 'one list when the store started');
    assert.equal(requests.filter((r) => r.kind === 'list').length, 1, 'no list since: adding containers and events cost inspects only');
    assert.equal(small.lists + large.lists, 0);
    assert.ok(small.perChange <= 3 && large.perChange <= 3, `≤ 3 requests per change (${small.perChange}, ${large.perChange})`);
    // one inspect per change, sometimes two when an event's follow-up (kill → die) lands after the coalescing window
    assert.ok(Math.abs(large.perChange - small.perChange) <= 0.5, `the same cost at 30 as at 3 containers (${small.perChange} vs ${large.perChange})`);
    // before, each event listed and inspected every container: 31+ requests per change at 30
  });

  it("is filtered at the engine: the health probes' exec_* events never reach the extension", async () => {
    const sub: string[] = [];
    const stream = await new DockerClient({ dockerHost: `unix://${proxyPath}` }).streamEvents((e) => sub.push(e.action), [PROJECT]);
    streamed = '';
    const c = await raw.createContainer({
      name: `${PROJECT}-probe-1`,
      Image: 'realm-test/busybox:base',
      Cmd: ['sleep', '100000'],
      Labels: { [ComposeLabels.project]: PROJECT, [ComposeLabels.service]: 'probe', [ComposeLabels.number]: '1' },
      HostConfig: { Init: true, NetworkMode: 'none' },
      Healthcheck: { Test: ['CMD', 'true'], Interval: 200_000_000, Timeout: 1_000_000_000, Retries: 1 },
    });
    ids.push(c.id);
    const execs: string[] = [];
    const direct = (await raw.getEvents({ filters: JSON.stringify({ container: [c.id] }) })) as unknown as NodeJS.ReadableStream;
    direct.on('data', (chunk: Buffer) => {
      for (const l of chunk.toString().split('\n')) if (l.includes('"exec_')) execs.push(l);
    });
    try {
      await c.start();
      await waitUntil('the engine to run health probes (exec_* events, seen unfiltered)', () => execs.length >= 3, 30_000);
      await waitUntil("the store's stream to see the health status", () => sub.includes('health_status'), 30_000);
      assert.ok(streamed.includes('health_status'), 'the proxy saw the stream carry events');
      assert.ok(!streamed.includes('"exec_'), 'no exec_* event crossed the socket to the extension');
    } finally {
      (direct as unknown as { destroy(): void }).destroy();
      stream.dispose();
    }
  });
});
