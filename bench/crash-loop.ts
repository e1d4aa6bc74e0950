/**
 * Crash-loop back-off on the real engine: a watched container crashes (SIGKILL of PID 1) 4 s after
 * each restart; prints die → start for crashes 1–3 with the healer's default schedule (grace 30 s,
 * back-off 10 s doubling), then the same for Docker's own `restart: on-failure` in the same run.
 * Needs the integration harness: `source /tmp/realm-it/env`.
 *   node out/bench/crash-loop.js
 */
import { DockerClient, EngineEvent } from '../src/clients/dockerClient';
import { DEFAULT_HEALER_SETTINGS } from '../src/core/healerSettings';
import { engineApi } from '../test/support/engineApi';
import { crash, PREFIX, removeProjects, runReplica, startHealer, waitFor } from '../test/integration/healerFixtures';

const CRASHES = 3;
const UP_BEFORE_CRASH_MS = 4_000;
const GOALS_MS = [500, 11_000, 21_000];

/** Crashes `id` CRASHES times, each 4 s after it last started; returns die → start per crash (engine times), and die → restart issued when `issued` is given. */
async function crashLoop(
  docker: DockerClient,
  id: string,
  events: EngineEvent[],
  issued?: Array<{ issuedAt: number }>,
): Promise<{ toStart: number[]; toIssued: number[] }> {
  const delays: number[] = [];
  const toIssued: number[] = [];
  for (let i = 0; i < CRASHES; i++) {
    const started = await waitFor(
      'running',
      async () => {
        const d = await engineApi().getContainer(id).inspect();
        const at = Date.parse(d.State.StartedAt);
        return d.State.Running && Date.now() - at >= UP_BEFORE_CRASH_MS ? at : undefined;
      },
      60_000,
    );
    const seen = events.length;
    const actions = issued?.length ?? 0;
    await crash(docker, id);
    const die = await waitFor('die event', () => events.slice(seen).find((e) => e.action === 'die' && e.containerId === id));
    const start = await waitFor('start event', () => events.slice(seen).find((e) => e.action === 'start' && e.containerId === id), 60_000);
    delays.push(start.time - die.time);
    if (issued) toIssued.push((await waitFor('restart issued', () => issued[actions])).issuedAt - die.time);
    void started;
  }
  return { toStart: delays, toIssued };
}

async function main(): Promise<void> {
  const docker = new DockerClient();
  const project = `${PREFIX}bench-loop-${process.pid}`;
  const events: EngineEvent[] = [];
  const watch = await docker.streamEvents((e) => events.push(e), [project]);
  let healer = { toStart: [] as number[], toIssued: [] as number[] };
  let engine: number[] = [];
  try {
    const id = await runReplica(docker, { project, service: 'looper' });
    const rig = await startHealer(docker, [project], {
      graceMs: DEFAULT_HEALER_SETTINGS.graceMs,
      backoffMs: DEFAULT_HEALER_SETTINGS.backoffMs,
      maxActionsPerHour: 3,
    });
    try {
      healer = await crashLoop(docker, id, events, rig.started);
    } finally {
      rig.healer.dispose();
    }
    // Docker's own policy on the same engine, nobody else healing (its back-off: 100 ms doubling, reset after 10 s up)
    const own = await runReplica(docker, { project, service: 'onfailure', restartPolicy: 'on-failure' });
    engine = (await crashLoop(docker, own, events)).toStart;
  } finally {
    watch.dispose();
    await removeProjects(docker, [project]);
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`crash-loop: ${CRASHES} crashes, each ${UP_BEFORE_CRASH_MS / 1000} s after the previous restart`);
  console.log(
    `  Realm healer (grace ${DEFAULT_HEALER_SETTINGS.graceMs / 1000} s, back-off ${DEFAULT_HEALER_SETTINGS.backoffMs / 1000} s doubling, cap 5 min): die → start ${healer.toStart.map(s).join(', ')} (restart issued after ${healer.toIssued.map(s).join(', ')})`,
  );
  console.log(`  goals ≤ ${GOALS_MS.map(s).join(', ')}: ${healer.toStart.every((d, i) => d <= GOALS_MS[i]) ? 'met' : 'NOT met'}`);
  console.log(`  Docker restart: on-failure on the same engine:                         die → start ${engine.map(s).join(', ')}`);
  console.log('  Kubernetes (kubelet CrashLoopBackOff, documented): 10 s, 20 s, 40 s … capped at 5 min, reset after 10 min up');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
