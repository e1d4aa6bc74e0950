import type { ContainerInfo } from '../core/containers';
import { CLEANUP_SERVICE, decide, HealDecision, HealTrigger, ServiceRef, serviceKey, ServiceSnapshot } from '../core/healPolicy';
import { clockTime } from '../core/clockTime';
import type { RateLimiter } from '../core/rateLimiter';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { HealActions } from './actions';
import type { AuditEntry, AuditTrail } from './auditTrail';
import type { ContainerSource } from './containerSource';
import type { EngineIntent } from './engineIntent';
import { describeScheduled, HealSchedule, ScheduledAction, ScheduledKind } from './healSchedule';
import type { HealerSettings } from '../core/healerSettings';
import type { HealerLeaseLike } from './lease';
import type { SkipRecorder } from './skipRecorder';
import { executeAction } from './healExecution';
import { ActionStarted, GaveUp, HealRequest, mergeDeaths } from './healRequest';

export type { ActionStarted, GaveUp, HealRequest } from './healRequest';

export interface HealRunnerDeps {
  source: ContainerSource;
  actions: HealActions;
  rateLimiter: RateLimiter;
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
  settings: () => HealerSettings;
  projects: () => readonly string[];
  lease?: HealerLeaseLike;
  intent: EngineIntent;
  schedule: HealSchedule;
  skips: SkipRecorder;
  /** Called with every container list read (the healer remembers the services it saw). */
  saw: (containers: readonly ContainerInfo[]) => void;
  started: (e: ActionStarted) => void;
  finished: (e: AuditEntry) => void;
  gaveUp: (e: GaveUp) => void;
  changed: () => void;
  /** Queues a request again (a death that joined a decision which did not act). */
  requeue: (r: HealRequest) => void;
  /** Asks for the firing alerts to be judged again at a time, `key`'s `alertname` waiting for it (an alert that stays as it is raises no change). */
  judgeAlertsAgainAt?: (at: number, key: string, alertname: string) => void;
}

const DEFER_KIND: Partial<Record<string, ScheduledKind>> = { backoff: 'backoff', 'in-grace': 'grace', 'already-recovering': 'engine-wait' };
/** A failed check is retried after 0.5 s, doubling to 30 s, for as long as it fails. */
const retryDelay = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt);

/**
 * Judges one service at a time: reads its containers, asks the policy, and either acts, records why
 * not, or schedules the action for later (a visible, cancellable state). Replicas that die while a
 * restart runs are restarted by that same action: one action, one budget unit, one audit entry.
 */
export class HealRunner {
  readonly inFlight = new Set<string>();
  readonly gaveUpOn = new Map<string, GaveUp>();
  readonly awaitingEngine = new Map<string, number>();
  /** Per service being judged or restarted now: deaths of its other replicas meanwhile, which join that decision. */
  readonly joining = new Map<string, Array<Extract<HealTrigger, { kind: 'event' }>>>();
  private readonly recordingLeftAlone = new Set<string>();

  constructor(private readonly deps: HealRunnerDeps) {}

  /** A death while the same service's restart is judged or runs joins that decision; false when none is. */
  joinRunningAction(key: string, trigger: Extract<HealTrigger, { kind: 'event' }>): boolean {
    const joined = this.joining.get(key);
    if (!joined) return false;
    if (!joined.some((t) => t.containerId === trigger.containerId)) joined.push(trigger);
    return true;
  }

  /** The queue's work: the service's requests in order, deaths of several replicas judged together. */
  async run(requests: HealRequest[]): Promise<void> {
    for (const r of mergeDeaths(requests)) {
      const key = r.ref ? serviceKey(r.ref) : '';
      const joins = r.ref && r.action === 'restart' && !r.manual && !this.joining.has(key);
      if (joins) this.joining.set(key, []);
      let entry: AuditEntry | undefined;
      try {
        entry = await this.evaluate(r);
      } finally {
        r.done?.(entry);
        if (joins) {
          // deaths that joined a decision which did not act (and did not defer them) are judged on their own
          for (const trigger of this.joining.get(key) ?? []) this.deps.requeue({ trigger, action: 'restart', ref: r.ref });
          this.joining.delete(key);
        }
      }
    }
  }

