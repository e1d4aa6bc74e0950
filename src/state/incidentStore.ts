import type { EngineEvent } from '../clients/dockerClient';
import { sourceQuery, type RealmAlert } from '../core/alerts';
import { plain } from '../core/text';
import type { ContainerInfo, ServiceGroup } from '../core/containers';
import { serviceKey } from '../core/healPolicy';
import { addEntry, Incident, IncidentCause, TimelineEntry } from '../core/incidents';
import type { AuditEntry } from '../healer/auditTrail';
import { describeEntry } from '../healer/auditTrail';
import type { Clock, Timers } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { MementoLike } from '../platform/memento';
import type { AlertStoreChange } from './alertStore';
import type { ServicesSnapshot } from './serviceStore';

export const INCIDENTS_STORAGE_KEY = 'realm.incidents';
export const INCIDENT_LIMIT = 50;
/** A service must run healthy this long (and its alerts resolve) before its incident closes (ms). */
export const DEFAULT_SETTLE_MS = 60_000;
/** A `die` this soon after a `kill` is someone's stop or the healer's restart, not a crash (as the healer judges). */
const KILL_TO_DIE_MS = 120_000;
const LOG_LINES = 50;
const LINE_MAX = 500;

export interface IncidentSources {
  engineEvents: Event<EngineEvent>;
  services: { onDidChange: Event<ServicesSnapshot>; readonly snapshot: ServicesSnapshot; whenCurrent(): Promise<ServicesSnapshot> };
  alerts?: Event<AlertStoreChange>;
  /** The healer's audit trail's change event. */
  decisions?: Event<AuditEntry | undefined>;
  /** The projects whose services are watched (the app's, as the healer's). */
  projects(): readonly string[];
  /** The last lines of a (dead) container's output from the engine; they survive until it is removed. */
  lastLines?(containerId: string, tail: number): Promise<string[]>;
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
 * Joins engine events, alerts and healer decisions into incidents, one per service at a time,
 * kept (bounded) in workspace state. Fetches nothing but a crashed container's last lines.
 */
export class IncidentStore extends Disposable {
  private readonly changed = this.register(new Emitter<Incident | undefined>());
  /** Fires with the incident that changed. */
  readonly onDidChange: Event<Incident | undefined> = this.changed.event;
  private list: Incident[];
  private readonly kills = new Map<string, number>();
  private readonly ooms = new Set<string>();
  /** Engine time of each container's last start, for how long a crashed one ran. */
  private readonly starts = new Map<string, number>();
  private readonly settleTimers = new Map<string, unknown>();
  private seq = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly settleMs: number;
  private readonly limit: number;

