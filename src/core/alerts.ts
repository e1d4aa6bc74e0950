/**
 * The alert model the tree, status bar, notifications and healer share: Alertmanager's view
 * (firing, or suppressed by a silence or inhibition) merged with Prometheus' pending alerts, which
 * never reach Alertmanager. Labels and annotations are untrusted text: nothing here interprets them.
 */
import { formatDuration } from './duration';
import { LabelIndex } from './labelIndex';
import type { Matcher } from './matchers';
import { clockTime } from './clockTime';

/** An alert as Alertmanager holds it: the fields the model reads (clients' `AmAlert` carries these and more). */
export interface ManagedAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch ms. */
  startsAt: number;
  generatorURL: string;
  /** `active` (notifying), `suppressed` (silenced or inhibited), `unprocessed` (just received). */
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

/** An alert as a Prometheus rule reports it (clients' `PromActiveAlert` carries these and more). */
export interface RuleAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  /** Epoch ms at which the alert's expression first became true. */
  activeAt?: number;
}

export type AlertState = 'firing' | 'suppressed' | 'pending';

export interface RealmAlert {
  /** Stable identity within one source: Alertmanager's fingerprint, or the label set for Prometheus. */
  key: string;
  name: string;
  state: AlertState;
  /** The `severity` label, lower-cased; `none` when missing. */
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch ms since the alert fired (Alertmanager) or became active (Prometheus). */
  since: number;
  silencedBy: string[];
  inhibitedBy: string[];
  /** Link back to the Prometheus expression, when known. */
  generatorURL: string;
  /** Where this alert came from: Prometheus stands in while Alertmanager is unreachable. */
  source: 'alertmanager' | 'prometheus';
}

/** Severities in display order; anything else sorts after `info`, then `none`. */
export const SEVERITY_ORDER = ['critical', 'error', 'warning', 'info'];

export function severityRank(severity: string): number {
  const i = SEVERITY_ORDER.indexOf(severity);
  if (i >= 0) return i;
  return severity === 'none' ? SEVERITY_ORDER.length + 1 : SEVERITY_ORDER.length;
}

export function fromAlertmanager(a: ManagedAlert): RealmAlert {
  return {
    key: a.fingerprint,
    name: a.labels.alertname ?? '(unnamed)',
    state: a.state === 'suppressed' ? 'suppressed' : 'firing',
    severity: (a.labels.severity ?? 'none').toLowerCase(),
    labels: a.labels,
    annotations: a.annotations,
    since: a.startsAt,
    silencedBy: a.silencedBy,
    inhibitedBy: a.inhibitedBy,
    generatorURL: a.generatorURL,
    source: 'alertmanager',
  };
}

export function fromPrometheus(a: RuleAlert, now: number): RealmAlert {
  return {
    key: 'prom:' + canonicalLabels(a.labels),
    name: a.labels.alertname ?? '(unnamed)',
    state: a.state === 'pending' ? 'pending' : 'firing',
    severity: (a.labels.severity ?? 'none').toLowerCase(),
    labels: a.labels,
    annotations: a.annotations,
    since: a.activeAt ?? now,
    silencedBy: [],
    inhibitedBy: [],
    generatorURL: '',
    source: 'prometheus',
  };
}

/**
 * One list from both sources. With Alertmanager's answer, it is the truth for firing and
 * suppressed alerts (silences live there) and Prometheus adds only pending ones. Without it
 * (`am` undefined: unreachable), Prometheus' firing alerts stand in.
 */
export function mergeAlerts(am: ManagedAlert[] | undefined, prom: RuleAlert[] | undefined, now: number): RealmAlert[] {
  const out: RealmAlert[] = (am ?? []).map(fromAlertmanager);
  for (const p of prom ?? []) {
    if (p.state === 'pending' || (p.state === 'firing' && am === undefined)) out.push(fromPrometheus(p, now));
  }
  return sortAlerts(out);
}

/**
 * A restarted Alertmanager knows no alerts until Prometheus re-sends them (its resend delay, 1 min by
 * default). Alerts shown as firing that Prometheus still reports firing but this Alertmanager answer
 * lacks did not resolve: keep the previous entry (same key, so nothing looks resolved or new and no
 * second notification goes out). New alerts still come only from Alertmanager.
 */
export function keepStillFiring(merged: RealmAlert[], previous: readonly RealmAlert[], prom: RuleAlert[] | undefined): RealmAlert[] {
  // keyed lookups, not a scan of both lists per previous alert: 5,000 alerts every poll must stay cheap
  const mergedKeys = new Set(merged.map((m) => m.key));
  const missing = previous.filter((old) => old.state === 'firing' && !mergedKeys.has(old.key));
  if (missing.length === 0) return merged;
  const mergedByLabels = new LabelIndex(merged, (m) => m.labels);
  const promFiring = new LabelIndex(
    (prom ?? []).filter((p) => p.state === 'firing'),
    (p) => p.labels,
  );
  const sameName = (old: RealmAlert) => (x: { labels: Record<string, string> }) => x.labels.alertname === old.labels.alertname;
  const kept = missing.filter((old) => !mergedByLabels.related(old.labels).some(sameName(old)) && promFiring.related(old.labels).some(sameName(old)));
  return kept.length ? sortAlerts([...merged, ...kept]) : merged;
}