  /** Records a "left alone" row once per stop episode (a later trigger during it is silent). */
  async recordLeftAlone(key: string, trigger: HealTrigger): Promise<AuditEntry | undefined> {
    const stop = this.deps.intent.stopOf(key);
    if (!stop || stop.recordedId || this.recordingLeftAlone.has(key)) return undefined;
    this.recordingLeftAlone.add(key);
    try {
      const entry = await this.deps.audit.record({
        trigger,
        service: key,
        action: 'restart',
        outcome: 'skipped',
        reason: 'user-stopped',
        detail: `stopped by the user at ${clockTime(stop.at)}`,
        durationMs: 0,
      });
      this.deps.intent.markRecorded(key, entry.id);
      this.deps.changed();
      return entry;
    } finally {
      this.recordingLeftAlone.delete(key);
    }
  }

  private async evaluate(r: HealRequest): Promise<AuditEntry | undefined> {
    const { lease, settings: readSettings, rateLimiter, audit } = this.deps;
    if (lease && !lease.isHolder && !r.manual) return undefined;
    const settings = readSettings();
    rateLimiter.setMaxActionsPerHour(settings.maxActionsPerHour);
    const key = r.ref ? serviceKey(r.ref) : '';
    if (!r.ref && r.unresolved?.verdict === 'skip') {
      const u = r.unresolved;
      return this.deps.skips.record(
        { trigger: r.trigger, action: r.action, outcome: 'skipped', reason: u.reason, detail: u.detail, durationMs: 0, manual: r.manual },
        !!r.manual,
      );
    }
    if (lease && !lease.isHolder) {
      return audit.record({
        trigger: r.trigger,
        service: key || undefined,
        action: r.action,
        outcome: 'skipped',
        reason: 'standby',
        detail: 'another VS Code window heals this workspace',
        durationMs: 0,
        manual: true,
      });
    }
    let containers: ContainerInfo[] = [];
    if (r.ref && r.ref.service !== CLEANUP_SERVICE) {
      try {
        containers = await this.deps.source.containersOf([r.ref.project]);
        this.deps.saw(containers);
      } catch (e) {
        return this.checkFailed(r, key, e);
      }
    }
    const target =
      r.ref && (r.ref.service === CLEANUP_SERVICE || containers.some((c) => c.service === r.ref!.service) || this.deps.intent.stopOf(key))
        ? this.snapshot(r.ref, containers)
        : undefined;
    const decision = decide({ trigger: r.trigger, action: r.action, target, settings, now: this.deps.clock.now(), manual: r.manual, alsoDied: r.alsoDied });
    if (decision.verdict === 'skip') return this.skipped(r, key, decision);
    const entry = await this.act(r, r.ref!, decision.containers, settings);
    // an alert still firing after the action is judged again when the grace after it ends
    if (r.trigger.kind === 'alert') this.deps.judgeAlertsAgainAt?.(this.deps.clock.now() + settings.graceMs, key, r.trigger.alertname);
    return entry;
  }

  /** A check that could not read the engine is retried with back-off (never dropped); a manual one reports it. */
  private async checkFailed(r: HealRequest, key: string, e: unknown): Promise<AuditEntry | undefined> {
    const message = e instanceof Error ? e.message : String(e);
    if (r.manual || !r.ref) {
      return this.deps.audit.record({
        trigger: r.trigger,
        service: key || undefined,
        action: r.action,
        outcome: 'failed',
        detail: `could not read the containers: ${message}`,
        durationMs: 0,
        manual: r.manual,
      });
    }
    const attempt = r.scheduled?.kind === 'retry' ? (r.scheduled.attempt ?? 0) + 1 : 0;
    const s: ScheduledAction = {
      key,
      ref: r.ref,
      action: r.action,
      kind: 'retry',
      at: this.deps.clock.now() + retryDelay(attempt),
      why: `could not read the containers: ${message}`,
      trigger: r.trigger,
      alsoDied: r.alsoDied ? [...r.alsoDied] : undefined,
      attempt,
    };
    this.defer(s);
    return undefined;
  }