  constructor(private readonly sources: IncidentSources, private readonly options: IncidentStoreOptions) {
    super();
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.limit = options.limit ?? INCIDENT_LIMIT;
    const stored = options.memento.get<Incident[]>(INCIDENTS_STORAGE_KEY);
    this.list = Array.isArray(stored) ? stored.filter((i) => i && typeof i.key === 'string' && Array.isArray(i.timeline)).slice(-this.limit) : [];
    this.register(sources.engineEvents((e) => this.onEngineEvent(e)));
    this.register(sources.services.onDidChange((s) => this.onSnapshot(s)));
    if (sources.alerts) this.register(sources.alerts((c) => this.onAlerts(c)));
    if (sources.decisions) this.register(sources.decisions((d) => d && this.onDecision(d)));
    this.register({ dispose: () => { for (const t of this.settleTimers.values()) options.timers.clearTimeout(t); } });
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

  private now(): number {
    return this.options.clock.now();
  }

  private watched(project: string | undefined): project is string {
    return project !== undefined && this.sources.projects().includes(project);
  }

  private onEngineEvent(e: EngineEvent): void {
    if (!this.watched(e.project) || !e.service) return;
    const key = serviceKey({ project: e.project, service: e.service });
    const now = this.now();
    const open = this.openOf(key);
    const at = (kind: TimelineEntry['kind'], text: string, extra: Partial<TimelineEntry> = {}) =>
      open && this.note(open, { time: now, kind, text, container: e.name, ...extra });
    switch (e.action) {
      case 'kill': this.kills.set(e.containerId, now); return;
      case 'destroy': this.starts.delete(e.containerId); this.kills.delete(e.containerId); this.ooms.delete(e.containerId); return;
      case 'oom': this.ooms.add(e.containerId); at('oom', `${e.name}: out of memory`); return;
      case 'start':
        this.starts.set(e.containerId, e.time);
        if (open) { open.restarted = true; open.healthySince = undefined; }
        at('start', `${e.name} started`);
        return;
      case 'health_status':
        if (e.healthStatus === 'unhealthy') this.trigger(key, e.project, e.service, 'unhealthy', { time: now, kind: 'unhealthy', text: `${e.name} turned unhealthy`, container: e.name });
        else if (e.healthStatus === 'healthy' && open) { at('healthy', `${e.name} is healthy`); this.markRecovering(open, now); }
        return;
      case 'die': {
        const killedAt = this.kills.get(e.containerId);
        this.kills.delete(e.containerId);
        if ((killedAt !== undefined && now - killedAt <= KILL_TO_DIE_MS) || e.exitCode === 0) {
          at('stopped', `${e.name} stopped${e.exitCode !== undefined ? ` (exit ${e.exitCode})` : ''}`, { exitCode: e.exitCode });
          return;
        }
        const oom = this.ooms.delete(e.containerId);
        const startedAt = this.starts.get(e.containerId);
        const text = `${e.name} died${e.exitCode !== undefined ? ` (exit ${e.exitCode}${oom ? ', OOM-killed' : ''})` : ''}`;
        const opened = !open;
        const incident = this.trigger(key, e.project, e.service, 'crash', { time: now, kind: 'die', text, container: e.name, exitCode: e.exitCode });
        if (opened) {
          incident.exitCode = e.exitCode;
          incident.oomKilled = oom || undefined;
          if (startedAt !== undefined && e.time >= startedAt) incident.ranForMs = e.time - startedAt;
          void this.enrichCrash(incident, e.containerId);
        }
        return;
      }
    }
  }

  /** The engine's record of the dead container (OOMKilled, how long it ran) and its last lines. */
  private async enrichCrash(i: Incident, containerId: string): Promise<void> {
    try {
      const snap = await this.sources.services.whenCurrent();
      const c: ContainerInfo | undefined = snap.containers.find((x) => x.id === containerId);
      if (c?.oomKilled) i.oomKilled = true;
    } catch (err) {
      this.options.logger?.info(`incident: could not read the crashed container: ${String(err)}`);
    }
    if (this.sources.lastLines) {
      try {
        const lines = await this.sources.lastLines(containerId, LOG_LINES);
        i.logLines = lines.slice(-LOG_LINES).map((l) => (l.length > LINE_MAX ? `${l.slice(0, LINE_MAX - 1)}…` : l));
        i.logSource = 'the engine\'s log of the dead container';
      } catch (err) {
        this.options.logger?.info(`incident: no logs of the crashed container: ${String(err)}`);
      }
    }
    this.commit(i);
  }

  /** Opens an incident for the service, or joins the open one. */
  private trigger(key: string, project: string, service: string, cause: IncidentCause, entry: TimelineEntry, alertname?: string): Incident {
    const open = this.openOf(key);
    if (open) {
      open.healthySince = undefined;
      this.clearSettle(open);
      this.note(open, entry);
      return open;
    }
    const incident: Incident = { id: `${entry.time}-${this.seq++}`, key, project, service, cause, openedAt: entry.time, alertname, firing: [], alerts: [], timeline: [entry] };
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
      else if (!isUp(group) && i.healthySince !== undefined) { i.healthySince = undefined; this.clearSettle(i); this.commit(i); }
    }
  }

  private markRecovering(i: Incident, now: number): void {
    if (i.healthySince !== undefined) return;
    i.healthySince = now;
    this.note(i, { time: now, kind: 'recovering', text: `${i.service} runs again; closes after ${Math.round(this.settleMs / 1000)} s healthy${i.firing.length ? ' and its alerts resolved' : ''}` });
    this.scheduleSettle(i);
  }

  private scheduleSettle(i: Incident): void {
    this.clearSettle(i);
    const wait = Math.max(0, (i.healthySince ?? this.now()) + this.settleMs - this.now());
    this.settleTimers.set(i.id, this.options.timers.setTimeout(() => { this.settleTimers.delete(i.id); this.tryClose(i); }, wait));
  }

  private clearSettle(i: Incident): void {
    const t = this.settleTimers.get(i.id);
    if (t !== undefined) this.options.timers.clearTimeout(t);
    this.settleTimers.delete(i.id);
  }

