import type { DockerClient, EngineEvent } from '../clients/dockerClient';
import type { ContainerInfo } from '../core/containers';
import { CLEANUP_SERVICE, decide, HealAction, HealDecision, HealTrigger, resolveAlert, ServiceRef, serviceKey, ServiceSnapshot } from '../core/healPolicy';
import { BudgetStatus, RateLimiter } from '../core/rateLimiter';
import type { Clock } from '../platform/clock';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { HealActions } from './actions';
import type { AlertSource, HealableAlert } from './alertSource';
import type { AuditEntry, AuditTrail } from './auditTrail';
import type { HealerSettings } from './healerSettings';
import type { HealerLeaseLike } from './lease';
import { alertTrigger, planHealing, PlanStep, servicesOf } from './healPlan';
import { recordInterruptedActions } from './interruptedActions';
import { FollowedEvents, followEngineEvents } from './followEngineEvents';
import { ConfigurationProblem, misconfiguredSkip } from './misconfiguredAlert';

export interface HealerDeps {
  docker: DockerClient;
  actions: HealActions;
  rateLimiter: RateLimiter;
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
  /** Read on every decision, so setting changes apply at once. */
  settings: () => HealerSettings;
  /** The watched compose projects; call `reconnect()` after they change. */
  projects: () => readonly string[];
  alerts?: AlertSource;
  /** Absent: this healer always holds the lease (single window, tests). */
  lease?: HealerLeaseLike;
  /**
   * The engine events to react to — in the extension, the service store's `onEngineEvent`, so one
   * event stream serves the tree and the healer. Absent: the healer opens its own stream.
   */
  engineEvents?: Event<EngineEvent>;
  /** Why a firing alert is a configuration problem (a target never up), not something to heal; see misconfiguredAlert.ts. */
  configurationProblem?: ConfigurationProblem;
}

/** An action being issued now (status-bar hint, latency figures). */
export interface ActionStarted {
  key: string;
  action: HealAction;
  trigger: HealTrigger;
  /** Epoch ms (wall clock) when the engine call was issued. */
  issuedAt: number;
}

/** The one notification request raised when a service's budget is spent. */
export interface GaveUp {
  key: string;
  ref: ServiceRef;
  nextSlotAt?: number;
  trigger: HealTrigger;
}

/** A service's healing state for the Healer view. */
export interface ServiceHealState {
  key: string;
  ref: ServiceRef;
  budget: BudgetStatus;
  gaveUp: boolean;
  inFlight: boolean;
}

export type { PlanStep } from './healPlan';

/** How long a recent kill or a de-duplicated skip is remembered (entries older than this are dropped). */
const MEMORY_MS = 10 * 60_000;

/** Runs the heal decision for one trigger; returns the recorded entry (none for silent no-ops). */
type Evaluate = (trigger: HealTrigger, action: HealAction, ref: ServiceRef | undefined, manual?: boolean) => Promise<AuditEntry | undefined>;

/**
 * The background healer: Docker events (`die`, `health_status: unhealthy`) and firing alerts go
 * through the pure policy, the persistent rate limiter and the actions, and every decision lands
 * in the audit trail. One action at a time per service; re-checks after grace and engine waits.
 */
export class Healer extends Disposable {
  private readonly changed = this.register(new Emitter<void>());
  private readonly gaveUpEmitter = this.register(new Emitter<GaveUp>());
  private readonly started = this.register(new Emitter<ActionStarted>());
  private readonly finished = this.register(new Emitter<AuditEntry>());
  /** Healer state changed (budgets, gave-up, in-flight): refresh the view. */
  readonly onDidChange: Event<void> = this.changed.event;
  /** Raised once per service when its budget is spent, until the budget is reset or an action succeeds again. */
  readonly onDidGiveUp: Event<GaveUp> = this.gaveUpEmitter.event;
  readonly onDidStartAction: Event<ActionStarted> = this.started.event;
  readonly onDidFinishAction: Event<AuditEntry> = this.finished.event;

