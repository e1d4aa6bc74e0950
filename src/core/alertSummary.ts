/**
 * What the status-bar item says, as plain data (vscode-free, so it is unit-tested): text with
 * codicons, a plain-text tooltip, and which background to use. Alert text is untrusted: it is
 * only ever shown as plain text, with control characters removed and lengths capped.
 */
import { unreachableMessage } from './backendErrorText';
import { alertTarget, describeAge, firingAlerts, highestSeverity, RealmAlert } from './alerts';
import { clockTime } from './clockTime';
import { plain } from './text';

/** The parts of the store's snapshot the summary reads. */
export interface AlertSummaryInput {
  status: 'starting' | 'ok' | 'unreachable';
  alerts: RealmAlert[];
  fallback: boolean;
  everReachable: boolean;
  alertmanagerUrl: string;
  lastError?: Error;
  /** False while Prometheus does not answer (pending alerts and the fallback are then unknown). */
  prometheusReachable?: boolean;
  /** When the alert list was last fetched (AlertSnapshot.alertsAsOf). */
  alertsAsOf?: number;
  /** Known silences, so a silenced alert says until when. */
  silences?: readonly { id: string; endsAt: number }[];
}

/**
 * When the alerts shown are only the last known ones (Alertmanager unreachable and Prometheus not
 * standing in), the time they were last seen; undefined while they are current.
 */
export function staleSince(s: Pick<AlertSummaryInput, 'status' | 'fallback' | 'alerts' | 'alertsAsOf'>): number | undefined {
  if (s.status !== 'unreachable' || s.fallback || s.alerts.length === 0) return undefined;
  return s.alertsAsOf ?? 0;
}

export interface StatusBarPresentation {
  text: string;
  tooltip: string;
  /** `error` → statusBarItem.errorBackground, `warning` → statusBarItem.warningBackground. */
  background?: 'error' | 'warning';
  /** Screen-reader text. */
  accessibleLabel: string;
}

const MAX_TOOLTIP_ALERTS = 10;

export function presentStatusBar(s: AlertSummaryInput, now: number): StatusBarPresentation {
  const firing = firingAlerts(s.alerts);
  const severity = highestSeverity(s.alerts);
  const background = severity === 'critical' || severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : undefined;
  // a refused connection in plain words ("connection refused"), not the raw error code
  const errorLine = s.lastError
    ? `\n\nLast error: ${plain(unreachableMessage(s.lastError, 'Alertmanager', s.alertmanagerUrl) ?? s.lastError.message, 200)}`
    : '';
  const promLine = s.prometheusReachable === false ? '\nPrometheus does not answer: pending alerts are not shown.' : '';

  if (!s.everReachable && s.status !== 'ok' && !s.fallback) {
    return {
      text: '$(bell-slash) stack down',
      tooltip: `Realm alerts: Alertmanager at ${s.alertmanagerUrl} has not answered yet. Start the stack (Realm: Stack Up) or point realm.alertmanagerUrl at a running Alertmanager.${errorLine}`,
      accessibleLabel: 'Realm alerts: stack down',
    };
  }
  if (s.status === 'unreachable') {
    const head = `Realm alerts: Alertmanager at ${s.alertmanagerUrl} is unreachable (retrying in the background).`;
    if (s.fallback && firing.length > 0) {
      return {
        text: `$(bell-slash) ${firing.length}`,
        tooltip: `${head}\nShowing Prometheus' firing alerts meanwhile; silences are unknown.\n\n${listAlerts(s.alerts, now, s.silences)}${errorLine}`,
        background: background ?? 'warning',
        accessibleLabel: `Realm alerts: Alertmanager unreachable, ${firing.length} firing according to Prometheus`,
      };
    }
    const seen = staleSince(s);
    const meanwhile = s.fallback
      ? 'Prometheus reports nothing firing; silences are unknown.'
      : seen !== undefined
        ? `Prometheus does not answer either: the Alerts view shows the alerts last seen at ${clockTime(seen, now)}, greyed.`
        : 'Prometheus does not answer either.';
    return {
      text: '$(bell-slash) unreachable',
      tooltip: `${head}\n${meanwhile}${errorLine}`,
      background: 'warning',
      accessibleLabel: 'Realm alerts: Alertmanager unreachable',
    };
  }
  if (firing.length === 0) {
    const quiet = s.alerts.length ? `\n\n${listAlerts(s.alerts, now, s.silences)}` : '';
    return { text: '$(check)', tooltip: `Realm alerts: nothing fires.${promLine}${quiet}`, accessibleLabel: 'Realm alerts: nothing fires' };
  }
  return {
    text: `$(bell) ${firing.length}`,
    tooltip: `Realm alerts: ${firing.length} firing${severity ? ` (highest: ${severity})` : ''}. Click to show the Alerts view.${promLine}\n\n${listAlerts(s.alerts, now, s.silences)}`,
    background,
    accessibleLabel: `Realm alerts: ${firing.length} firing, highest severity ${severity}`,
  };
}

/** One line per alert (firing first), capped; suppressed and pending alerts are counted too. */
function listAlerts(alerts: RealmAlert[], now: number, silences: readonly { id: string; endsAt: number }[] = []): string {
  const lines = alerts.slice(0, MAX_TOOLTIP_ALERTS).map((a) => {
    const target = alertTarget(a.labels);
    const summary = a.annotations.summary;
    return `${a.severity.toUpperCase()} ${plain(a.name, 60)}${target ? ` · ${plain(target, 60)}` : ''} · ${describeAge(a, now, silences)}${summary ? ` · ${plain(summary, 100)}` : ''}`;
  });
  if (alerts.length > MAX_TOOLTIP_ALERTS) lines.push(`…and ${alerts.length - MAX_TOOLTIP_ALERTS} more`);
  return lines.join('\n');
}

/**
 * The Alerts view's state for its welcome content (context key `realm.alerts.status`):
 * `stackDown` until Alertmanager first answers, `unreachable` when it stopped answering, else `ok`.
 */
export function alertsViewState(s: Pick<AlertSummaryInput, 'status' | 'everReachable'>): 'stackDown' | 'unreachable' | 'ok' {
  if (s.status === 'ok') return 'ok';
  return s.everReachable ? 'unreachable' : 'stackDown';
}