  private async skipped(r: HealRequest, key: string, d: Extract<HealDecision, { verdict: 'skip' }>): Promise<AuditEntry | undefined> {
    const now = this.deps.clock.now();
    if (d.reason === 'user-stopped') return this.recordLeftAlone(key, r.trigger);
    if (d.reason === 'already-recovering' && d.retryAt !== undefined && !this.awaitingEngine.has(key)) this.awaitingEngine.set(key, now);
    const kind = DEFER_KIND[d.reason];
    // "judged again after the grace period": for an alert, by judging the firing alerts again then
    if (kind && d.retryAt !== undefined && r.trigger.kind === 'alert' && !r.manual) this.deps.judgeAlertsAgainAt?.(d.retryAt, key, r.trigger.alertname);
    if (kind && d.retryAt !== undefined && r.ref && r.trigger.kind !== 'alert' && !r.manual) {
      const joined =
        this.joining
          .get(key)
          ?.splice(0)
          .map((t) => t.containerId) ?? [];
      const alsoDied = [...new Set([...(r.alsoDied ?? []), ...(r.scheduled?.alsoDied ?? []), ...joined])];
      this.defer({
        key,
        ref: r.ref,
        action: d.action ?? r.action,
        kind,
        at: d.retryAt,
        why: d.detail,
        trigger: r.trigger,
        alsoDied: alsoDied.length ? alsoDied : undefined,
      });
      return undefined;
    }
    if (d.reason === 'no-action' && !r.manual) {
      this.awaitingEngine.delete(key); // nothing is wrong any more: not a decision worth recording
      return undefined;
    }
    if (d.reason === 'rate-limited' && r.ref && !this.gaveUpOn.has(key)) {
      const gaveUp: GaveUp = { key, ref: r.ref, nextSlotAt: d.retryAt, trigger: r.trigger };
      this.gaveUpOn.set(key, gaveUp);
      this.deps.logger.warn(`[healer] gave up on ${key}: budget spent`);
      this.deps.gaveUp(gaveUp);
    }
    // our own action's side effects (events while it runs) are not decisions
    if (d.reason === 'busy' && !r.manual && r.trigger.kind !== 'alert') return undefined;
    this.deps.changed();
    const entry = {
      trigger: r.trigger,
      service: key || undefined,
      action: d.action,
      outcome: 'skipped' as const,
      reason: d.reason,
      detail: d.detail,
      durationMs: 0,
      manual: r.manual,
    };
    // a service the healer gave up on stays down until someone starts it: each later crash is its own decision
    if (r.trigger.kind === 'event' && d.reason === 'rate-limited') return this.deps.audit.record(entry);
    return this.deps.skips.record(entry, !!r.manual);
  }

  /** Schedules a deferred action and says so in the log; the views show its countdown. */
  private defer(s: ScheduledAction): void {
    const existing = this.deps.schedule.get(s.key);
    if (existing && existing.kind === s.kind && existing.at <= s.at) {
      // a replica dying during the wait joins the scheduled action
      if (s.trigger.kind === 'event' && existing.trigger.kind === 'event' && s.trigger.containerId !== existing.trigger.containerId) {
        existing.alsoDied = [...new Set([...(existing.alsoDied ?? []), s.trigger.containerId])];
      }
      return;
    }
    this.deps.schedule.schedule(s);
    this.deps.logger.info(`[healer] ${s.ref.service}: ${describeScheduled(s, this.deps.clock.now())}`);
  }

  private act(r: HealRequest, ref: ServiceRef, containers: ContainerInfo[], settings: HealerSettings): Promise<AuditEntry> {
    return executeAction(this.deps, this, r, ref, containers, settings);
  }

  /** The policy's view of one service: its containers, budget, in-flight and stop state. */
  snapshot(ref: ServiceRef, containers: readonly ContainerInfo[]): ServiceSnapshot {
    const key = serviceKey(ref);
    const budget = this.deps.rateLimiter.status(key, this.deps.settings().maxActionsPerHour);
    return {
      ref,
      containers: containers.filter((c) => c.project === ref.project && c.service === ref.service),
      inFlight: this.inFlight.has(key),
      lastActionAt: budget.lastActionAt,
      recentActions: budget.used,
      budgetRemaining: budget.remaining,
      nextSlotAt: budget.nextSlotAt,
      awaitingEngineSince: this.awaitingEngine.get(key),
      stoppedByUserAt: this.deps.intent.stopOf(key)?.at,
    };
  }
}