  private readonly inFlight = new Set<string>();
  private readonly gaveUp = new Map<string, GaveUp>();
  private readonly awaitingEngine = new Map<string, number>();
  private readonly rechecks = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** The last recorded skip reason per trigger identity, and when that skip last repeated (clock ms). */
  private readonly lastSkip = new Map<string, { reason: string; at: number }>();
  /** Containers killed through the API recently: their `die` is someone's intent, not a crash. */
  private readonly recentKills = new Map<string, number>();
  private readonly known = new Map<string, ServiceRef>();
  private stream: FollowedEvents | undefined;
  private alertPass: Promise<void> | undefined;
  private alertPassAgain = false;
  private interruptedPass: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HealerDeps) {
    super();
    this.register(toDisposable(() => {
      for (const r of this.rechecks.values()) clearTimeout(r.timer);
      this.stream?.dispose();
    }));
  }

  /** Subscribes to the engine's events (reconnecting with backoff) and to the alert source. */
  async start(): Promise<void> {
    // after a reload the old window's lease is often not stale yet: account for its actions once this window holds it,
    // then heal the alerts already firing (the alert source only fires on changes)
    if (this.deps.lease?.onDidChange) this.register(this.deps.lease.onDidChange((held) => {
      if (held) void this.accountInterrupted().then(() => {
        if (this.deps.alerts && !this.isDisposed) this.onAlertsChanged();
      });
    }));
    await this.accountInterrupted();
    if (this.deps.alerts) this.register(this.deps.alerts.onDidChange(() => this.onAlertsChanged()));
    if (this.deps.engineEvents) {
      this.register(this.deps.engineEvents((e) => this.handleEngineEvent(e)));
    } else {
      // resolves once the engine has accepted the event subscription, so no crash after start() is missed
      this.stream = await followEngineEvents(this.deps.docker, this.deps.projects, (e) => this.handleEngineEvent(e), this.deps.logger);
    }
    if (this.deps.alerts) this.onAlertsChanged();
  }

  private accountInterrupted(): Promise<void> {
    // one pass at a time, so an action is never recorded as interrupted twice
    this.interruptedPass = this.interruptedPass.then(() => {
      if (this.deps.lease && !this.deps.lease.isHolder) return;
      return recordInterruptedActions(this.deps.rateLimiter, this.deps.audit, (key) => this.inFlight.has(key));
    }).catch((e: unknown) => this.deps.logger.error(`[healer] could not record interrupted actions: ${String(e)}`));
    return this.interruptedPass;
  }

  /** Re-opens its own event stream (after the watched projects changed); a no-op with `engineEvents`. */
  reconnect(): void {
    this.stream?.reconnect();
  }

  /** Per-service budgets and markers for every service the healer knows or has acted on. */
  serviceStates(): ServiceHealState[] {
    const keys = new Map(this.known);
    for (const key of [...this.deps.rateLimiter.keys(), ...this.gaveUp.keys()]) if (!keys.has(key)) keys.set(key, refFromKey(key));
    this.deps.rateLimiter.setMaxActionsPerHour(this.deps.settings().maxActionsPerHour);
    return [...keys].sort(([a], [b]) => a.localeCompare(b)).map(([key, ref]) => ({
      key, ref, budget: this.deps.rateLimiter.status(key), gaveUp: this.gaveUp.has(key), inFlight: this.inFlight.has(key),
    }));
  }

  isBusy(): boolean {
    return this.inFlight.size > 0;
  }

  /** No action running and no re-check (grace end, engine restart wait) pending. */
  isIdle(): boolean {
    return this.inFlight.size === 0 && this.rechecks.size === 0;
  }

  /** Forgets a service's (or every service's) spent budget and gave-up marker. */
  async resetBudget(key?: string): Promise<void> {
    await this.deps.rateLimiter.reset(key);
    if (key === undefined) this.gaveUp.clear();
    else this.gaveUp.delete(key);
    this.changed.fire();
  }

  /** Heal Now, step one: the plan for firing alerts and exited/unhealthy services, with the policy's verdicts. */
  async plan(): Promise<PlanStep[]> {
    const containers = await this.listWatched();
    return planHealing({
      containers, alerts: this.deps.alerts?.firing() ?? [], settings: this.deps.settings(), now: this.deps.clock.now(),
      resolve: (alert, watched) => resolveAlert(alert, this.deps.settings().rules, watched),
      snapshot: (ref) => this.snapshot(ref, containers),
    });
  }

  /** Heal Now, step two: runs the plan's steps through the same safety rules (re-judged now). */
  async execute(plan: readonly PlanStep[]): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const step of plan) {
      const entry = step.target
        ? await this.evaluate(step.trigger, step.action, step.target, true)
        : await this.deps.audit.record({ trigger: step.trigger, action: step.action, outcome: 'skipped', reason: step.decision.verdict === 'skip' ? step.decision.reason : 'not-watched', detail: step.decision.verdict === 'skip' ? step.decision.detail : undefined, durationMs: 0 });
      if (entry) out.push(entry);
    }
    return out;
  }

  /** One full pass: plan, then run it. */
  async healNow(): Promise<{ plan: PlanStep[]; results: AuditEntry[] }> {
    const plan = await this.plan();
    return { plan, results: await this.execute(plan) };
  }

  /**
   * "Heal This" on one alert from the Alerts view: resolves it to an action and a watched service
   * and runs it through the same safety rules (rate limit, grace, opt-out, dry-run) as any trigger.
   */
  async healAlert(alert: HealableAlert): Promise<AuditEntry | undefined> {
    const r = resolveAlert(alert, this.deps.settings().rules, servicesOf(await this.listWatched()));
    const trigger = alertTrigger(alert, r);
    const misconfigured = await misconfiguredSkip(this.deps.configurationProblem, alert);
    if (misconfigured) return this.deps.audit.record({ trigger, action: r.ok ? r.action : 'restart', outcome: 'skipped', reason: misconfigured.reason, detail: misconfigured.detail, durationMs: 0 });
    if (r.ok) return this.evaluate(trigger, r.action, r.target, true);
    return this.deps.audit.record({ trigger, action: 'restart', outcome: 'skipped', reason: r.reason, detail: r.detail, durationMs: 0 });
  }

  /** Feeds one engine event in (public so the store can forward events instead, and for tests). */
  handleEngineEvent(e: EngineEvent): void {
    if (this.isDisposed || !e.project || !e.service || !this.deps.projects().includes(e.project)) return;
    if (e.action === 'kill') {
      const now = Date.now();
      for (const [id, at] of this.recentKills) if (now - at > MEMORY_MS) this.recentKills.delete(id);
      this.recentKills.set(e.containerId, now);
      return;
    }
    const isDie = e.action === 'die';
    const isUnhealthy = e.action === 'health_status' && e.healthStatus === 'unhealthy';
    if (!isDie && !isUnhealthy) return;
    const killedAt = this.recentKills.get(e.containerId);
    if (isDie && killedAt !== undefined && Date.now() - killedAt < 120_000) {
      // stopped or killed through the API (compose stop/down, docker kill): the user meant it
      this.recentKills.delete(e.containerId);
      return;
    }
    const trigger: HealTrigger = { kind: 'event', event: isDie ? 'die' : 'unhealthy', containerId: e.containerId, containerName: e.name, time: e.time, exitCode: e.exitCode };
    void this.evaluate(trigger, 'restart', { project: e.project, service: e.service }).catch((err: unknown) => this.deps.logger.error(`[healer] ${String(err)}`));
  }

  private readonly evaluate: Evaluate = async (trigger, action, ref, manual = false) => {
    if (this.deps.lease && !this.deps.lease.isHolder && !manual) return undefined;
    const settings = this.deps.settings();
    this.deps.rateLimiter.setMaxActionsPerHour(settings.maxActionsPerHour);
    const key = ref ? serviceKey(ref) : '';
    if (this.deps.lease && !this.deps.lease.isHolder) {
      return this.deps.audit.record({ trigger, service: key || undefined, action, outcome: 'skipped', reason: 'standby', detail: 'another VS Code window heals this workspace', durationMs: 0 });
    }
    const containers = ref && ref.service !== CLEANUP_SERVICE ? await this.listWatched([ref.project]) : [];
    const target = ref && (ref.service === CLEANUP_SERVICE || containers.some((c) => c.service === ref.service)) ? this.snapshot(ref, containers) : undefined;
    const decision = decide({ trigger, action, target, settings, now: this.deps.clock.now() });
    if (decision.verdict === 'skip') return this.skipped(trigger, key, decision, manual);
    return this.act(trigger, action, ref!, decision.containers, settings);
  };

  private async skipped(trigger: HealTrigger, key: string, d: Extract<HealDecision, { verdict: 'skip' }>, manual: boolean): Promise<AuditEntry | undefined> {
    const ref = key ? refFromKey(key) : undefined;
    if (d.reason === 'already-recovering' && d.retryAt !== undefined && !this.awaitingEngine.has(key)) this.awaitingEngine.set(key, this.deps.clock.now());
    if ((d.reason === 'in-grace' || d.reason === 'backoff' || d.reason === 'already-recovering') && d.retryAt !== undefined && ref && trigger.kind !== 'alert') {
      this.scheduleRecheck(key, ref, d.retryAt, d.reason);
    }
    if (d.reason === 'no-action' && !manual) {
      this.awaitingEngine.delete(key);
      return undefined; // nothing was wrong any more: not a decision worth recording
    }
    if (d.reason === 'rate-limited' && ref && !this.gaveUp.has(key)) {
      const gaveUp: GaveUp = { key, ref, nextSlotAt: d.retryAt, trigger };
      this.gaveUp.set(key, gaveUp);
      this.deps.logger.warn(`[healer] gave up on ${key}: budget spent`);
      this.gaveUpEmitter.fire(gaveUp);
    }
    // our own action's side effects (events while it runs) are not decisions
    if (d.reason === 'busy' && !manual && trigger.kind !== 'alert') return undefined;
    // alerts re-fire on every poll, re-checks repeat, and a crash-looping service dies again and again:
    // record the same skip once (until the reason changes, an action happens, or it stops repeating for MEMORY_MS).
    // A service the healer gave up on stays down until someone starts it: each later crash is its own decision.
    if (!manual && trigger.kind !== 'manual' && !(trigger.kind === 'event' && d.reason === 'rate-limited')) {
      const identity = `${key}|${trigger.kind === 'alert' ? `${trigger.fingerprint}@${trigger.startsAt ?? ''}` : trigger.kind}`;
      const now = this.deps.clock.now();
      const last = this.lastSkip.get(identity);
      if (last && last.reason === d.reason && now - last.at <= MEMORY_MS) {
        last.at = now;
        return undefined;
      }
      for (const [k, v] of this.lastSkip) if (now - v.at > MEMORY_MS) this.lastSkip.delete(k);
      this.lastSkip.set(identity, { reason: d.reason, at: now });
    }
    this.changed.fire();
    return this.deps.audit.record({ trigger, service: key || undefined, action: d.action, outcome: 'skipped', reason: d.reason, detail: d.detail, durationMs: 0 });
  }

  private async act(trigger: HealTrigger, action: HealAction, ref: ServiceRef, containers: ContainerInfo[], settings: HealerSettings): Promise<AuditEntry> {
    const key = serviceKey(ref);
    this.inFlight.add(key);
    // counted before the call is issued, so a crash mid-action still spends budget; a failure to count is
    // caught at once (no unhandled rejection while the action runs) and recorded with the action's outcome
    const counted = this.deps.rateLimiter.record(key).then(() => undefined, (e: unknown) => `could not count the action in the budget: ${e instanceof Error ? e.message : String(e)}`);
    const startedAt = Date.now();
    this.started.fire({ key, action, trigger, issuedAt: startedAt });
    this.changed.fire();
    let entry: AuditEntry;
    try {
      const report = action === 'restart'
        ? await this.deps.actions.restart(containers, settings.stopTimeoutSeconds)
        : action === 'scale_down'
          ? await this.deps.actions.scaleDown(containers[0], settings.stopTimeoutSeconds)
          : await this.deps.actions.cleanup({ projects: ref.project ? [ref.project] : this.deps.projects(), logDirectories: settings.logDirectories, logMaxAgeDays: settings.logMaxAgeDays, pruneBuildCache: settings.pruneBuildCache, baseDir: settings.baseDir, now: this.deps.clock.now() });
      const notCounted = await counted;
      if (notCounted) throw new Error(`${report.detail}, but ${notCounted}`);
      this.gaveUp.delete(key);
      this.awaitingEngine.delete(key);
      for (const k of [...this.lastSkip.keys()]) if (k.startsWith(`${key}|`)) this.lastSkip.delete(k);
      entry = await this.deps.audit.record({ trigger, service: key, action, outcome: 'done', detail: report.detail, durationMs: Date.now() - startedAt });
      if (action === 'restart') this.scheduleRecheck(key, ref, this.deps.clock.now() + settings.graceMs, 'grace');
    } catch (e) {
      const notCounted = await counted;
      const message = e instanceof Error ? e.message : String(e);
      entry = await this.deps.audit.record({ trigger, service: key, action, outcome: 'failed', detail: notCounted && !message.endsWith(notCounted) ? `${message}; ${notCounted}` : message, durationMs: Date.now() - startedAt });
    } finally {
      this.inFlight.delete(key);
    }
    this.finished.fire(entry);
    this.changed.fire();
    return entry;
  }

  /** Judges the service again at `at` (one pending re-check per service, the earliest wins). */
  private scheduleRecheck(key: string, ref: ServiceRef, at: number, after: string): void {
    const existing = this.rechecks.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.rechecks.delete(key);
      void this.evaluate({ kind: 'recheck', after }, 'restart', ref).catch((e: unknown) => this.deps.logger.error(`[healer] re-check of ${key} failed: ${String(e)}`));
    }, Math.max(0, at - this.deps.clock.now()) + 20);
    this.rechecks.set(key, { at, timer });
  }

  private onAlertsChanged(): void {
    if (this.alertPass) {
      this.alertPassAgain = true;
      return;
    }
    this.alertPass = this.evaluateAlerts().catch((e: unknown) => this.deps.logger.error(`[healer] alert pass failed: ${String(e)}`)).finally(() => {
      this.alertPass = undefined;
      if (this.alertPassAgain) {
        this.alertPassAgain = false;
        this.onAlertsChanged();
      }
    });
  }

  private async evaluateAlerts(): Promise<void> {
    const firing = this.deps.alerts?.firing() ?? [];
    if (!firing.length || (this.deps.lease && !this.deps.lease.isHolder)) return;
    const watched = servicesOf(await this.listWatched());
    for (const alert of firing) {
      const r = resolveAlert(alert, this.deps.settings().rules, watched);
      const trigger = alertTrigger(alert, r);
      const misconfigured = r.ok ? await misconfiguredSkip(this.deps.configurationProblem, alert) : undefined;
      if (misconfigured) await this.skipped(trigger, '', { ...misconfigured, action: r.ok ? r.action : undefined }, false);
      else if (r.ok) await this.evaluate(trigger, r.action, r.target);
      else if (r.reason !== 'no-action' || alert.labels.action) await this.skipped(trigger, '', { verdict: 'skip', reason: r.reason, detail: r.detail }, false);
    }
  }

  private async listWatched(projects = this.deps.projects()): Promise<ContainerInfo[]> {
    if (!projects.length) return [];
    const containers = await this.deps.docker.listComposeContainers(projects);
    for (const ref of servicesOf(containers)) this.known.set(serviceKey(ref), ref);
    return containers;
  }

  private snapshot(ref: ServiceRef, containers: readonly ContainerInfo[]): ServiceSnapshot {
    const key = serviceKey(ref);
    const budget = this.deps.rateLimiter.status(key);
    return {
      ref,
      containers: containers.filter((c) => c.project === ref.project && c.service === ref.service),
      inFlight: this.inFlight.has(key),
      lastActionAt: budget.lastActionAt,
      recentActions: budget.used,
      budgetRemaining: budget.remaining,
      nextSlotAt: budget.nextSlotAt,
      awaitingEngineSince: this.awaitingEngine.get(key),
    };
  }
}

function refFromKey(key: string): ServiceRef {
  const slash = key.indexOf('/');
  return slash < 0 ? { project: '', service: key } : { project: key.slice(0, slash), service: key.slice(slash + 1) };
}
