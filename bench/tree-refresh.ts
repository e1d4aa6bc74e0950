/**
 * Services-tree refresh latency on the real engine: for ≥ 20 container events (kill / start of a
 * compose-labelled container) measure the engine's event time → the store's change event (what the
 * Services tree redraws on), and our receipt of the event → the change event. Needs the harness:
 * `source /tmp/realm-it/env`.   node out/bench/tree-refresh.js [events]
 */
import Docker from 'dockerode';
import { DockerClient } from '../src/clients/dockerClient';
import { ComposeLabels } from '../src/core/containers';
import { memoryLogger } from '../test/support/memoryLogger';
import { ServicesSnapshot, ServiceStore } from '../src/state/serviceStore';
import { nextEvent } from '../test/support/waitFor';

const PROJECT = `realmbench-tree-${process.pid}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Resolves with the next snapshot that satisfies `pred` (bounded). */
function next(store: ServiceStore, pred: (s: ServicesSnapshot) => boolean, timeoutMs = 30_000): Promise<ServicesSnapshot> {
  return nextEvent(store.onDidChange, 'the store', pred, timeoutMs);
}

async function main(): Promise<void> {
  const events = Math.max(20, Number(process.argv[2] ?? 20));
  const raw = new Docker({ socketPath: (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace('unix://', '') });
  const store = new ServiceStore(new DockerClient(), [{ name: PROJECT, role: 'app' }], memoryLogger());
  const keep = store.onDidChange(() => undefined);
  const container = await raw.createContainer({
    name: `${PROJECT}_web_1`,
    Image: 'realm-test/busybox:base',
    Cmd: ['sleep', '3600'],
    Labels: { [ComposeLabels.project]: PROJECT, [ComposeLabels.service]: 'web', [ComposeLabels.number]: '1' },
    HostConfig: { Init: true, NetworkMode: 'none' },
  });
  const fromEngine: number[] = [];
  const fromReceipt: number[] = [];
  const state = (s: ServicesSnapshot) => s.groups.find((g) => g.service === 'web')?.containers[0]?.state;
  try {
    for (let i = 0; i < events; i++) {
      const wantRunning = i % 2 === 0;
      const changed = next(store, (s) => (wantRunning ? state(s) === 'running' : state(s) === 'exited') && s.cause !== undefined);
      if (wantRunning) await container.start();
      else await container.kill({ signal: 'SIGKILL' });
      const s = await changed;
      fromEngine.push(s.updatedAt - s.cause!.time);
      fromReceipt.push(s.updatedAt - s.cause!.receivedAt);
    }
  } finally {
    keep.dispose();
    store.dispose();
    await container.remove({ force: true }).catch(() => undefined);
  }
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 50)} ms, p95 ${percentile(xs, 95)} ms, max ${Math.max(...xs)} ms`;
  console.log(`tree-refresh over ${events} engine events (start/kill)`);
  console.log(`  engine event time → store change (tree redraw): ${fmt(fromEngine)}`);
  console.log(`  event received    → store change:               ${fmt(fromReceipt)}`);
  console.log(`  goal: within 1 s of the engine event: ${percentile(fromEngine, 95) <= 1000 ? 'met (p95)' : 'NOT met'}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
