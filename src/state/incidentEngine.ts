import type { EngineEvent } from '../clients/dockerClient';
import type { ContainerInfo } from '../core/containers';
import { serviceKey } from '../core/healPolicy';
import { Incident, IncidentCause, TimelineEntry } from '../core/incidents';
import type { Logger } from '../platform/logger';
import type { ServicesSnapshot } from './serviceStore';

/** A `die` this soon after a `kill` is someone's stop or the healer's restart, not a crash (as the healer judges). */
const KILL_TO_DIE_MS = 120_000;
const LOG_LINES = 50;
const LINE_MAX = 500;
const HEALTH_OUTPUT_MAX = 2_000;

/** What the engine and alert halves of the incident store ask of the store itself. */
export interface IncidentBook {
  now(): number;
  watched(project: string | undefined): project is string;
  openOf(key: string): Incident | undefined;
  /** Opens an incident for the service, or joins the open one. */
  trigger(key: string, project: string, service: string, cause: IncidentCause, entry: TimelineEntry, alertname?: string): Incident;
  note(i: Incident, entry: TimelineEntry): void;
  commit(i: Incident): void;
  markRecovering(i: Incident, now: number): void;
  tryClose(i: Incident): void;
  readonly snapshot: ServicesSnapshot;
  recheck(): void;
}

/** What the engine half reads from the engine (through the stores' clients). */
export interface EngineReads {
  whenCurrent(): Promise<ServicesSnapshot>;
  /** The engine's record of one container (OOMKilled, memory limit, the health check's last output). */
  inspect?(containerId: string): Promise<ContainerInfo>;
  /**
   * The last lines of a (dead) container's output from the engine, written before `untilMs` (its
   * death: a restart that followed appends to the same log); they survive until it is removed.
   */
  lastLines?(containerId: string, tail: number, untilMs?: number): Promise<string[]>;
}

/**
 * Engine events → incidents: a crash (a `die` no one asked for, with exit code, OOM flag and how
 * long the container ran), an unhealthy check (with the check's last output), starts and healthy
 * checks on an open incident. Then the engine's own record of the dead container and its last lines.
 */
export class EngineIncidents {
  private readonly kills = new Map<string, number>();
  private readonly ooms = new Set<string>();
  /** Engine time of each container's last start, for how long a crashed one ran. */
  private readonly starts = new Map<string, number>();

  constructor(
    private readonly book: IncidentBook,
    private readonly reads: EngineReads,
    private readonly logger?: Logger,
  ) {}

  onEvent(e: EngineEvent): void {
    if (!this.book.watched(e.project) || !e.service) return;
    const key = serviceKey({ project: e.project, service: e.service });
    const now = this.book.now();
    const open = this.book.openOf(key);
    const at = (kind: TimelineEntry['kind'], text: string, extra: Partial<TimelineEntry> = {}) =>
      open && this.book.note(open, { time: now, kind, text, container: e.name, ...extra });
    switch (e.action) {
      case 'kill':
        this.kills.set(e.containerId, now);
        return;
      case 'destroy':
        this.starts.delete(e.containerId);
        this.kills.delete(e.containerId);
        this.ooms.delete(e.containerId);
        return;
      case 'oom':
        this.ooms.add(e.containerId);
        at('oom', `${e.name}: out of memory`);
        return;
      case 'start':
        this.starts.set(e.containerId, e.time);
        if (open) {
          open.restarted = true;
          open.healthySince = undefined;
        }
        at('start', `${e.name} started`);
        // the service store may have applied this start already (it hears events first): judge the
        // snapshot now, or the incident would wait for a change that has come and gone
        if (open) this.book.recheck();
        return;
      case 'health_status':
        if (e.healthStatus === 'unhealthy') {
          const opened = !open;
          const incident = this.book.trigger(key, e.project, e.service, 'unhealthy', {
            time: now,
            kind: 'unhealthy',
            text: `${e.name} turned unhealthy`,
            container: e.name,
          });
          if (opened) void this.readHealthOutput(incident, e.containerId);
        } else if (e.healthStatus === 'healthy' && open) {
          at('healthy', `${e.name} is healthy`);
          this.book.markRecovering(open, now);
        }
        return;
      case 'die':
        return this.onDie(e, key, now, open, at);
    }
  }

  private onDie(
    e: EngineEvent,
    key: string,
    now: number,
    open: Incident | undefined,
    at: (kind: TimelineEntry['kind'], text: string, extra?: Partial<TimelineEntry>) => unknown,
  ): void {
    const killedAt = this.kills.get(e.containerId);
    this.kills.delete(e.containerId);
    if ((killedAt !== undefined && now - killedAt <= KILL_TO_DIE_MS) || e.exitCode === 0) {
      at('stopped', `${e.name} stopped${e.exitCode !== undefined ? ` (exit ${e.exitCode})` : ''}`, { exitCode: e.exitCode });
      return;
    }
    const oom = this.ooms.delete(e.containerId);
    const startedAt = this.starts.get(e.containerId);
    const text = `${e.name} died${e.exitCode !== undefined ? ` (exit ${e.exitCode}${oom ? ', OOM-killed' : ''})` : ''}`;
    const incident = this.book.trigger(key, e.project!, e.service!, 'crash', { time: now, kind: 'die', text, container: e.name, exitCode: e.exitCode });
    if (open) return;
    incident.exitCode = e.exitCode;
    incident.oomKilled = oom || undefined;
    if (startedAt !== undefined && e.time >= startedAt) incident.ranForMs = e.time - startedAt;
    void this.enrichCrash(incident, e.containerId, e.time);
  }

  /** The engine's record of the dead container (OOMKilled, its memory limit) and its last lines. */
  private async enrichCrash(i: Incident, containerId: string, diedAt: number): Promise<void> {
    try {
      const c = this.reads.inspect ? await this.reads.inspect(containerId) : (await this.reads.whenCurrent()).containers.find((x) => x.id === containerId);
      if (c?.oomKilled) i.oomKilled = true;
      if (c?.memoryLimitBytes) i.memoryLimitBytes = c.memoryLimitBytes;
    } catch (err) {
      this.logger?.info(`incident: could not read the crashed container: ${String(err)}`);
    }
    if (this.reads.lastLines) {
      try {
        // a little past the death (the engine stamps a line as it reads it, maybe after the exit); a
        // restart's first line comes after the engine started the container again (≥ 175 ms here)
        const lines = await this.reads.lastLines(containerId, LOG_LINES, diedAt + 50);
        i.logLines = lines.slice(-LOG_LINES).map((l) => (l.length > LINE_MAX ? `${l.slice(0, LINE_MAX - 1)}…` : l));
        i.logSource = "the engine's log of the dead container";
      } catch (err) {
        this.logger?.info(`incident: no logs of the crashed container: ${String(err)}`);
      }
    }
    this.book.commit(i);
  }

  /** The failing health check's last output (inspect's `State.Health.Log`): what it said when it failed. */
  private async readHealthOutput(i: Incident, containerId: string): Promise<void> {
    if (!this.reads.inspect) return;
    try {
      const c = await this.reads.inspect(containerId);
      if (c.healthOutput) i.healthOutput = c.healthOutput.slice(-HEALTH_OUTPUT_MAX);
      this.book.commit(i);
    } catch (err) {
      this.logger?.info(`incident: could not read the failing health check: ${String(err)}`);
    }
  }
}
