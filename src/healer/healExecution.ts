import type { ContainerInfo } from '../core/containers';
import { HealTrigger, needsHealing, ServiceRef, serviceKey } from '../core/healPolicy';
import type { HealerSettings } from '../core/healerSettings';
import type { AuditEntry } from './auditTrail';
import type { GaveUp, HealRequest } from './healRequest';
import type { HealRunnerDeps } from './healRunner';

/**
 * Carrying out one action the policy allowed: counted in the budget before it is issued, the healer's own
 * kills and deaths marked so they are not judged as crashes, replicas that die meanwhile restarted by the same
 * action, and one audit entry for all of it. The HealRunner decides; this acts.
 */

type ExecutionDeps = Pick<
  HealRunnerDeps,
  'intent' | 'rateLimiter' | 'audit' | 'actions' | 'clock' | 'schedule' | 'started' | 'changed' | 'finished' | 'projects' | 'skips' | 'source'
>;

/** The runner's per-service state an action reads and clears. */
export interface RunnerState {
  readonly inFlight: Set<string>;
  readonly gaveUpOn: Map<string, GaveUp>;
  readonly awaitingEngine: Map<string, number>;
  readonly joining: Map<string, Array<Extract<HealTrigger, { kind: 'event' }>>>;
}

export async function executeAction(
  deps: ExecutionDeps,
  state: RunnerState,
  r: HealRequest,
  ref: ServiceRef,
  containers: ContainerInfo[],
  settings: HealerSettings,
): Promise<AuditEntry> {
  const key = serviceKey(ref);
  const { intent, rateLimiter, audit, actions, clock } = deps;
  state.inFlight.add(key);
  deps.schedule.cancel(key); // this action is the one that was waiting, or supersedes it
  // only a running container sends kill and die when restarted or stopped; an exited one is just started
  const touched = containers.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused').map((c) => c.id);
  intent.markOwn(touched);
  // counted before the call is issued, so a crash mid-action still spends budget; a failure to count is
  // caught at once (no unhandled rejection while the action runs) and recorded with the action's outcome
  const counted = rateLimiter.record(key).then(
    () => undefined,
    (e: unknown) => `could not count the action in the budget: ${e instanceof Error ? e.message : String(e)}`,
  );
  const startedAt = clock.now();
  deps.started({ key, action: r.action, trigger: r.trigger, issuedAt: startedAt });
  deps.changed();
  let entry: AuditEntry;
  try {
    let detail: string;
    if (r.action === 'restart') detail = await restartAll(deps, state, key, ref, containers, settings, touched);
    else if (r.action === 'scale_down') detail = (await actions.scaleDown(containers[0], settings.stopTimeoutSeconds)).detail;
    else
      detail = (
        await actions.cleanup({
          projects: ref.project ? [ref.project] : deps.projects(),
          logDirectories: settings.logDirectories,
          logMaxAgeDays: settings.logMaxAgeDays,
          pruneBuildCache: settings.pruneBuildCache,
          baseDir: settings.baseDir,
          now: clock.now(),
        })
      ).detail;
    const notCounted = await counted;
    if (notCounted) throw new Error(`${detail}, but ${notCounted}`);
    state.gaveUpOn.delete(key);
    state.awaitingEngine.delete(key);
    deps.skips.forget(key);
    const after = r.scheduled ? `; waited: ${r.scheduled.why}` : '';
    entry = await audit.record({
      trigger: r.trigger,
      service: key,
      action: r.action,
      outcome: 'done',
      detail: `${detail}${after}`,
      durationMs: clock.now() - startedAt,
      manual: r.manual,
    });
  } catch (e) {
    const notCounted = await counted;
    const message = e instanceof Error ? e.message : String(e);
    entry = await audit.record({
      trigger: r.trigger,
      service: key,
      action: r.action,
      outcome: 'failed',
      detail: notCounted && !message.endsWith(notCounted) ? `${message}; ${notCounted}` : message,
      durationMs: clock.now() - startedAt,
      manual: r.manual,
    });
  } finally {
    state.inFlight.delete(key);
    intent.releaseOwn(touched);
  }
  deps.finished(entry);
  deps.changed();
  return entry;
}

/** Restarts the replicas, then any that died while it ran (read again): all within this one action. */
async function restartAll(
  deps: ExecutionDeps,
  state: RunnerState,
  key: string,
  ref: ServiceRef,
  first: ContainerInfo[],
  settings: HealerSettings,
  touched: string[],
): Promise<string> {
  const names: string[] = [];
  let batch = first;
  for (;;) {
    names.push(...(await deps.actions.restart(batch, settings.stopTimeoutSeconds)).restarted);
    const died =
      state.joining
        .get(key)
        ?.splice(0)
        .map((t) => t.containerId) ?? [];
    if (!died.length) break;
    const fresh = await deps.source.containersOf([ref.project]);
    batch = fresh.filter((c) => c.service === ref.service && died.includes(c.id) && needsHealing(c));
    if (!batch.length) break;
    const running = batch.filter((c) => c.state === 'running').map((c) => c.id);
    deps.intent.markOwn(running);
    touched.push(...running);
  }
  return `restarted ${names.join(', ')}`;
}
