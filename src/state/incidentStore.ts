import type { EngineEvent } from '../clients/dockerClient';
import type { ServiceGroup } from '../core/containers';
import { addEntry, Incident, IncidentCause, TimelineEntry } from '../core/incidents';
import type { AuditEntry } from '../healer/auditTrail';
import { describeEntry } from '../healer/auditTrail';
import type { Clock, Timers } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { MementoLike } from '../platform/memento';
import type { AlertStoreChange } from './alertStore';
import { applyAlertChange } from './incidentAlerts';
import { EngineIncidents, EngineReads, IncidentBook } from './incidentEngine';
import type { ServicesSnapshot } from './serviceStore';

export const INCIDENTS_STORAGE_KEY = 'realm.incidents';
export const INCIDENT_LIMIT = 50;
/** A service must run healthy this long (and its alerts resolve) before its incident closes (ms). */
export const DEFAULT_SETTLE_MS = 60_000;
export interface IncidentSources extends Omit<EngineReads, 'whenCurrent'> {
  engineEvents: Event<EngineEvent>;
  services: { onDidChange: Event<ServicesSnapshot>; readonly snapshot: ServicesSnapshot; whenCurrent(): Promise<ServicesSnapshot> };
  alerts?: Event<AlertStoreChange>;
  /** The healer's audit trail's change event. */
  decisions?: Event<AuditEntry | undefined>;
  /** The projects whose services are watched (the app's, as the healer's). */
  projects(): readonly string[];
}

export interface IncidentStoreOptions {
  memento: MementoLike;
  clock: Clock;
  timers: Timers;
  logger?: Logger;
  settleMs?: number;
  limit?: number;
}

/**
 * Joins engine events (incidentEngine.ts), alerts (incidentAlerts.ts) and healer decisions into
 * incidents, one per service at a time, kept (bounded) in workspace state; here: opening, joining,
 * recovery and closing, persistence. Fetches nothing but a crashed container's record and last lines.
 */
export class IncidentStore extends Disposable implements IncidentBook {
  private readonly changed = this.register(new Emitter<Incident | undefined>());
  /** Fires with the incident that changed. */
  readonly onDidChange: Event<Incident | undefined> = this.changed.event;
  private list: Incident[];
  private readonly engine: EngineIncidents;
  private readonly settleTimers = new Map<string, unknown>();
  private seq = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly settleMs: number;
  private readonly limit: number;

  constructor(
    private readonly sources: IncidentSources,
    private readonly options: IncidentStoreOptions,
  ) {
    super();
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.limit = options.limit ?? INCIDENT_LIMIT;
    const stored = options.memento.get<Incident[]>(INCIDENTS_STORAGE_KEY);
    this.list = Array.isArray(stored) ? stored.filter((i) => i && typeof i.key === 'string' && Array.isArray(i.timeline)).slice(-this.limit) : [];
    this.engine = new EngineIncidents(
      this,
      { whenCurrent: () => sources.services.whenCurrent(), inspect: sources.inspect, lastLines: sources.lastLines },
      options.logger,
    );
    this.register(sources.engineEvents((e: EngineEvent) => this.engine.onEvent(e)));
    this.register(sources.services.onDidChange((s) => this.onSnapshot(s)));
    if (sources.alerts) this.register(sources.alerts((c: AlertStoreChange) => applyAlertChange(this, c)));
    if (sources.decisions) this.register(sources.decisions((d) => d && this.onDecision(d)));
    this.register({
      dispose: () => {
        for (const t of this.settleTimers.values()) options.timers.clearTimeout(t);
      },
    });
    // after a reload, open incidents that were recovering keep counting down
    for (const i of this.list) if (i.closedAt === undefined && i.healthySince !== undefined) this.scheduleSettle(i);
  }

  /** Every incident, oldest first. */
  all(): readonly Incident[] {
    return this.list;
  }

  get(id: string): Incident | undefined {
    return this.list.find((i) => i.id === id);
  }

  /** The open incident of `project/service`, if any. */
  openOf(key: string): Incident | undefined {
    return this.list.find((i) => i.key === key && i.closedAt === undefined);
  }

  /** The newest incident of `project/service`, open or not. */
  latestOf(key: string): Incident | undefined {
    return [...this.list].reverse().find((i) => i.key === key);
  }

  now(): number {
    return this.options.clock.now();
  }

  watched(project: string | undefined): project is string {
    return project !== undefined && this.sources.projects().includes(project);
  }

  get snapshot(): ServicesSnapshot {
    return this.sources.services.snapshot;
  }

  /** Re-judges open incidents against the current services (an alert on a running service). */
  recheck(): void {
    this.onSnapshot(this.sources.services.snapshot);
  }

