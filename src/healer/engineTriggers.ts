import type { EngineEvent } from '../clients/dockerClient';
import { HealTrigger, ServiceRef, serviceKey } from '../core/healPolicy';
import type { Timers } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { EngineIntent } from './engineIntent';
import type { HealRequest } from './healRequest';
import type { HealRunner } from './healRunner';
import type { HealSchedule } from './healSchedule';

/** A stop is recorded as "left alone" once it is clear it is not the first half of a restart (kill, die, start). */
const LEFT_ALONE_SETTLE_MS = 3_000;

export interface EngineTriggersDeps {
  intent: EngineIntent;
  runner: Pick<HealRunner, 'joinRunningAction' | 'recordLeftAlone'>;
  schedule: Pick<HealSchedule, 'cancel'>;
  timers: Timers;
  logger: Logger;
  projects: () => readonly string[];
  request: (r: HealRequest) => void;
  changed: () => void;
}

/**
 * The engine-event side of the healer: `kill`/`die`/`start` tell intent (EngineIntent), a crash or an
 * unhealthy container becomes a request, a death while its service is judged joins that decision, and
 * a stop by the user is recorded once as "left alone" when it has settled.
 */
export class EngineTriggers {
  private readonly pending = new Map<string, unknown>();

  constructor(private readonly deps: EngineTriggersDeps) {}

  /** Stops waiting to be recorded (for `isIdle`). */
  get settling(): number {
    return this.pending.size;
  }

  /** Routes one engine event: a kill or start updates the intent, a crash or unhealthy container becomes a request. */
  handle(e: EngineEvent): void {
    if (!e.project || !e.service || !this.deps.projects().includes(e.project)) return;
    const ref: ServiceRef = { project: e.project, service: e.service };
    const key = serviceKey(ref);
    if (e.action === 'kill') {
      this.deps.intent.noteKill(e.containerId);
      return;
    }
    if (e.action === 'start') {
      if (this.deps.intent.noteStart(key)) this.resumed(key);
      return;
    }
    const isDie = e.action === 'die';
    if (!isDie && !(e.action === 'health_status' && e.healthStatus === 'unhealthy')) return;
    const trigger: HealTrigger = {
      kind: 'event',
      event: isDie ? 'die' : 'unhealthy',
      containerId: e.containerId,
      containerName: e.name,
      time: e.time,
      exitCode: e.exitCode,
    };
    const cause = isDie ? this.deps.intent.noteDie(e.containerId, key) : 'crash';
    if (cause === 'own') return; // the healer's own restart
    if (cause === 'user') {
      // stopped or killed through the API (compose stop/down, docker stop/kill, Stop Service): the user meant it
      this.settleStop(key, trigger);
      return;
    }
    if (isDie && trigger.kind === 'event' && this.deps.runner.joinRunningAction(key, trigger)) return;
    this.deps.request({ trigger, action: 'restart', ref });
  }

  /** Records "left alone" once the stop is clearly not half of a restart (no `start` within a few seconds). */
  private settleStop(key: string, trigger: HealTrigger): void {
    if (this.pending.has(key) || this.deps.intent.stopOf(key)?.recordedId) return;
    this.deps.schedule.cancel(key);
    this.pending.set(
      key,
      this.deps.timers.setTimeout(() => {
        this.pending.delete(key);
        void this.deps.runner.recordLeftAlone(key, trigger).catch((err: unknown) => this.deps.logger.error(`[healer] ${String(err)}`));
      }, LEFT_ALONE_SETTLE_MS),
    );
    this.deps.changed();
  }

  private resumed(key: string): void {
    const t = this.pending.get(key);
    if (t !== undefined) this.deps.timers.clearTimeout(t);
    this.pending.delete(key);
    this.deps.logger.info(`[healer] ${key} was started again: healing resumes`);
    this.deps.changed();
  }

  dispose(): void {
    for (const t of this.pending.values()) this.deps.timers.clearTimeout(t);
    this.pending.clear();
  }
}
