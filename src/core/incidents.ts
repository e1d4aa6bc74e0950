/**
 * Incidents: what happened to one service, from the trigger (a crash, an unhealthy check, an
 * alert) to its recovery, as one timeline. Pure types and wording; the IncidentStore builds them.
 * Text from containers, logs and labels is kept as given (capped): whoever renders it escapes it.
 */
import { stripAnsi } from '../shared/ansi';
import { formatDuration } from './duration';
import { formatBytes } from './formatBytes';

export type IncidentCause = 'crash' | 'unhealthy' | 'alert';

export type TimelineKind =
  | 'die'
  | 'oom'
  | 'start'
  | 'unhealthy'
  | 'healthy'
  | 'stopped'
  | 'alert-pending'
  | 'alert-firing'
  | 'alert-silenced'
  | 'alert-resolved'
  | 'healer'
  | 'recovering'
  | 'closed';

/** One entry of an incident's timeline, newest last. */
export interface TimelineEntry {
  time: number;
  kind: TimelineKind;
  /** One line of text (untrusted parts included as text). */
  text: string;
  container?: string;
  exitCode?: number;
  /** For alert entries: the alert's name (the query and labels are in `Incident.alerts`). */
  alertname?: string;
  /** For healer entries: the audit entry's id and outcome. */
  auditId?: string;
  outcome?: 'done' | 'failed' | 'skipped';
}

/** An alert that named the incident's service. */
export interface IncidentAlert {
  key: string;
  name: string;
  query?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  firingAt: number;
  resolvedAt?: number;
}

export interface Incident {
  /** `open time-sequence`, unique within the store. */
  id: string;
  /** `project/service`. */
  key: string;
  project: string;
  service: string;
  cause: IncidentCause;
  openedAt: number;
  closedAt?: number;
  /** The first crash's exit code and OOM flag, when the cause is a crash. */
  exitCode?: number;
  oomKilled?: boolean;
  /** How long the crashed container had run, when the engine said (ms). */
  ranForMs?: number;
  /** The crashed container's memory limit (bytes), for "OOM-killed at 512 MiB". */
  memoryLimitBytes?: number;
  /** The failing health check's last output, for an unhealthy incident. */
  healthOutput?: string;
  /** The alert that opened it, when the cause is an alert. */
  alertname?: string;
  /** Since when the service has run healthy again (undefined while it does not). */
  healthySince?: number;
  /** Keys of alerts naming the service that still fire. */
  firing: string[];
  alerts: IncidentAlert[];
  timeline: TimelineEntry[];
  /** What the healer did that worked (`restart`), when it acted. */
  healedBy?: string;
  /** True once a container of the service started again after the trigger. */
  restarted?: boolean;
  /** What brought it back, set on close. */
  fixedBy?: string;
  /** The crashed container's last log lines, and where they came from. */
  logLines?: string[];
  logSource?: string;
}

/** Timeline entries kept per incident: a flapping service must not grow workspace state without bound. */
export const TIMELINE_LIMIT = 200;

/** "crashed (exit 137, OOM)", "turned unhealthy", "alert HighErrorRate". */
export function describeCause(i: Incident): string {
  switch (i.cause) {
    case 'crash': {
      const parts = [i.exitCode !== undefined ? `exit ${i.exitCode}` : undefined, i.oomKilled ? 'OOM' : undefined].filter(Boolean);
      return `crashed${parts.length ? ` (${parts.join(', ')})` : ''}`;
    }
    case 'unhealthy':
      return 'turned unhealthy';
    case 'alert':
      return `alert ${i.alertname ?? ''}`.trim();
  }
}

/** Time to recovery: open → close (undefined while open). */
export function timeToRecovery(i: Incident): number | undefined {
  return i.closedAt === undefined ? undefined : i.closedAt - i.openedAt;
}

/** Where an open incident stands: "restarted, recovering", "alert firing", "down". */
export function progress(i: Incident): string {
  const steps: string[] = [];
  if (i.healedBy) steps.push(i.healedBy === 'restart' ? 'restarted' : i.healedBy);
  else if (i.restarted) steps.push('started again');
  if (i.healthySince !== undefined) steps.push(i.firing.length ? 'alert still firing' : 'recovering');
  else steps.push(i.firing.length ? 'alert firing' : 'down');
  return steps.join(', ');
}

/**
 * The tree's line: open — "worker — crashed (exit 137, OOM) 2m ago, restarted, recovering";
 * closed — "worker — crashed (exit 1), recovered in 45s by the healer's restart".
 */