  /** Opens an incident for the service, or joins the open one. */
  trigger(key: string, project: string, service: string, cause: IncidentCause, entry: TimelineEntry, alertname?: string): Incident {
    const open = this.openOf(key);
    if (open) {
      open.healthySince = undefined;
      this.clearSettle(open);
      this.note(open, entry);
      return open;
    }
    const incident: Incident = {
      id: `${entry.time}-${this.seq++}`,
      key,
      project,
      service,
      cause,
      openedAt: entry.time,
      alertname,
      firing: [],
      alerts: [],
      timeline: [entry],
    };
    this.list.push(incident);
    if (this.list.length > this.limit) {
      // drop the oldest closed ones first; open incidents stay
      const drop = this.list.findIndex((i) => i.closedAt !== undefined);
      this.list.splice(drop >= 0 ? drop : 0, 1);
    }
    this.options.logger?.info(`incident opened: ${key} — ${entry.text}`);
    this.commit(incident);
    return incident;
  }

  private onSnapshot(s: ServicesSnapshot): void {
    if (s.engine !== 'reachable') return;
    const now = this.now();
    for (const i of this.list) {
      if (i.closedAt !== undefined) continue;
      const group = s.groups.find((g) => g.project === i.project && g.service === i.service);
      if (!group) continue;
      // a crash or unhealthy check counts as recovered only after a start or a healthy check seen since
      const up = isUp(group) && (i.cause === 'alert' || i.restarted || i.timeline.some((t) => t.kind === 'healthy'));
      if (up) this.markRecovering(i, now);
      else if (!isUp(group) && i.healthySince !== undefined) {
        i.healthySince = undefined;
        this.clearSettle(i);
        this.commit(i);
      }
    }
  }

  markRecovering(i: Incident, now: number): void {
    if (i.healthySince !== undefined) return;
    i.healthySince = now;
    this.note(i, {
      time: now,
      kind: 'recovering',
      text: `${i.service} runs again; closes after ${Math.round(this.settleMs / 1000)} s healthy${i.firing.length ? ' and its alerts resolved' : ''}`,
    });
    this.scheduleSettle(i);
  }

  private scheduleSettle(i: Incident): void {
    this.clearSettle(i);
    const wait = Math.max(0, (i.healthySince ?? this.now()) + this.settleMs - this.now());
    this.settleTimers.set(
      i.id,
      this.options.timers.setTimeout(() => {
        this.settleTimers.delete(i.id);
        this.tryClose(i);
      }, wait),
    );
  }

  private clearSettle(i: Incident): void {
    const t = this.settleTimers.get(i.id);
    if (t !== undefined) this.options.timers.clearTimeout(t);
    this.settleTimers.delete(i.id);
  }

  tryClose(i: Incident): void {
    const now = this.now();
    if (i.closedAt !== undefined || i.healthySince === undefined || now - i.healthySince < this.settleMs || i.firing.length > 0) return;
    i.closedAt = now;
    i.fixedBy = i.healedBy
      ? `the healer's ${i.healedBy}`
      : i.restarted
        ? 'a restart (the engine or a user)'
        : i.cause === 'alert'
          ? 'its alerts resolved'
          : 'recovered by itself';
    this.note(i, { time: now, kind: 'closed', text: `recovered: healthy for ${Math.round(this.settleMs / 1000)} s, alerts resolved; fixed by ${i.fixedBy}` });
    this.options.logger?.info(`incident closed: ${i.key} after ${Math.round((now - i.openedAt) / 1000)} s`);
  }

  private onDecision(d: AuditEntry): void {
    const i = d.service ? this.openOf(d.service) : undefined;
    if (!i) return;
    if (d.outcome === 'done' && d.action) i.healedBy = d.action;
    this.note(i, { time: d.time, kind: 'healer', text: `healer: ${describeEntry(d)}`, auditId: d.id, outcome: d.outcome });
  }

  note(i: Incident, entry: TimelineEntry): void {
    addEntry(i, entry);
    this.commit(i);
  }

  /** Fires the change and persists; writes are chained so a slow memento never reorders them. */
  commit(i: Incident): void {
    this.changed.fire(i);
    const snapshot = JSON.parse(JSON.stringify(this.list)) as Incident[];
    this.writes = this.writes
      .then(() => this.options.memento.update(INCIDENTS_STORAGE_KEY, snapshot))
      .catch((e: unknown) => {
        this.options.logger?.error(`could not persist the incidents: ${String(e)}`);
      });
  }

  /** Resolves when every change so far is persisted (tests, deactivate). */
  flushed(): Promise<void> {
    return this.writes;
  }
}

function isUp(g: ServiceGroup): boolean {
  return g.status === 'healthy' || g.status === 'running';
}
