import type { DockerClient, EngineEvent } from '../clients/dockerClient';
import type { ContainerInfo } from '../core/containers';
import { ServiceRef, serviceKey } from '../core/healPolicy';
import { resolveAlert } from '../core/healRules';
import type { RateLimiter } from '../core/rateLimiter';
import { Clock, systemTimers, Timers } from '../platform/clock';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { MementoLike } from '../platform/memento';
import type { HealActions } from './actions';
import type { AlertSource, HealableAlert } from './alertSource';
import type { AuditEntry, AuditTrail } from './auditTrail';
import { ContainerSource, engineContainerSource } from './containerSource';
import { EngineIntent } from './engineIntent';
import { EngineTriggers } from './engineTriggers';
import { FollowedEvents, followEngineEvents } from './followEngineEvents';
import { HealerAlerts } from './healerAlerts';
import { ManualHealing } from './manualHealing';
import { ConfigurationProblem, misconfiguredSkip } from './misconfiguredAlert';
import type { HealerSettings } from '../core/healerSettings';
import { PlanStep, servicesOf } from './healPlan';
import { HealQueue } from './healQueue';
import { ActionStarted, GaveUp, HealRequest, HealRunner } from './healRunner';
import { HealSchedule } from './healSchedule';
import { recordInterruptedActions } from './interruptedActions';
import type { HealerLeaseLike } from './lease';
import { KnownServices, ServiceHealState, serviceHealStates } from './knownServices';
import { SkipRecorder } from './skipRecorder';

export interface HealerDeps {
  docker: Pick<DockerClient, 'listComposeContainers' | 'streamEvents'>;
  actions: HealActions;
  rateLimiter: RateLimiter;
  audit: AuditTrail;
  clock: Clock;
  /** Timers of the same clock (tests drive both); default: the system's. */
  timers?: Timers;
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
  /** Where the healer reads container state; default: the engine through `docker`. */
  containers?: ContainerSource;
  /** Workspace state for what must survive a reload: user stops and scheduled actions. */
  state?: MementoLike;
  /** How many services are checked and acted on at once (a crash storm); default 8. */
  concurrency?: number;
}

export type { ActionStarted, GaveUp } from './healRunner';
export type { PlanStep } from './healPlan';

export type { ServiceHealState } from './knownServices';

/**
 * The background healer: engine events (`die`, `health_status: unhealthy`) and firing alerts become
 * requests, judged one service at a time (HealRunner) with bounded concurrency (HealQueue); deferred
 * actions are first-class (HealSchedule); what the user stopped is left alone (EngineIntent).
 */
export class Healer extends Disposable {
  private readonly changed = this.register(new Emitter<void>());
  private readonly gaveUpEmitter = this.register(new Emitter<GaveUp>());
  private readonly startedEmitter = this.register(new Emitter<ActionStarted>());
  private readonly finishedEmitter = this.register(new Emitter<AuditEntry>());
  /** Healer state changed (budgets, gave-up, in-flight, schedule, stops): refresh the views. */
  readonly onDidChange: Event<void> = this.changed.event;
  /** Raised once per service when its budget is spent, until the budget is reset or an action succeeds again. */
  readonly onDidGiveUp: Event<GaveUp> = this.gaveUpEmitter.event;
  readonly onDidStartAction: Event<ActionStarted> = this.startedEmitter.event;
  readonly onDidFinishAction: Event<AuditEntry> = this.finishedEmitter.event;

