/**
 * Heal latency on the real engine: SIGKILL a watched container's PID 1 N times (default 20) and
 * measure container death (engine `die` time) → restart issued by the healer, and → running again
 * (engine `start` time). Needs the integration harness: `source /tmp/realm-it/env`.
 *   node out/bench/heal-latency.js [kills]
 */
import { DockerClient, EngineEvent } from '../src/clients/dockerClient';
import { crash, PREFIX, removeProjects, runReplica, startHealer, state, waitFor } from '../test/integration/healerFixtures';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main(): Promise<void> {
  const kills = Math.max(20, Number(process.argv[2] ?? 20));
  const docker = new DockerClient();
  const project = `${PREFIX}bench-${process.pid}`;
  const events: EngineEvent[] = [];
  const watch = await docker.streamEvents((e) => events.push(e), [project]);
  const id = await runReplica(docker, { project, service: 'victim' });
  // the budget is raised so every kill is healed; grace/backoff off so kills can follow each other
  const rig = await startHealer(docker, [project], { maxActionsPerHour: 1000, graceMs: 0, backoffMs: 0 });
  const toIssued: number[] = [];
  const toRunning: number[] = [];
  try {
    for (let i = 0; i < kills; i++) {
      await waitFor('running', async () => (await state(docker, id)).status === 'running');
      const seen = events.length;
      const issued = rig.started.length;
      await crash(docker, id);
      const die = await waitFor('die event', () => events.slice(seen).find((e) => e.action === 'die' && e.containerId === id));
      await waitFor('restart issued', () => rig.started.length > issued);
      const start = await waitFor('start event', () => events.slice(seen).find((e) => e.action === 'start' && e.containerId === id));
      toIssued.push(rig.started[issued].issuedAt - die.time);
      toRunning.push(start.time - die.time);
    }
  } finally {
    rig.healer.dispose();
    watch.dispose();
    await removeProjects(docker, [project]);
  }
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 50)} ms, p95 ${percentile(xs, 95)} ms, max ${Math.max(...xs)} ms`;
  console.log(`heal-latency over ${kills} kills`);
  console.log(`  death → restart issued:  ${fmt(toIssued)}`);
  console.log(`  death → running again:   ${fmt(toRunning)}`);
  console.log(`  goal p50 ≤ 1000 ms to restart issued: ${percentile(toIssued, 50) <= 1000 ? 'met' : 'NOT met'}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
