/**
 * Handlers for the Alerts view's actions and the one "new critical alert" notification. They take
 * their dependencies as parameters (`AlertCommandDeps`); extension.ts puts them in the command table.
 */
import * as vscode from 'vscode';
import { isNotFound } from '../clients/alertmanagerClient';
import type { AlertmanagerClient, Matcher, Silence } from '../clients/alertmanagerClient';
import { formatDuration } from '../core/duration';
import { alertTarget, matchersFromLabels, parseDuration, RealmAlert, sourceQuery, suppressionWord } from '../core/alerts';
import { clockTime } from '../core/clockTime';
import { plain, withoutLinks } from '../core/text';
import { describeEntry, type AuditEntry } from '../healer/auditTrail';
import { describeSilenced, formatMatchers, parseMatchers } from '../core/matchers';
import type { Logger } from '../platform/logger';
import type { AlertSnapshot } from '../state/alertStore';
import { AlertNode, SilenceNode } from '../views/alertNodes';
import type { Clock } from '../platform/clock';

/** The VS Code UI calls the handlers make; `vscodeAlertUi()` is the real one, tests pass fakes. */
export interface AlertCommandUi {
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  openExternal(url: string): Thenable<boolean>;
  executeCommand(command: string, ...args: unknown[]): Thenable<unknown>;
}

export function vscodeAlertUi(): AlertCommandUi {
  return {
    showInputBox: (o) => vscode.window.showInputBox(o),
    showQuickPick: (items, o) => vscode.window.showQuickPick(items, o),
    showInformationMessage: (m, ...i) => vscode.window.showInformationMessage(m, ...i),
    showWarningMessage: (m, o, ...i) => vscode.window.showWarningMessage(m, o, ...i),
    showErrorMessage: (m, ...i) => vscode.window.showErrorMessage(m, ...i),
    openExternal: (url) => vscode.env.openExternal(vscode.Uri.parse(url)),
    executeCommand: (c, ...a) => vscode.commands.executeCommand(c, ...a),
  };
}

export interface AlertCommandDeps {
  alertmanager: Pick<AlertmanagerClient, 'createSilence' | 'expireSilence' | 'alertsUiUrl' | 'silenceUiUrl'>;
  store: { readonly snapshot: AlertSnapshot; refresh(): Promise<void> };
  ui: AlertCommandUi;
  /** Who creates silences (`createdBy`): e.g. the OS user name. */
  userName: () => string;
  logger: Logger;
  clock: Clock;
}

/** Command ids this file calls (contributed elsewhere). */
export const OPEN_METRICS_COMMAND = 'realm.openMetrics';
export const HEAL_ALERT_COMMAND = 'realm.healAlert';
export const FOCUS_ALERTS_VIEW = 'realm.alerts.focus';
export const DEFAULT_SILENCE = '1h';

type AlertArg = AlertNode | RealmAlert | undefined;
type SilenceArg = SilenceNode | Silence | string | undefined;

