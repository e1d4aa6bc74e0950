import type { AmAlert, Silence } from '../clients/alertmanagerTypes';
import type { PromActiveAlert } from '../clients/prometheusTypes';
import { AlertDiff, diffAlerts, isEmptyDiff } from '../core/alertDiff';
import { keepStillFiring, mergeAlerts, RealmAlert } from '../core/alerts';

/**
 * What one alert poll makes of the last snapshot: the alert store fetches and schedules, this decides what
 * users see (Alertmanager's list, a kept list through a blip, Prometheus standing in, the last list greyed)
 * and whether anything they can see changed.
 */

export type AlertStoreStatus =
  | 'starting' // no poll has succeeded yet (and Alertmanager has not yet failed often enough)
  | 'ok'
  | 'unreachable'; // Alertmanager failed `failuresBeforeUnreachable` polls in a row

export interface AlertSnapshot {
  status: AlertStoreStatus;
  /** Sorted: severity (critical first), then firing → suppressed → pending, then oldest first. */
  alerts: RealmAlert[];
  /** Active and pending silences, including those that match no current alert. */
  silences: Silence[];
  /** True while the alerts come from Prometheus because Alertmanager is unreachable. */
  fallback: boolean;
  /** True once any poll has reached Alertmanager (before: the stack is probably not up). */
  everReachable: boolean;
  /**
   * False once Prometheus failed `failuresBeforeUnreachable` polls in a row (pending alerts and the
   * stand-in are unknown then), true when it answers; undefined before the first poll or without Prometheus.
   */
  prometheusReachable?: boolean;
  /** Epoch ms of the last poll that reached Alertmanager. */
  lastSuccessAt?: number;
  /**
   * Epoch ms of the last poll that produced `alerts` (from Alertmanager, or Prometheus standing in).
   * When neither answers, the list is this old: views show it as "last seen …", never as live.
   */
  alertsAsOf?: number;
  /** The error of the last failed Alertmanager poll, for tooltips (already logged). */
  lastError?: Error;
  alertmanagerUrl: string;
}

/** One change: the alert diff plus the new snapshot. */
export interface AlertStoreChange extends AlertDiff {
  snapshot: AlertSnapshot;
  /** The status, fallback flag or silences changed (the alert lists may be equal). */
  statusChanged: boolean;
  silencesChanged: boolean;
}

/** What one poll brought back (undefined: that call failed). */
export interface PollResult {
  alerts?: AmAlert[];
  silences?: Silence[];
  promAlerts?: PromActiveAlert[];
  amError?: Error;
  /** Alertmanager failed often enough in a row to count as unreachable. */
  amDown: boolean;
  prometheusReachable?: boolean;
  alertmanagerUrl: string;
  now: number;
  filter: (alerts: RealmAlert[]) => RealmAlert[];
}

export function nextSnapshot(prev: AlertSnapshot, r: PollResult): AlertSnapshot {
  let next: AlertSnapshot;
  if (r.alerts && r.silences) {
    next = {
      ...prev,
      status: 'ok',
      fallback: false,
      everReachable: true,
      lastSuccessAt: r.now,
      alertsAsOf: r.now,
      lastError: undefined,
      alerts: r.filter(keepStillFiring(mergeAlerts(r.alerts, r.promAlerts, r.now), prev.alerts, r.promAlerts)),
      silences: r.silences.filter((s) => s.state !== 'expired').sort((a, b) => a.endsAt - b.endsAt),
    };
  } else if (!r.amDown) {
    // a blip: keep what users see until the retries say otherwise
    next = { ...prev, lastError: r.amError };
  } else {
    next = {
      ...prev,
      status: 'unreachable',
      lastError: r.amError,
      // Prometheus stands in for firing alerts; with both down, the last known list stays (marked unreachable).
      fallback: r.promAlerts !== undefined,
      alerts: r.promAlerts !== undefined ? r.filter(mergeAlerts(undefined, r.promAlerts, r.now)) : prev.alerts,
      alertsAsOf: r.promAlerts !== undefined ? r.now : prev.alertsAsOf,
    };
  }
  next.prometheusReachable = r.prometheusReachable;
  next.alertmanagerUrl = r.alertmanagerUrl;
  return next;
}

/** The change users can see between two snapshots, or undefined when there is none. */
export function changeOf(prev: AlertSnapshot, next: AlertSnapshot): AlertStoreChange | undefined {
  const diff = diffAlerts(prev.alerts, next.alerts);
  const statusChanged =
    prev.status !== next.status ||
    prev.fallback !== next.fallback ||
    prev.everReachable !== next.everReachable ||
    prev.prometheusReachable !== next.prometheusReachable;
  const silencesChanged = silenceKey(prev.silences) !== silenceKey(next.silences);
  const urlChanged = prev.alertmanagerUrl !== next.alertmanagerUrl;
  return !isEmptyDiff(diff) || statusChanged || silencesChanged || urlChanged ? { ...diff, snapshot: next, statusChanged, silencesChanged } : undefined;
}

function silenceKey(silences: Silence[]): string {
  return silences.map((s) => `${s.id}:${s.state}:${s.endsAt}`).join('|');
}