  private readonly timers: Timers;
  private readonly source: ContainerSource;
  private readonly intent: EngineIntent;
  private readonly schedule: HealSchedule;
  private readonly runner: HealRunner;
  private readonly queue: HealQueue<HealRequest>;
  private readonly alertPass: HealerAlerts;
  private readonly known = new KnownServices();
  private readonly triggers: EngineTriggers;
  private readonly manual: ManualHealing;
  private stream: FollowedEvents | undefined;
  private interruptedPass: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HealerDeps) {
    super();
    this.timers = deps.timers ?? systemTimers;
    this.source = deps.containers ?? engineContainerSource(deps.docker);
    this.intent = new EngineIntent(deps.clock, deps.state);
    this.schedule = new HealSchedule(
      deps.clock,
      this.timers,
      (s) => this.request({ trigger: s.trigger, action: s.action, ref: s.ref, alsoDied: s.alsoDied, scheduled: s }),
      deps.state,
    );
    const fire = () => this.changed.fire();
    this.runner = new HealRunner({
      ...deps,
      source: this.source,
      intent: this.intent,
      schedule: this.schedule,
      skips: new SkipRecorder(deps.audit, deps.clock),
      saw: (containers) => this.known.remember(containers),
      started: (e) => this.startedEmitter.fire(e),
      finished: (e) => this.finishedEmitter.fire(e),
      gaveUp: (e) => this.gaveUpEmitter.fire(e),
      changed: fire,
      requeue: (r) => this.request(r),
      judgeAlertsAgainAt: (at, key, alertname) => this.alertPass.judgeAgainAt(at, key, alertname),
    });
    this.queue = new HealQueue(
      deps.concurrency ?? 8,
      (_key, requests) => this.runner.run(requests),
      (key, e) => deps.logger.error(`[healer] ${key}: ${String(e)}`),
    );
    this.alertPass = new HealerAlerts({
      alerts: deps.alerts,
      lease: deps.lease,
      clock: deps.clock,
      timers: this.timers,
      logger: deps.logger,
      watched: () => this.watched(),
      resolve: (alert, watched) => resolveAlert(alert, deps.settings().rules, watched),
      request: (r) => this.requestAndWait(r),
      misconfigured: (alert) => misconfiguredSkip(deps.configurationProblem, alert),
      waitsChanged: fire,
    });
    this.triggers = new EngineTriggers({
      intent: this.intent,
      runner: this.runner,
      schedule: this.schedule,
      timers: this.timers,
      logger: deps.logger,
      projects: deps.projects,
      request: (r) => this.request(r),
      changed: fire,
    });
    this.manual = new ManualHealing({
      settings: deps.settings,
      clock: deps.clock,
      alerts: deps.alerts,
      source: this.source,
      snapshot: (ref, cs) => this.runner.snapshot(ref, cs),
      misconfigured: (alert) => misconfiguredSkip(deps.configurationProblem, alert),
      watched: async () => {
        const containers = await this.listWatched();
        return { containers, refs: this.withStopped(servicesOf(containers)) };
      },
      request: (r) => this.requestAndWait(r),
    });
    this.register(this.schedule.onDidChange(fire));
    this.register(this.intent.onDidChange(fire));
    this.register(
      toDisposable(() => {
        this.triggers.dispose();
        this.schedule.dispose();
        this.intent.dispose();
        this.alertPass.dispose();
        this.stream?.dispose();
      }),
    );
  }

  /** Subscribes to the engine's events (reconnecting with backoff) and to the alert source; re-arms scheduled actions. */
  async start(): Promise<void> {
    // after a reload the old window's lease is often not stale yet: account for its actions once this window holds it,
    // then heal the alerts already firing (the alert source only fires on changes)
    if (this.deps.lease?.onDidChange)
      this.register(
        this.deps.lease.onDidChange((held) => {
          if (held) void this.accountInterrupted().then(() => !this.isDisposed && this.alertPass.run());
        }),
      );
    await this.accountInterrupted();
    this.schedule.restore();
    if (this.deps.alerts) this.register(this.deps.alerts.onDidChange(() => this.alertPass.run()));
    if (this.deps.engineEvents) {
      this.register(this.deps.engineEvents((e) => this.handleEngineEvent(e)));
    } else {
      // resolves once the engine has accepted the event subscription, so no crash after start() is missed
      this.stream = await followEngineEvents(this.deps.docker as DockerClient, this.deps.projects, (e) => this.handleEngineEvent(e), this.deps.logger);
    }
    this.alertPass.run();
  }

  private accountInterrupted(): Promise<void> {
    // one pass at a time, so an action is never recorded as interrupted twice
    this.interruptedPass = this.interruptedPass
      .then(() => {
        if (this.deps.lease && !this.deps.lease.isHolder) return;
        return recordInterruptedActions(this.deps.rateLimiter, this.deps.audit, (key) => this.runner.inFlight.has(key));
      })
      .catch((e: unknown) => this.deps.logger.error(`[healer] could not record interrupted actions: ${String(e)}`));
    return this.interruptedPass;
  }

  /** Re-opens its own event stream (after the watched projects changed); a no-op with `engineEvents`. */
  reconnect(): void {
    this.stream?.reconnect();
  }

  /** Per-service budgets and states for every service the healer knows, has acted on, scheduled or left alone. A query: changes nothing. */
  serviceStates(): ServiceHealState[] {
    return serviceHealStates(this.known, {
      settings: this.deps.settings(),
      rateLimiter: this.deps.rateLimiter,
      gaveUp: this.runner.gaveUpOn,
      inFlight: this.runner.inFlight,
      schedule: this.schedule,
      intent: this.intent,
      alertWaits: this.alertPass.waits,
    });
  }

  isBusy(): boolean {
    return this.runner.inFlight.size > 0;
  }

  /** No check or action running, nothing scheduled, no stop waiting to be recorded. */
  isIdle(): boolean {
    return this.queue.size === 0 && this.schedule.size === 0 && this.triggers.settling === 0 && !this.alertPass.running;
  }

  /** Forgets a service's (or every service's) spent budget and gave-up marker. */
  async resetBudget(key?: string): Promise<void> {
    await this.deps.rateLimiter.reset(key);
    if (key === undefined) this.runner.gaveUpOn.clear();
    else this.runner.gaveUpOn.delete(key);
    this.changed.fire();
  }

  /** Cancels a service's scheduled action; records the cancellation under the decision it belonged to. */
  async cancelScheduled(key: string): Promise<AuditEntry | undefined> {
    const s = this.schedule.cancel(key);
    if (!s) return undefined;
    return this.deps.audit.record({
      trigger: s.trigger,
      service: key,
      action: s.action,
      outcome: 'skipped',
      reason: 'cancelled',
      detail: `cancelled by the user while waiting (${s.why})`,
      durationMs: 0,
      manual: true,
    });
  }

  /** True when the service has a container that needs healing now (exited with an error, dead, unhealthy). */
  isDown(key: string): Promise<boolean> {
    return this.manual.isDown(this.known.refOf(key));
  }

  /** Heals one service now, as the user asked (after a budget reset): a manual restart through the same safety rules. */
  healService(key: string, why = 'after a budget reset'): Promise<AuditEntry | undefined> {
    return this.requestAndWait({ trigger: { kind: 'manual', why }, action: 'restart', ref: this.known.refOf(key), manual: true });
  }

  /** Heal Now, step one: the plan for firing alerts and exited/unhealthy services, with the policy's verdicts. */
  plan(): Promise<PlanStep[]> {
    return this.manual.plan();
  }

  /** Heal Now, step two: runs the plan's steps through the same safety rules (re-judged now). */
  execute(plan: readonly PlanStep[]): Promise<AuditEntry[]> {
    return this.manual.execute(plan);
  }

  /** One full pass: plan, then run it. */
  async healNow(): Promise<{ plan: PlanStep[]; results: AuditEntry[] }> {
    const plan = await this.plan();
    return { plan, results: await this.execute(plan) };
  }

  /** "Heal This" on one alert from the Alerts view, through the same safety rules as Heal Now. */
  healAlert(alert: HealableAlert): Promise<AuditEntry | undefined> {
    return this.manual.healAlert(alert);
  }

  /** Feeds one engine event in (public so the store can forward events instead, and for tests). */
  handleEngineEvent(e: EngineEvent): void {
    if (!this.isDisposed) this.triggers.handle(e);
  }

  private request(r: HealRequest & { unresolved?: PlanStep['decision'] }): void {
    const key = r.ref ? serviceKey(r.ref) : `(unresolved)/${r.trigger.kind === 'alert' ? r.trigger.fingerprint : ''}`;
    this.queue.push(key, r);
  }

  private requestAndWait(r: HealRequest & { unresolved?: PlanStep['decision'] }): Promise<AuditEntry | undefined> {
    return new Promise((resolve) => this.request({ ...r, done: resolve }));
  }

  /** The watched services, plus those stopped by the user (an alert about a service App Down removed still names it). */
  private async watched(): Promise<ServiceRef[]> {
    return this.withStopped(servicesOf(await this.listWatched()));
  }

  private withStopped(refs: ServiceRef[]): ServiceRef[] {
    const keys = new Set(refs.map(serviceKey));
    return [
      ...refs,
      ...this.intent
        .all()
        .filter(([k]) => !keys.has(k))
        .map(([k]) => this.known.refOf(k)),
    ];
  }

  private async listWatched(): Promise<ContainerInfo[]> {
    const projects = this.deps.projects();
    if (!projects.length) return [];
    const containers = await this.source.containersOf(projects);
    this.known.remember(containers);
    return containers;
  }
}