  private tryClose(i: Incident): void {
    const now = this.now();
    if (i.closedAt !== undefined || i.healthySince === undefined || now - i.healthySince < this.settleMs || i.firing.length > 0) return;
    i.closedAt = now;
    i.fixedBy = i.healedBy ? `the healer's ${i.healedBy}` : i.restarted ? 'a restart (the engine or a user)' : i.cause === 'alert' ? 'its alerts resolved' : 'recovered by itself';
    this.note(i, { time: now, kind: 'closed', text: `recovered: healthy for ${Math.round(this.settleMs / 1000)} s, alerts resolved; fixed by ${i.fixedBy}` });
    this.options.logger?.info(`incident closed: ${i.key} after ${Math.round((now - i.openedAt) / 1000)} s`);
  }

  private onAlerts(c: AlertStoreChange): void {
    const now = this.now();
    const firingNow = [...c.added.filter((a) => a.state === 'firing'), ...c.changed.filter((x) => x.alert.state === 'firing').map((x) => x.alert)];
    for (const a of firingNow) {
      const ref = this.serviceOf(a);
      if (!ref) continue;
      const i = this.trigger(ref.key, ref.project, ref.service, 'alert', { time: now, kind: 'alert-firing', text: `alert ${plain(a.name, 200)} firing`, alertname: plain(a.name, 200) }, plain(a.name, 200));
      if (!i.firing.includes(a.key)) i.firing.push(a.key);
      if (!i.alerts.some((x) => x.key === a.key && x.resolvedAt === undefined)) {
        i.alerts.push({ key: a.key, name: plain(a.name, 200), query: sourceQuery(a), labels: a.labels, annotations: a.annotations, firingAt: a.since || now });
      }
      // an alert on a service that runs (no crash) recovers when the alert resolves
      if (i.cause === 'alert' && i.timeline.length === 1) this.onSnapshot(this.sources.services.snapshot);
      this.commit(i);
    }
    for (const x of c.changed) {
      const ref = this.serviceOf(x.alert);
      const i = ref && this.openOf(ref.key);
      if (i && x.alert.state !== 'firing') this.note(i, { time: now, kind: x.alert.state === 'pending' ? 'alert-pending' : 'alert-silenced', text: `alert ${plain(x.alert.name, 200)} ${x.alert.state === 'pending' ? 'pending' : 'silenced'}`, alertname: plain(x.alert.name, 200) });
    }
    for (const a of c.added.filter((x) => x.state === 'pending')) {
      const ref = this.serviceOf(a);
      const i = ref && this.openOf(ref.key);
      if (i) this.note(i, { time: now, kind: 'alert-pending', text: `alert ${plain(a.name, 200)} pending`, alertname: plain(a.name, 200) });
    }
    for (const a of c.resolved) {
      const ref = this.serviceOf(a);
      const i = ref && this.openOf(ref.key);
      if (!i) continue;
      i.firing = i.firing.filter((k) => k !== a.key);
      for (const x of i.alerts) if (x.key === a.key && x.resolvedAt === undefined) x.resolvedAt = now;
      this.note(i, { time: now, kind: 'alert-resolved', text: `alert ${plain(a.name, 200)} resolved`, alertname: plain(a.name, 200) });
      this.tryClose(i);
      this.commit(i);
    }
  }

  /** The watched service an alert names (label text is only compared with the watched names). */
  private serviceOf(a: RealmAlert): { key: string; project: string; service: string } | undefined {
    const name = a.labels.service ?? a.labels.compose_service ?? a.labels.container_label_com_docker_compose_service;
    const project = a.labels.compose_project ?? a.labels.project ?? a.labels.container_label_com_docker_compose_project;
    if (!name) return undefined;
    const matches = this.sources.services.snapshot.groups.filter((g) => this.watched(g.project) && g.service === name && (project === undefined || g.project === project));
    if (matches.length !== 1) return undefined;
    return { key: serviceKey(matches[0]), project: matches[0].project, service: matches[0].service };
  }

  private onDecision(d: AuditEntry): void {
    const i = d.service ? this.openOf(d.service) : undefined;
    if (!i) return;
    if (d.outcome === 'done' && d.action) i.healedBy = d.action;
    this.note(i, { time: d.time, kind: 'healer', text: `healer: ${describeEntry(d)}`, auditId: d.id, outcome: d.outcome });
  }

  private note(i: Incident, entry: TimelineEntry): void {
    addEntry(i, entry);
    this.commit(i);
  }

  /** Fires the change and persists; writes are chained so a slow memento never reorders them. */
  private commit(i: Incident): void {
    this.changed.fire(i);
    const snapshot = JSON.parse(JSON.stringify(this.list)) as Incident[];
    this.writes = this.writes.then(() => this.options.memento.update(INCIDENTS_STORAGE_KEY, snapshot)).catch((e: unknown) => {
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