export function describeIncident(i: Incident, now: number): string {
  const head = `${i.service} — ${describeCause(i)}`;
  if (i.closedAt === undefined) return `${head} ${formatDuration(now - i.openedAt)} ago, ${progress(i)}`;
  return `${head}, recovered in ${formatDuration(i.closedAt - i.openedAt)}${i.fixedBy ? ` (${i.fixedBy})` : ''}`;
}

/** Open incidents first (newest first), then closed ones, newest first. */
export function sortIncidents(list: readonly Incident[]): Incident[] {
  return [...list].sort((a, b) => Number(a.closedAt !== undefined) - Number(b.closedAt !== undefined) || b.openedAt - a.openedAt);
}

/** Appends to the timeline, dropping the oldest entries past the limit (the first, the trigger, stays). */
export function addEntry(i: Incident, entry: TimelineEntry): void {
  i.timeline.push(entry);
  if (i.timeline.length > TIMELINE_LIMIT) i.timeline.splice(1, i.timeline.length - TIMELINE_LIMIT);
}

/** The engine's exit code: 137 = SIGKILL (often the OOM killer), 143 = SIGTERM. */
export function crashText(exitCode: number | undefined, oomKilled: boolean | undefined, ranForMs?: number): string {
  if (oomKilled) return 'OOM-killed';
  const ran = ranForMs !== undefined ? ` after ${formatDuration(ranForMs)}` : '';
  return exitCode !== undefined ? `exit ${exitCode}${ran}` : `died${ran}`;
}

/** The longest last line quoted in a reason: a row description, not a log viewer. */
const REASON_LINE_MAX = 120;

/** A log line as one quotable line: ANSI and control characters out, whitespace folded, bounded. */
export function quotableLine(line: string, max = REASON_LINE_MAX): string {
  const clean = stripAnsi(line)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Why, at a glance, when the engine knew: "OOM-killed at 512 MiB", "exit 1 after 3s; last line:
 * `Error: ECONNREFUSED db:5432`", "unhealthy: curl: (7) Failed to connect". Undefined for an alert.
 */
export function crashReason(i: Incident): string | undefined {
  if (i.cause === 'unhealthy') {
    const out = i.healthOutput
      ? quotableLine(
          i.healthOutput
            .split(/\r?\n/)
            .filter((l) => l.trim())
            .at(-1) ?? '',
        )
      : '';
    return out ? `unhealthy: ${out}` : 'unhealthy';
  }
  if (i.cause !== 'crash') return undefined;
  if (i.oomKilled) return `OOM-killed${i.memoryLimitBytes ? ` at ${formatBytes(i.memoryLimitBytes, { iec: true })}` : ''}`;
  const last = [...(i.logLines ?? [])]
    .reverse()
    .map((l) => quotableLine(l))
    .find((l) => l.length > 0);
  // a backtick in the line would end the quote early: the quote uses a longer fence, as Markdown does
  const tick = last?.includes('`') ? '``' : '`';
  return `${crashText(i.exitCode, i.oomKilled, i.ranForMs)}${last ? `; last line: ${tick}${last}${tick}` : ''}`;
}

/** What `incidentOf` reads from the IncidentStore. */
export interface IncidentLookup {
  get(id: string): Incident | undefined;
  all(): readonly Incident[];
  latestOf(key: string): Incident | undefined;
}

/**
 * The incident a command was run on: an Incidents-tree node, an incident id, a Services-tree node
 * (its service's newest incident), a Healer decision (its service's) or an alert (the incident it joined).
 */
export function incidentOf(arg: unknown, store: IncidentLookup): Incident | undefined {
  if (typeof arg === 'string') return store.get(arg);
  const a = arg as
    { incident?: { id?: unknown }; group?: { project?: unknown; service?: unknown }; entry?: { service?: unknown }; alert?: { key?: unknown } } | undefined;
  if (typeof a?.incident?.id === 'string') return store.get(a.incident.id);
  if (typeof a?.group?.project === 'string' && typeof a.group.service === 'string') return store.latestOf(`${a.group.project}/${a.group.service}`);
  if (typeof a?.entry?.service === 'string') return store.latestOf(a.entry.service);
  const key = a?.alert?.key;
  if (typeof key === 'string') return [...store.all()].reverse().find((i) => i.alerts.some((x) => x.key === key));
  return undefined;
}
