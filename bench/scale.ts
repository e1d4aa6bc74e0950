/**
 * Scale bench on the harness engine (`source /tmp/realm-it/env`; run under `flock /tmp/realm-it.lock`):
 *  - for compose projects of 5/50/200 containers, through a counting proxy in front of the engine
 *    socket: engine requests per event, event → store change and refresh (first request → change)
 *    p95, the store's CPU per event, and requests per crash healed by the healer in the tree;
 *  - a 50-container crash storm healed by the healer vs Docker's own `restart: on-failure` in the
 *    same run: first restart issued, all running again, requests, heap peak vs idle;
 *  - for 500/5,000 alerts in a private Alertmanager: poll+diff p50 (scaleAlerts.ts).
 * Containers are named realmscale-<pid>-… and removed at the end (and stale ones at the start).
 *   node out/bench/scale.js [store|storm|alerts …]   (default: all three)
 */
import { DockerClient } from '../src/clients/dockerClient';
import { memoryLogger } from '../test/support/memoryLogger';
import { ServicesSnapshot, ServiceStore } from '../src/state/serviceStore';
import { nextEvent, waitUntil } from '../test/support/waitFor';
import { alertsPart } from './scaleAlerts';
import { startBenchHealer } from './scaleHealer';
import { EngineSide, HeapSampler, mb, ms, percentile } from './scaleSupport';

const RUN = `realmscale-${process.pid}`;
const SIZES = [5, 50, 200];
const EVENTS = 30;
const CRASHES = 5;
const STORM = 50;

function watch(side: EngineSide, project: string) {
  const docker = new DockerClient({ dockerHost: side.proxyHost });
  const store = new ServiceStore(docker, [{ name: project, role: 'app' }], memoryLogger());
  let events = 0;
  const subs = [store.onEngineEvent(() => events++), store.onDidChange(() => undefined)];
  return {
    docker,
    store,
    events: () => events,
    dispose: () => {
      subs.forEach((s) => s.dispose());
      store.dispose();
    },
  };
}

const stateOf = (s: ServicesSnapshot, id: string) => s.containers.find((c) => c.id === id)?.state;
const running = (s: ServicesSnapshot) => s.containers.filter((c) => c.state === 'running').length;

async function storePart(side: EngineSide, n: number): Promise<void> {
  const project = `${RUN}-n${n}`;
  const ids = await side.call<string[]>({ op: 'create', project, services: n, restartPolicy: 'no' });
  const w = watch(side, project);
  try {
    const listStart = await side.requestCount();
    await waitUntil(`the store to list ${n} running`, () => running(w.store.snapshot) === n, 120_000);
    const startup = (await side.requests(listStart)).filter((r) => r.kind !== 'events').length;
    const base = await side.requestCount();
    const events0 = w.events();
    const cpu0 = process.cpuUsage();
    const toChange: number[] = [];
    const refresh: number[] = [];
    for (let i = 0; i < EVENTS / 2; i++) {
      const id = ids[(i * 7) % n];
      for (const op of ['kill', 'start'] as const) {
        const before = await side.requestCount();
        const changed = nextEvent(
          w.store.onDidChange,
          'the store',
          (s) => stateOf(s, id) === (op === 'kill' ? 'exited' : 'running') && s.cause !== undefined,
          30_000,
        );
        await side.call({ op, ids: [id] });
        const s = await changed;
        const first = (await side.requests(before)).find((r) => r.kind !== 'events' && r.at >= s.cause!.receivedAt);
        toChange.push(s.updatedAt - s.cause!.receivedAt);
        refresh.push(first ? s.updatedAt - first.at : 0);
      }
    }
    await w.store.whenCurrent(); // the last events' reads are in
    const cpu = process.cpuUsage(cpu0);
    const requests = (await side.requests(base)).filter((r) => r.kind !== 'events');
    const events = w.events() - events0;
    const per = (k: string) => requests.filter((r) => r.kind === k).length;
    console.log(
      `  ${String(n).padStart(3)} containers: start-up ${startup} requests; ${events} events → ${requests.length} requests (${per('list')} list, ${per('inspect')} inspect) = ${(requests.length / events).toFixed(2)}/event, ${(requests.length / toChange.length).toFixed(2)}/state change; ` +
        `event → store change p95 ${ms(percentile(toChange, 95))}; refresh p50 ${ms(percentile(refresh, 50))} p95 ${ms(percentile(refresh, 95))}; CPU ${ms((cpu.user + cpu.system) / 1000 / events)}/event`,
    );

    const rig = await startBenchHealer(w.docker, w.store, project);
    try {
      const perCrash: number[] = [];
      for (let k = 0; k < CRASHES; k++) {
        const id = ids[(k * 3 + 1) % n];
        const before = await side.requestCount();
        const issued = rig.started.length;
        const startsBefore = (await side.call<unknown[]>({ op: 'starts', since: 0 })).length;
        await side.call({ op: 'crash', ids: [id] });
        await waitUntil('the healer to restart it', () => rig.started.length > issued, 30_000);
        await waitUntil(
          'it to run again',
          async () => (await side.call<{ id: string }[]>({ op: 'starts', since: startsBefore })).some((e) => e.id === id),
          30_000,
        );
        await waitUntil('the healer and store to settle', async () => rig.idle() && stateOf(await w.store.whenCurrent(), id) === 'running', 30_000);
        perCrash.push((await side.requests(before)).filter((r) => r.kind !== 'events').length);
      }
      console.log(`       a crash healed (store + healer): ${percentile(perCrash, 50)} requests (median of ${CRASHES}; max ${Math.max(...perCrash)})`);
    } finally {
      rig.dispose();
    }
  } finally {
    w.dispose();
    await side.call({ op: 'remove', prefix: project });
  }
}

