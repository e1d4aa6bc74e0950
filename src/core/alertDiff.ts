/** What changed between two alert lists: drives the store's change and new-critical events. */
import { RealmAlert } from './alerts';
import { LabelIndex } from './labelIndex';

export interface AlertDiff {
  /** Alerts that were not there before. */
  added: RealmAlert[];
  /** Alerts that are gone (resolved, or no longer listed). */
  resolved: RealmAlert[];
  /** Alerts whose state changed (pending → firing, firing → suppressed…), with the old state. */
  changed: { alert: RealmAlert; from: RealmAlert['state'] }[];
  /** Alerts whose annotations changed (a new summary or value) but not their state. */
  updated: RealmAlert[];
}

/**
 * Compares two snapshots. Alerts match by key; then, because Prometheus' and Alertmanager's
 * label sets differ (Alertmanager adds external labels), an alert from one source matches one from
 * the other when its name agrees and one label set contains the other. That keeps a pending alert
 * that starts firing, or a fallback switch while Alertmanager is down, from looking new.
 */
export function diffAlerts(before: RealmAlert[], after: RealmAlert[]): AlertDiff {
  const diff: AlertDiff = { added: [], resolved: [], changed: [], updated: [] };
  const unmatchedBefore = new Map(before.map((a) => [a.key, a]));
  const pairs: [RealmAlert, RealmAlert][] = [];
  const unmatchedAfter: RealmAlert[] = [];
  for (const a of after) {
    const old = unmatchedBefore.get(a.key);
    if (old) {
      unmatchedBefore.delete(a.key);
      pairs.push([old, a]);
    } else {
      unmatchedAfter.push(a);
    }
  }
  // the cross-source pairing looks up by labels instead of scanning every unmatched alert per alert;
  // the index is built only when some alert is unmatched by key (a source switch, a resolution)
  let byLabels: LabelIndex<RealmAlert> | undefined;
  for (const a of unmatchedAfter) {
    if (unmatchedBefore.size > 0) byLabels ??= new LabelIndex([...unmatchedBefore.values()], (b) => b.labels);
    const old = byLabels?.related(a.labels).find((b) => unmatchedBefore.get(b.key) === b && b.source !== a.source && b.name === a.name);
    if (old) {
      unmatchedBefore.delete(old.key);
      pairs.push([old, a]);
    } else {
      diff.added.push(a);
    }
  }
  diff.resolved.push(...unmatchedBefore.values());
  for (const [old, a] of pairs) {
    if (old.state !== a.state) diff.changed.push({ alert: a, from: old.state });
    else if (!sameRecord(old.annotations, a.annotations) || old.silencedBy.join() !== a.silencedBy.join()) diff.updated.push(a);
  }
  return diff;
}

/** True when nothing changed. */
export function isEmptyDiff(d: AlertDiff): boolean {
  return d.added.length + d.resolved.length + d.changed.length + d.updated.length === 0;
}

/** Critical alerts that now fire (and notify) but did not before: new ones, or pending/suppressed ones that started. */
export function newlyFiringCritical(d: AlertDiff): RealmAlert[] {
  return [...d.added, ...d.changed.map((c) => c.alert)].filter((a) => a.state === 'firing' && a.severity === 'critical');
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
