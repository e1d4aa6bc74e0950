import type { ContainerInfo } from '../core/containers';
import { containerStatus, type ServiceStatus } from '../core/containers';
import type { DockerClient } from './dockerClient';

/** What `up` achieved for one service: running (no health check), healthy, or failed with a reason. */
export type ServiceOutcome = 'started' | 'healthy' | 'failed';

export interface ReplicaResult {
  name: string;
  id: string;
  status: ServiceStatus;
  exitCode?: number;
}

export interface ServiceResult {
  service: string;
  outcome: ServiceOutcome;
  /** Why it failed, or a note (e.g. "completed (exit 0)"); absent when plainly started/healthy. */
  reason?: string;
  replicas: ReplicaResult[];
}

export interface HealthWaitOptions {
  /** Bound on the whole wait; services still starting then are failed with a reason (ms). */
  timeoutMs: number;
  /** Gap between engine snapshots (ms). */
  pollMs?: number;
  signal?: AbortSignal;
}

type Verdict = { state: 'pending' } | { state: ServiceOutcome; reason?: string };

const RESTARTING_POLICIES = new Set(['always', 'unless-stopped', 'on-failure']);

/**
 * Waits (bounded) until every listed service of the project is started, healthy or failed, reading
 * container state through the DockerClient. A service that is still starting, restarting or not
 * created at the deadline is failed with what it was doing. Resolves early when nothing is pending.
 */
export async function waitForServices(
  docker: DockerClient,
  project: string,
  services: readonly string[],
  options: HealthWaitOptions,
): Promise<ServiceResult[]> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 500;
  for (;;) {
    const snapshot = await serviceSnapshot(docker, project, services, Date.now() >= deadline, options.timeoutMs);
    if (!snapshot.some((s) => s.verdict.state === 'pending')) return finish(docker, snapshot);
    await delay(Math.min(pollMs, Math.max(0, deadline - Date.now())), options.signal);
  }
}

/** One snapshot without waiting: pending services are reported as failed with their current state. */
export async function currentServiceResults(docker: DockerClient, project: string, services: readonly string[]): Promise<ServiceResult[]> {
  return finish(docker, await serviceSnapshot(docker, project, services, true, 0));
}

interface ServiceSnapshot {
  service: string;
  containers: ContainerInfo[];
  verdict: Verdict;
}

async function serviceSnapshot(
  docker: DockerClient,
  project: string,
  services: readonly string[],
  final: boolean,
  waitedMs: number,
): Promise<ServiceSnapshot[]> {
  const containers = await docker.listComposeContainers([project]);
  return services.map((service) => {
    const own = containers.filter((c) => c.service === service).sort((a, b) => a.number - b.number);
    return { service, containers: own, verdict: serviceVerdict(own, final, waitedMs) };
  });
}

function serviceVerdict(containers: readonly ContainerInfo[], final: boolean, waitedMs: number): Verdict {
  if (containers.length === 0) return final ? { state: 'failed', reason: 'no container was created' } : { state: 'pending' };
  const verdicts = containers.map((c) => replicaVerdict(c, final, waitedMs));
  const prefix = (i: number) => (containers.length > 1 ? `${containers[i].name}: ` : '');
  const failed = verdicts.findIndex((v) => v.state === 'failed');
  if (failed >= 0) return { state: 'failed', reason: prefix(failed) + ((verdicts[failed] as { reason?: string }).reason ?? 'failed') };
  if (verdicts.some((v) => v.state === 'pending')) return { state: 'pending' };
  if (verdicts.every((v) => v.state === 'healthy')) return { state: 'healthy' };
  const note = verdicts.find((v) => v.state !== 'pending' && v.reason) as { reason?: string } | undefined;
  return { state: 'started', reason: note?.reason };
}

function replicaVerdict(c: ContainerInfo, final: boolean, waitedMs: number): Verdict {
  const waited = `${Math.round(waitedMs / 1000)} s`;
  switch (c.state) {
    case 'running':
      if (c.health === 'healthy') return { state: 'healthy' };
      if (c.health === 'unhealthy') return { state: 'failed', reason: 'unhealthy: its health check fails' };
      if (c.health === 'starting')
        return final ? { state: 'failed', reason: `not healthy after ${waited} (health check still starting)` } : { state: 'pending' };
      return { state: 'started' };
    case 'created':
      return final ? { state: 'failed', reason: 'created but never started' } : { state: 'pending' };
    case 'restarting':
      return final ? { state: 'failed', reason: `restarting (crash loop: exit code ${c.exitCode ?? '?'}, ${c.restartCount} restarts)` } : { state: 'pending' };
    case 'paused':
      return { state: 'failed', reason: 'paused' };
    case 'exited':
    case 'dead':
      if (c.exitCode === 0) return { state: 'started', reason: 'completed (exit 0)' };
      // the engine restarts it in a moment: judge it then
      if (!final && RESTARTING_POLICIES.has(c.restartPolicy)) return { state: 'pending' };
      return { state: 'failed', reason: `exited with code ${c.exitCode ?? '?'}` };
    case 'removing':
      return { state: 'failed', reason: 'being removed' };
  }
}

async function finish(docker: DockerClient, snapshot: readonly ServiceSnapshot[]): Promise<ServiceResult[]> {
  return Promise.all(
    snapshot.map(async ({ service, containers, verdict }) => {
      let reason = verdict.state === 'pending' ? undefined : verdict.reason;
      const unhealthy = containers.find((c) => c.health === 'unhealthy');
      if (verdict.state === 'failed' && unhealthy) {
        // the probe's own output is what tells a user why (connection refused, 500, …)
        const probe = await lastHealthOutput(docker, unhealthy.id);
        if (probe) reason = `${reason}; last probe: ${probe}`;
      }
      return {
        service,
        outcome: verdict.state === 'pending' ? 'failed' : verdict.state,
        reason,
        replicas: containers.map((c) => ({ name: c.name, id: c.id, status: containerStatus(c), exitCode: c.exitCode })),
      };
    }),
  );
}

/** The last health-probe output (trimmed), read with a raw inspect because ContainerInfo does not keep it. */
async function lastHealthOutput(docker: DockerClient, id: string): Promise<string | undefined> {
  try {
    const inspect = await docker.inspect(id, 5000);
    const log = inspect.State.Health?.Log ?? [];
    const last = log[log.length - 1];
    if (!last) return undefined;
    const output = last.Output.trim().split(/\r?\n/).slice(-2).join(' ').slice(0, 200);
    return output ? `exit ${last.ExitCode}: ${output}` : `exit ${last.ExitCode}`;
  } catch {
    return undefined; // a reason without the probe output is still a reason
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
