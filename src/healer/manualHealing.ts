import type { ContainerInfo } from '../core/containers';
import { ServiceRef, ServiceSnapshot } from '../core/healPolicy';
import { resolveAlert } from '../core/healRules';
import type { Clock } from '../platform/clock';
import type { AlertSource, HealableAlert } from './alertSource';
import type { AuditEntry } from './auditTrail';
import type { ContainerSource } from './containerSource';
import type { HealerSettings } from '../core/healerSettings';
import { alertTrigger, planHealing, PlanStep } from './healPlan';
import type { HealRequest } from './healRequest';

export interface ManualHealingDeps {
  settings: () => HealerSettings;
  clock: Clock;
  alerts?: AlertSource;
  source: ContainerSource;
  snapshot: (ref: ServiceRef, containers: readonly ContainerInfo[]) => ServiceSnapshot;
  /** The watched containers and the services alerts may name (those plus the ones the user stopped). */
  watched: () => Promise<{ containers: ContainerInfo[]; refs: ServiceRef[] }>;
  request: (r: HealRequest) => Promise<AuditEntry | undefined>;
  /** A skip when the alert is about a target that was never up (a wrong address, not a crash). */
  misconfigured?: (alert: HealableAlert) => Promise<HealRequest['unresolved'] | undefined>;
}

/**
 * What the user asks for: Heal Now's plan and its run, Heal This on one alert, "is it down?" after a
 * budget reset. Every step goes through the same queue and policy as the background healer, as
 * manual requests (counted in the budget, never refused by it, grace or back-off).
 */
export class ManualHealing {
  constructor(private readonly deps: ManualHealingDeps) {}

  async isDown(ref: ServiceRef): Promise<boolean> {
    const containers = (await this.deps.source.containersOf([ref.project])).filter((c) => c.service === ref.service);
    const steps = planHealing({
      containers,
      alerts: [],
      settings: this.deps.settings(),
      now: this.deps.clock.now(),
      resolve: () => ({ ok: false, reason: 'no-action', detail: '', alertname: '' }),
      snapshot: (r) => this.deps.snapshot(r, containers),
    });
    return steps.length > 0;
  }

  async plan(): Promise<PlanStep[]> {
    const { containers, refs } = await this.deps.watched();
    return planHealing({
      containers,
      alerts: this.deps.alerts?.firing() ?? [],
      settings: this.deps.settings(),
      now: this.deps.clock.now(),
      resolve: (alert) => resolveAlert(alert, this.deps.settings().rules, refs),
      snapshot: (ref) => this.deps.snapshot(ref, containers),
    });
  }

  async execute(plan: readonly PlanStep[]): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const step of plan) {
      const entry = await this.deps.request({
        trigger: step.trigger,
        action: step.action,
        ref: step.target,
        manual: true,
        unresolved: step.target ? undefined : step.decision,
      });
      if (entry) out.push(entry);
    }
    return out;
  }

  async healAlert(alert: HealableAlert): Promise<AuditEntry | undefined> {
    const r = resolveAlert(alert, this.deps.settings().rules, (await this.deps.watched()).refs);
    const trigger = alertTrigger(alert, r);
    const misconfigured = await this.deps.misconfigured?.(alert);
    if (misconfigured) return this.deps.request({ trigger, action: r.ok ? r.action : 'restart', manual: true, unresolved: misconfigured });
    if (r.ok) return this.deps.request({ trigger, action: r.action, ref: r.target, manual: true });
    return this.deps.request({ trigger, action: 'restart', manual: true, unresolved: { verdict: 'skip', reason: r.reason, detail: r.detail } });
  }
}