const STATE_RANK: Record<AlertState, number> = { firing: 0, suppressed: 1, pending: 2 };

/** Severity first (critical first), then firing → suppressed → pending, then longest-running first. */
export function sortAlerts(alerts: RealmAlert[]): RealmAlert[] {
  return [...alerts].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) || STATE_RANK[a.state] - STATE_RANK[b.state] || a.since - b.since || byCodeUnits(a.key, b.key),
  );
}

/** A plain order for identity keys (fingerprints, label texts): localeCompare was most of sorting 5,000 alerts. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface SeverityGroup {
  severity: string;
  alerts: RealmAlert[];
}

/** Groups by severity, critical first; each group keeps `sortAlerts` order. */
export function groupBySeverity(alerts: RealmAlert[]): SeverityGroup[] {
  const groups = new Map<string, RealmAlert[]>();
  for (const a of sortAlerts(alerts)) {
    const list = groups.get(a.severity) ?? [];
    list.push(a);
    groups.set(a.severity, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => severityRank(a) - severityRank(b) || a.localeCompare(b))
    .map(([severity, list]) => ({ severity, alerts: list }));
}

/** Alerts that notify: firing and not suppressed. */
export function firingAlerts(alerts: RealmAlert[]): RealmAlert[] {
  return alerts.filter((a) => a.state === 'firing');
}

/** The most severe severity among firing alerts, or undefined when nothing fires. */
export function highestSeverity(alerts: RealmAlert[]): string | undefined {
  return sortAlerts(firingAlerts(alerts))[0]?.severity;
}

/** What the alert concerns, for a one-line description: `service (instance)`, either, or the job. */
export function alertTarget(labels: Record<string, string>): string {
  const { service, instance, job } = labels;
  if (service && instance) return `${service} (${instance})`;
  return service || instance || job || '';
}

/** How a suppressed alert reads: one word everywhere ("silenced"), "inhibited" only when no silence mutes it. */
export function suppressionWord(alert: Pick<RealmAlert, 'state' | 'silencedBy'>): 'silenced' | 'inhibited' | undefined {
  if (alert.state !== 'suppressed') return undefined;
  return alert.silencedBy.length > 0 ? 'silenced' : 'inhibited';
}

/**
 * "firing for 3m", "pending for 2s", "silenced until 11:42" (the silence's end, not the firing time),
 * "inhibited · firing for 1m". `silences` are the known ones, to find when a silence ends.
 */
export function describeAge(alert: RealmAlert, now: number, silences: readonly { id: string; endsAt: number }[] = []): string {
  const word = suppressionWord(alert);
  if (word === 'silenced') {
    const ends = silences.filter((s) => alert.silencedBy.includes(s.id)).map((s) => s.endsAt);
    return ends.length ? `silenced until ${clockTime(Math.max(...ends), now)}` : 'silenced';
  }
  const age = `${alert.state === 'pending' ? 'pending' : 'firing'} for ${formatDuration(now - alert.since)}`;
  return word === 'inhibited' ? `inhibited · ${age}` : age;
}

/** Equality matchers for every label: what "Silence…" proposes (the user can edit them). */
export function matchersFromLabels(labels: Record<string, string>): Matcher[] {
  return Object.keys(labels)
    .sort()
    .map((name) => ({ name, value: labels[name], isRegex: false, isEqual: true }));
}

const DURATION_UNITS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/**
 * Parses what a user types for a silence's length: `1h`, `30m`, `2h30m`, `1d 12h`, `90` (minutes).
 * Returns ms, or undefined for anything else (including zero).
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  if (/^\d+$/.test(t)) return Number(t) > 0 ? Number(t) * 60_000 : undefined;
  if (!/^(\d+(\.\d+)?[wdhms])+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)([wdhms])/g)) total += Number(m[1]) * DURATION_UNITS[m[2]];
  return total > 0 ? Math.round(total) : undefined;
}

/** A stable text form of a label set, for identity and comparisons. */
export function canonicalLabels(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** The PromQL expression behind an alert, read from its generator URL (`g0.expr`). */
export function sourceQuery(alert: Pick<RealmAlert, 'generatorURL'>): string | undefined {
  if (!alert.generatorURL) return undefined;
  try {
    return new URL(alert.generatorURL).searchParams.get('g0.expr') ?? undefined;
  } catch {
    return undefined;
  }
}