/** Realm: Silence… — asks for a duration (1h), the matchers (from the alert's labels) and a comment. */
export async function silenceAlert(deps: AlertCommandDeps, arg?: AlertArg): Promise<string | undefined> {
  // a silenced alert is not offered again: there is nothing left to silence
  const alert = arg
    ? toAlert(arg)
    : await pickAlert(deps, 'Silence which alert?', { needsAlertmanager: true, include: (a) => suppressionWord(a) !== 'silenced' });
  if (!alert) return undefined;
  const durationText = await deps.ui.showInputBox({
    title: `Silence ${plain(alert.name, 60)}`,
    prompt: 'For how long? (1h, 30m, 2h30m, 1d)',
    value: DEFAULT_SILENCE,
    validateInput: (v) => (parseDuration(v) ? undefined : 'Type a duration such as 1h, 30m or 2h30m'),
  });
  if (durationText === undefined) return undefined;
  const matchersText = await deps.ui.showInputBox({
    title: `Silence ${plain(alert.name, 60)}: matchers`,
    prompt: 'Alerts matching all of these are silenced (edit to widen or narrow)',
    value: formatMatchers(matchersFromLabels(alert.labels)),
    validateInput: (v) => {
      const r = parseMatchers(v);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (matchersText === undefined) return undefined;
  const comment = await deps.ui.showInputBox({
    title: `Silence ${plain(alert.name, 60)}: comment`,
    prompt: 'Why? (stored with the silence)',
    value: `Silenced from VS Code: ${plain(alert.name, 60)}`,
    validateInput: (v) => (v.trim() ? undefined : 'Add a short reason: it is shown with the silence'),
  });
  if (comment === undefined) return undefined;
  const parsed = parseMatchers(matchersText);
  if ('error' in parsed) return undefined; // validateInput already refused it
  return createSilence(deps, parsed.matchers, parseDuration(durationText)!, comment.trim(), alert.name);
}

/** Silences alerts for a fixed time without asking (the notification's "Silence 1h"): one silence per alert, one refresh, one message. */
export async function quickSilence(deps: AlertCommandDeps, alerts: RealmAlert[], durationMs = 3_600_000): Promise<string[]> {
  const unique = [...new Map(alerts.map((a) => [a.key, a])).values()];
  const ids: string[] = [];
  for (const a of unique)
    ids.push(await postSilence(deps, matchersFromLabels(a.labels), durationMs, `Silenced for ${formatDuration(durationMs)} from a VS Code notification`));
  await deps.store.refresh();
  const names = [...new Set(unique.map((a) => plain(a.name, 60)))].join(', ');
  void deps.ui.showInformationMessage(
    withoutLinks(`Realm: silenced ${unique.length === 1 ? names : `${unique.length} alerts (${names})`} for ${formatDuration(durationMs)}.`),
  );
  return ids;
}

async function createSilence(deps: AlertCommandDeps, matchers: Matcher[], durationMs: number, comment: string, name: string): Promise<string> {
  const id = await postSilence(deps, matchers, durationMs, comment);
  await deps.store.refresh();
  void deps.ui.showInformationMessage(withoutLinks(`Realm: silenced ${plain(name, 60)} for ${formatDuration(durationMs)}.`));
  return id;
}

async function postSilence(deps: AlertCommandDeps, matchers: Matcher[], durationMs: number, comment: string): Promise<string> {
  const now = deps.clock.now();
  const id = await deps.alertmanager.createSilence({ matchers, startsAt: now, endsAt: now + durationMs, createdBy: deps.userName(), comment });
  deps.logger.info(`silence ${id} created for ${formatDuration(durationMs)}: ${formatMatchers(matchers)}`);
  return id;
}

/** Realm: Expire Silence — after a confirmation; a silence that is already gone is not an error. */
export async function expireSilence(deps: AlertCommandDeps, arg?: SilenceArg): Promise<boolean> {
  const silence =
    arg === undefined
      ? await pickSilence(deps)
      : typeof arg === 'string'
        ? (deps.store.snapshot.silences.find((s) => s.id === arg) ?? arg)
        : arg instanceof SilenceNode
          ? arg.silence
          : arg;
  if (!silence) return false;
  const id = typeof silence === 'string' ? silence : silence.id;
  const what = typeof silence === 'string' ? id : plain(describeSilenced(silence.matchers).title, 80);
  const choice = await deps.ui.showWarningMessage(
    withoutLinks(`Realm: expire the silence of ${what}? Its alerts will notify again.`),
    { modal: true },
    'Expire',
  );
  if (choice !== 'Expire') return false;
  try {
    await deps.alertmanager.expireSilence(id);
    deps.logger.info(`silence ${id} expired`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    void deps.ui.showInformationMessage('Realm: that silence no longer exists.');
  }
  await deps.store.refresh();
  return true;
}

/** Realm: Open in Alertmanager — the alert (filtered by its labels) or the silence, in the browser. */
export async function openInAlertmanager(deps: AlertCommandDeps, arg?: AlertArg | SilenceNode): Promise<void> {
  if (arg instanceof SilenceNode) {
    await deps.ui.openExternal(deps.alertmanager.silenceUiUrl(arg.silence.id));
    return;
  }
  const alert = arg ? toAlert(arg) : await pickAlert(deps, 'Open which alert in Alertmanager?', { needsAlertmanager: true });
  if (alert) await deps.ui.openExternal(deps.alertmanager.alertsUiUrl(matchersFromLabels(alert.labels)));
}

/** Realm: Open Source Query in Metrics — the alert rule's PromQL in the metrics panel. */
export async function openSourceQuery(deps: AlertCommandDeps, arg?: AlertArg): Promise<void> {
  const alert = arg ? toAlert(arg) : await pickAlert(deps, 'Open the query of which alert?');
  if (!alert) return;
  const query = sourceQuery(alert);
  if (!query) {
    void deps.ui.showInformationMessage(
      withoutLinks(`Realm: ${plain(alert.name, 60)} carries no source query (it came from Prometheus while Alertmanager was unreachable).`),
    );
    return;
  }
  await deps.ui.executeCommand(OPEN_METRICS_COMMAND, query);
}

/**
 * Realm: Heal This — hands the alert to the healer. The argument is the RealmAlert plus the
 * healer's `HealableAlert` fields (`fingerprint`, `startsAt` as ISO text).
 */
export async function healAlert(deps: AlertCommandDeps, arg?: AlertArg): Promise<unknown> {
  const alert = arg ? toAlert(arg) : await pickAlert(deps, 'Heal which alert?');
  if (!alert) return undefined;
  const entry = (await deps.ui.executeCommand(HEAL_ALERT_COMMAND, { ...alert, fingerprint: alert.key, startsAt: new Date(alert.since).toISOString() })) as
    AuditEntry | undefined;
  // the healer has no UI of its own here: say what it decided (the Healer view may be closed)
  if (entry?.outcome === 'done') void deps.ui.showInformationMessage(withoutLinks(`Realm: ${describeEntry(entry)}`));
  else if (entry?.outcome) void deps.ui.showWarningMessage(withoutLinks(`Realm: ${describeEntry(entry)}`), {});
  return entry;
}

function toAlert(arg: AlertNode | RealmAlert): RealmAlert {
  return arg instanceof AlertNode ? arg.alert : arg;
}

/**
 * What is known when there is nothing to pick from, or the list cannot be trusted: Alertmanager has
 * not answered yet, or stopped answering (Prometheus may stand in for firing alerts, but silences
 * live in Alertmanager). Undefined when the store's answer is current.
 */
function unavailable(s: AlertSnapshot, needsAlertmanager: boolean): string | undefined {
  const url = s.alertmanagerUrl;
  if (s.status === 'starting') return `Realm: Alertmanager at ${url} has not answered yet; try again in a moment.`;
  if (s.status === 'ok' || (!needsAlertmanager && s.fallback)) return undefined;
  if (!s.everReachable) return `Realm: Alertmanager at ${url} is not running. Start the stack (Realm: Stack Up) or set realm.alertmanagerUrl.`;
  return `Realm: Alertmanager at ${url} is unreachable, so its alerts and silences are unknown right now. Realm keeps retrying.`;
}

/** The alerts to pick from; `needsAlertmanager` for actions Alertmanager performs (silence, open in its UI). */
async function pickAlert(
  deps: AlertCommandDeps,
  title: string,
  options: { needsAlertmanager?: boolean; include?: (a: RealmAlert) => boolean } = {},
): Promise<RealmAlert | undefined> {
  const now = deps.clock.now();
  const why = unavailable(deps.store.snapshot, options.needsAlertmanager ?? false);
  if (why) {
    void deps.ui.showWarningMessage(why, {});
    return undefined;
  }
  const items = deps.store.snapshot.alerts.filter(options.include ?? (() => true)).map((a) => ({
    label: plain(a.name, 80),
    description: `${a.severity} · ${suppressionWord(a) ?? a.state} · ${formatDuration(now - a.since)}`,
    detail: plain(alertTarget(a.labels), 100),
    alert: a,
  }));
  if (!items.length) {
    void deps.ui.showInformationMessage(
      options.include ? 'Realm: no alert to silence right now (the others are silenced already).' : 'Realm: no alerts right now.',
    );
    return undefined;
  }
  return (await deps.ui.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true }))?.alert;
}

async function pickSilence(deps: AlertCommandDeps): Promise<Silence | undefined> {
  const why = unavailable(deps.store.snapshot, true);
  if (why) {
    void deps.ui.showWarningMessage(why, {});
    return undefined;
  }
  const now = deps.clock.now();
  const items = deps.store.snapshot.silences.map((s) => {
    const { title, detail } = describeSilenced(s.matchers);
    return {
      label: plain(title, 80),
      description: `until ${clockTime(s.endsAt, now)}${detail ? ` · ${plain(detail, 80)}` : ''}`,
      detail: `by ${plain(s.createdBy, 40)}: ${plain(s.comment, 100)}`,
      silence: s,
    };
  });
  if (!items.length) {
    void deps.ui.showInformationMessage('Realm: no active silences.');
    return undefined;
  }
  return (await deps.ui.showQuickPick(items, { title: 'Expire which silence?', matchOnDescription: true }))?.silence;
}
