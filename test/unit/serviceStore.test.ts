import assert from 'node:assert/strict';
import type { DockerClient } from '../../src/clients/dockerClient';
import { DockerError } from '../../src/clients/dockerClient';
import type { ContainerInfo } from '../../src/core/containers';
import { memoryLogger } from '../support/memoryLogger';
import { ServiceStore } from '../../src/state/serviceStore';
import { waitUntil } from '../support/waitFor';

const container = (state: ContainerInfo['state']): ContainerInfo => ({
  id: 'c1',
  name: 'app_web_1',
  project: 'app',
  service: 'web',
  number: 1,
  image: 'img',
  state,
  health: 'none',
  restartCount: 0,
  createdAt: 0,
  restartPolicy: 'no',
  labels: {},
});

/** An engine whose event stream refuses to open while plain requests work. */
class NoEventsEngine {
  lists = 0;
  state: ContainerInfo['state'] = 'running';
  pingOk = true;
  async ping(): Promise<void> {
    if (!this.pingOk) throw new DockerError('unreachable', 'ping', 'fake', 'Cannot reach the Docker engine at fake: ECONNREFUSED');
  }
  async streamEvents(): Promise<never> {
    throw new DockerError('api', 'events', 'fake', 'Docker events failed: streaming not supported by this proxy');
  }
  async listComposeContainers(): Promise<ContainerInfo[]> {
    this.lists++;
    if (!this.pingOk) throw new DockerError('unreachable', 'listContainers', 'fake', 'Cannot reach the Docker engine at fake: ECONNREFUSED');
    return [container(this.state)];
  }
}

describe('ServiceStore without an event stream', () => {
  it('falls back to a low-rate poll while the engine answers, logging it once', async () => {
    const engine = new NoEventsEngine();
    const logger = memoryLogger();
    const store = new ServiceStore(engine as unknown as DockerClient, [{ name: 'app', role: 'app' }], logger, { fallbackPollMs: 30 });
    const states: string[] = [];
    const sub = store.onDidChange((s) => states.push(`${s.engine}:${s.groups[0]?.status}`));
    try {
      await waitUntil('the first poll', () => states.includes('reachable:running'), 5000);
      engine.state = 'exited';
      await waitUntil('a later poll to see the container exit', () => states.includes('reachable:exited'), 5000);
      await waitUntil('several polls', () => engine.lists >= 5, 5000);
      assert.equal(logger.lines.filter((l) => l.includes('Docker events unavailable')).length, 1, 'one warning, not one per poll');
      assert.ok(!states.some((s) => s.startsWith('unreachable')), 'the engine is never shown as unreachable');
      engine.pingOk = false;
      await waitUntil('the engine to be shown unreachable once it stops answering', () => store.snapshot.engine === 'unreachable', 5000);
    } finally {
      sub.dispose();
      store.dispose();
    }
  });
});

/** An engine (or proxy) that accepts the event stream and closes it at once, every time. */
class FlappingEventsEngine {
  opens = 0;
  async ping(): Promise<void> {}
  async listComposeContainers(): Promise<ContainerInfo[]> {
    return [container('running')];
  }
  async streamEvents(): Promise<{ closed: Promise<Error | undefined>; dispose(): void }> {
    this.opens++;
    return { closed: Promise.resolve(new DockerError('unreachable', 'events', 'fake', 'event stream ended')), dispose: () => undefined };
  }
}

describe('ServiceStore with an event stream that closes right after opening', () => {
  it('backs off between reconnects instead of looping', async () => {
    const engine = new FlappingEventsEngine();
    const store = new ServiceStore(engine as unknown as DockerClient, [{ name: 'app', role: 'app' }], memoryLogger(), { minBackoffMs: 100, maxBackoffMs: 400 });
    const sub = store.onDidChange(() => undefined);
    try {
      const started = Date.now();
      await waitUntil('five reconnects', () => engine.opens >= 5, 10_000);
      // backoff 100 + 200 + 400 + 400 ms between the first five opens: a tight loop would be ~0 ms
      assert.ok(Date.now() - started >= 1000, `reconnects were spaced out (${Date.now() - started} ms for ${engine.opens})`);
    } finally {
      sub.dispose();
      store.dispose();
    }
  });
});