async function stormPart(side: EngineSide): Promise<void> {
  const project = `${RUN}-storm`;
  const ids = await side.call<string[]>({ op: 'create', project, services: STORM, restartPolicy: 'no' });
  const w = watch(side, project);
  const heap = new HeapSampler();
  try {
    await waitUntil(`the store to list ${STORM} running`, () => running(w.store.snapshot) === STORM, 120_000);
    const rig = await startBenchHealer(w.docker, w.store, project);
    try {
      heap.reset();
      const idleHeap = heap.sample();
      const startsBefore = (await side.call<unknown[]>({ op: 'starts', since: 0 })).length;
      const base = await side.requestCount();
      const deaths: number[] = [];
      const dieSub = w.store.onEngineEvent((e) => {
        if (e.action === 'die') deaths.push(e.receivedAt);
      });
      const crashedAt = await side.call<number>({ op: 'crash', ids });
      const restarted = await allStarted(side, ids, startsBefore, 120_000);
      dieSub.dispose();
      const firstIssued = Math.min(...rig.started.map((s) => s.issuedAt));
      const first = firstIssued - crashedAt;
      const firstDie = Math.min(...deaths);
      const requests = (await side.requests(base)).filter((r) => r.kind !== 'events').length;
      const healerAll = restarted - crashedAt;
      console.log(
        `  engine: first die event received ${ms(firstDie - crashedAt)} after the crash, the last ${ms(Math.max(...deaths) - crashedAt)}; first restart issued ${ms(firstIssued - firstDie)} after the first die event`,
      );
      console.log(
        `  healer: first restart issued ${ms(first)} after the crash; all ${STORM} running again after ${ms(healerAll)}; ${rig.started.length} actions, ${requests} requests; heap idle ${mb(idleHeap)}, peak ${mb(heap.peak)} (${(heap.peak / idleHeap).toFixed(2)}×)`,
      );
      rig.dispose();
      const dockerAll = await dockerPolicyStorm(side);
      console.log(
        `  Docker's restart: on-failure (same engine, same run): all ${STORM} running again after ${ms(dockerAll)} → healer/Docker ${(healerAll / dockerAll).toFixed(2)}× (goal ≤ 1.1×)`,
      );
    } finally {
      rig.dispose();
    }
  } finally {
    heap.stop();
    w.dispose();
    await side.call({ op: 'remove', prefix: project });
  }
}

async function dockerPolicyStorm(side: EngineSide): Promise<number> {
  const project = `${RUN}-onfail`;
  try {
    const ids = await side.call<string[]>({ op: 'create', project, services: STORM, restartPolicy: 'on-failure' });
    const startsBefore = (await side.call<unknown[]>({ op: 'starts', since: 0 })).length;
    const crashedAt = await side.call<number>({ op: 'crash', ids });
    return (await allStarted(side, ids, startsBefore, 120_000)) - crashedAt;
  } finally {
    await side.call({ op: 'remove', prefix: project });
  }
}

/** Engine time of the last of `ids` to start again after the `since`-th start event. */
async function allStarted(side: EngineSide, ids: string[], since: number, timeoutMs: number): Promise<number> {
  let last = 0;
  await waitUntil(
    `all ${ids.length} to start again`,
    async () => {
      const starts = await side.call<{ id: string; at: number }[]>({ op: 'starts', since });
      const byId = new Map(starts.map((s) => [s.id, s.at]));
      if (!ids.every((id) => byId.has(id))) return false;
      last = Math.max(...ids.map((id) => byId.get(id)!));
      return true;
    },
    timeoutMs,
  );
  return last;
}

async function main(): Promise<void> {
  const parts = process.argv.slice(2).length ? process.argv.slice(2) : ['store', 'storm', 'alerts'];
  const side = await EngineSide.start();
  try {
    await side.call({ op: 'remove', prefix: 'realmscale-' });
    if (parts.includes('store')) {
      console.log(`store: ${EVENTS} kill/start events per size, through a counting proxy (goal ≤ 3 requests/event, refresh p95 flat)`);
      for (const n of SIZES) await storePart(side, n);
    }
    if (parts.includes('storm')) {
      console.log(`storm: ${STORM} containers' PID 1 killed at once`);
      await stormPart(side);
    }
  } finally {
    await side.call({ op: 'remove', prefix: RUN }).catch(() => undefined);
    side.stop();
  }
  if (parts.includes('alerts')) await alertsPart();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
