/**
 * An incident as the Incident panel shows it: its timeline with a link per entry (kinds and alert
 * indexes only: the extension resolves them), its alerts, and the charts over its window. Pure:
 * untrusted text stays as given (the webview sets it as text).
 */
import type { EntryKind, IncidentAlertView, IncidentChartSpec, IncidentEntryView, IncidentLink, IncidentView } from '../shared/incidentProtocol';
import { formatDuration } from './duration';
import { crashReason, describeCause, Incident, progress, TimelineEntry } from './incidents';

/** How far before the start and after the end the logs and charts reach (ms). */
export const WINDOW_BEFORE_MS = 5 * 60_000;
export const WINDOW_AFTER_MS = 2 * 60_000;
/** The log window around the start: lines before it say what led up to it, lines after what followed. */
export const LOG_BEFORE_MS = 2 * 60_000;
export const LOG_AFTER_MS = 2 * 60_000;

/** The LogQL selector of the incident's service (the labels Promtail gives the stack's containers). */
export function serviceSelector(i: Pick<Incident, 'project' | 'service'>): string {
  return `{compose_project=${JSON.stringify(i.project)}, compose_service=${JSON.stringify(i.service)}}`;
}

/** The service's container memory (cAdvisor's compose labels), for an OOM kill. */
export function memoryQuery(i: Pick<Incident, 'project' | 'service'>): string {
  return `max by (name) (container_memory_usage_bytes{container_label_com_docker_compose_project=${JSON.stringify(i.project)}, container_label_com_docker_compose_service=${JSON.stringify(i.service)}})`;
}

export function incidentWindow(i: Incident, now: number): { startMs: number; endMs: number } {
  const startMs = i.openedAt - WINDOW_BEFORE_MS;
  return { startMs, endMs: Math.max((i.closedAt ?? now) + WINDOW_AFTER_MS, startMs + 10 * 60_000) };
}

/** Whether the engine's kernel killed it for memory: then the panel charts the memory too. */
export function wasOomKilled(i: Incident): boolean {
  return i.oomKilled === true || i.timeline.some((t) => t.kind === 'oom');
}

/** The charts: the source query of each alert that named the service (first two), and memory for an OOM kill. */
export function incidentCharts(i: Incident): IncidentChartSpec[] {
  const queries = [...new Set(i.alerts.map((a) => a.query).filter((q): q is string => Boolean(q)))].slice(0, 2);
  const charts: IncidentChartSpec[] = queries.map((query) => ({
    title: `Alert ${i.alerts.find((a) => a.query === query)!.name}: its query`,
    query,
    unit: 'count',
  }));
  if (wasOomKilled(i)) charts.push({ title: `Memory of ${i.service}'s containers`, query: memoryQuery(i), unit: 'bytes' });
  return charts;
}

function linksOf(i: Incident, t: TimelineEntry): IncidentLink[] {
  if (t.kind.startsWith('alert-')) {
    const alert = i.alerts.findIndex((a) => a.name === t.alertname);
    if (alert < 0) return [{ kind: 'logs', atMs: t.time }];
    return [...(i.alerts[alert].query ? [{ kind: 'metrics' as const, alert }] : []), { kind: 'alertmanager', alert }, { kind: 'logs', atMs: t.time }];
  }
  if (t.kind === 'oom' || (t.kind === 'die' && wasOomKilled(i))) return [{ kind: 'logs', atMs: t.time }, { kind: 'memory' }];
  return [{ kind: 'logs', atMs: t.time }];
}

function detailOf(i: Incident, t: TimelineEntry): string | undefined {
  if (t.kind === 'unhealthy' && i.healthOutput && t === i.timeline[0]) return `health check output:\n${i.healthOutput}`;
  if (t.kind === 'alert-firing') {
    const a = i.alerts.find((x) => x.name === t.alertname);
    if (!a) return undefined;
    const lines = [...Object.entries(a.labels).map(([k, v]) => `${k}=${v}`), ...Object.entries(a.annotations).map(([k, v]) => `${k}: ${v}`)];
    return lines.length ? lines.join('\n') : undefined;
  }
  return undefined;
}

export function alertViews(i: Incident): IncidentAlertView[] {
  return i.alerts.map((a) => ({
    name: a.name,
    state: a.resolvedAt === undefined && i.firing.includes(a.key) ? 'firing' : 'resolved',
    firingAt: a.firingAt,
    ...(a.resolvedAt !== undefined ? { resolvedAt: a.resolvedAt } : {}),
    ...(a.query ? { query: a.query } : {}),
    labels: a.labels,
    annotations: a.annotations,
  }));
}

/** The panel's view of `i` as of `now`. */
export function buildIncidentView(i: Incident, now: number): IncidentView {
  const { startMs, endMs } = incidentWindow(i, now);
  const entries: IncidentEntryView[] = i.timeline.map((t) => {
    const detail = detailOf(i, t);
    return { time: t.time, kind: t.kind as EntryKind, text: t.text, links: linksOf(i, t), ...(detail ? { detail } : {}) };
  });
  const reason = crashReason(i);
  const status =
    i.closedAt === undefined
      ? `open for ${formatDuration(now - i.openedAt)}: ${progress(i)}`
      : `recovered in ${formatDuration(i.closedAt - i.openedAt)}${i.fixedBy ? ` (${i.fixedBy})` : ''}`;
  return {
    id: i.id,
    title: `${i.service} — ${describeCause(i)}`,
    status,
    ...(reason ? { reason } : {}),
    openedAt: i.openedAt,
    ...(i.closedAt !== undefined ? { closedAt: i.closedAt } : {}),
    windowStartMs: startMs,
    windowEndMs: endMs,
    entries,
    alerts: alertViews(i),
    charts: incidentCharts(i),
  };
}
