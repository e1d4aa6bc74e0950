/**
 * Handlers for the Alerts view's actions and the one "new critical alert" notification. They take
 * their dependencies as parameters (`AlertCommandDeps`); extension.ts puts them in the command table.
 */
import * as vscode from 'vscode';
import { isNotFound } from '../clients/alertmanagerClient';
import type { AlertmanagerClient, Matcher, Silence } from '../clients/alertmanagerClient';
import { alertTarget, formatDuration, matchersFromLabels, parseDuration, RealmAlert, sourceQuery } from '../core/alerts';
import { plain, withoutLinks } from '../core/alertSummary';
import { describeEntry, type AuditEntry } from '../healer/auditTrail';
import { formatMatchers, parseMatchers } from '../core/matchers';
import { Disposable } from '../platform/disposable';
import type { Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { AlertSnapshot } from '../state/alertStore';
import { AlertNode, SilenceNode } from '../views/alertNodes';

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
  now?: () => number;
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
  const alert = arg ? toAlert(arg) : await pickAlert(deps, 'Silence which alert?');
  if (!alert) return undefined;
  const durationText = await deps.ui.showInputBox({
    title: `Silence ${plain(alert.name, 60)}`, prompt: 'For how long? (1h, 30m, 2h30m, 1d)', value: DEFAULT_SILENCE,
    validateInput: (v) => (parseDuration(v) ? undefined : 'Type a duration such as 1h, 30m or 2h30m'),
  });
  if (durationText === undefined) return undefined;
  const matchersText = await deps.ui.showInputBox({
    title: `Silence ${plain(alert.name, 60)}: matchers`, prompt: 'Alerts matching all of these are silenced (edit to widen or narrow)',
    value: formatMatchers(matchersFromLabels(alert.labels)),
    validateInput: (v) => { const r = parseMatchers(v); return 'error' in r ? r.error : undefined; },
  });
  if (matchersText === undefined) return undefined;
  const comment = await deps.ui.showInputBox({
    title: `Silence ${plain(alert.name, 60)}: comment`, prompt: 'Why? (stored with the silence)', value: `Silenced from VS Code: ${plain(alert.name, 60)}`,
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
  for (const a of unique) ids.push(await postSilence(deps, matchersFromLabels(a.labels), durationMs, `Silenced for ${formatDuration(durationMs)} from a VS Code notification`));
  await deps.store.refresh();
  const names = [...new Set(unique.map((a) => plain(a.name, 60)))].join(', ');
  void deps.ui.showInformationMessage(withoutLinks(`Silenced ${unique.length === 1 ? names : `${unique.length} alerts (${names})`} for ${formatDuration(durationMs)}.`));
  return ids;
}

async function createSilence(deps: AlertCommandDeps, matchers: Matcher[], durationMs: number, comment: string, name: string): Promise<string> {
  const id = await postSilence(deps, matchers, durationMs, comment);
  await deps.store.refresh();
  void deps.ui.showInformationMessage(withoutLinks(`Silenced ${plain(name, 60)} for ${formatDuration(durationMs)}.`));
  return id;
}

async function postSilence(deps: AlertCommandDeps, matchers: Matcher[], durationMs: number, comment: string): Promise<string> {
  const now = (deps.now ?? Date.now)();
  const id = await deps.alertmanager.createSilence({ matchers, startsAt: now, endsAt: now + durationMs, createdBy: deps.userName(), comment });
  deps.logger.info(`silence ${id} created for ${formatDuration(durationMs)}: ${formatMatchers(matchers)}`);
  return id;
}

/** Realm: Expire Silence — after a confirmation; a silence that is already gone is not an error. */
export async function expireSilence(deps: AlertCommandDeps, arg?: SilenceArg): Promise<boolean> {
  const silence = arg === undefined ? await pickSilence(deps) : typeof arg === 'string' ? deps.store.snapshot.silences.find((s) => s.id === arg) ?? arg : arg instanceof SilenceNode ? arg.silence : arg;
  if (!silence) return false;
  const id = typeof silence === 'string' ? silence : silence.id;
  const what = typeof silence === 'string' ? id : plain(formatMatchers(silence.matchers), 120);
  const choice = await deps.ui.showWarningMessage(`Expire the silence ${what}? Its alerts will notify again.`, { modal: true }, 'Expire');
  if (choice !== 'Expire') return false;
  try {
    await deps.alertmanager.expireSilence(id);
    deps.logger.info(`silence ${id} expired`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    void deps.ui.showInformationMessage('That silence no longer exists.');
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
  const alert = arg ? toAlert(arg) : await pickAlert(deps, 'Open which alert in Alertmanager?');
  if (alert) await deps.ui.openExternal(deps.alertmanager.alertsUiUrl(matchersFromLabels(alert.labels)));
}

/** Realm: Open Source Query in Metrics — the alert rule's PromQL in the metrics panel. */
export async function openSourceQuery(deps: AlertCommandDeps, arg?: AlertArg): Promise<void> {
  const alert = arg ? toAlert(arg) : await pickAlert(deps, 'Open the query of which alert?');
  if (!alert) return;
  const query = sourceQuery(alert);
  if (!query) {
    void deps.ui.showInformationMessage(withoutLinks(`${plain(alert.name, 60)} carries no source query (it came from Prometheus while Alertmanager was unreachable).`));
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
  const entry = (await deps.ui.executeCommand(HEAL_ALERT_COMMAND, { ...alert, fingerprint: alert.key, startsAt: new Date(alert.since).toISOString() })) as AuditEntry | undefined;
  // the healer has no UI of its own here: say what it decided (the Healer view may be closed)
  if (entry?.outcome === 'done') void deps.ui.showInformationMessage(withoutLinks(`Realm: ${describeEntry(entry)}`));
  else if (entry?.outcome) void deps.ui.showWarningMessage(withoutLinks(`Realm: ${describeEntry(entry)}`), {});
  return entry;
}

/**
 * Shows one notification when critical alerts start firing, with "Show" and "Silence 1h". While
 * it is open, further alerts join it instead of stacking more pop-ups. Off when `enabled()` is false
 * (setting `realm.alerts.notifyOnCritical`).
 */
export class CriticalAlertNotifier extends Disposable {
  private open = false;
  private readonly waiting: RealmAlert[] = [];

  constructor(onDidFireCritical: Event<RealmAlert[]>, private readonly deps: AlertCommandDeps, private readonly enabled: () => boolean) {
    super();
    this.register(onDidFireCritical((alerts) => void this.notify(alerts)));
  }

  /** Resolves when the notification is handled (tests await it). */
  async notify(alerts: RealmAlert[]): Promise<void> {
    if (!this.enabled() || alerts.length === 0) return;
    this.waiting.push(...alerts);
    if (this.open) return;
    this.open = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0);
        const first = batch[0];
        const target = alertTarget(first.labels);
        const message = batch.length === 1
          ? `Critical alert ${plain(first.name, 60)} is firing${target ? ` for ${plain(target, 60)}` : ''}${first.annotations.summary ? `: ${plain(first.annotations.summary, 140)}` : ''}`
          : `${batch.length} critical alerts are firing: ${namesOf(batch)}`;
        const choice = await this.deps.ui.showErrorMessage(withoutLinks(`Realm: ${message}`), 'Show', 'Silence 1h');
        if (choice === 'Show') await this.deps.ui.executeCommand(FOCUS_ALERTS_VIEW);
        if (choice === 'Silence 1h') await quickSilence(this.deps, batch).catch((err: Error) => {
          this.deps.logger.error(err);
          void this.deps.ui.showErrorMessage(withoutLinks(`Realm: could not silence: ${plain(err.message, 200)}`));
        });
      }
    } finally {
      this.open = false;
    }
  }
}

/** "A (2), B" — each alert name once, with its count, at most five names. */
function namesOf(alerts: RealmAlert[]): string {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(plain(a.name, 40), (counts.get(plain(a.name, 40)) ?? 0) + 1);
  const names = [...counts].map(([name, n]) => (n > 1 ? `${name} (${n})` : name));
  return names.slice(0, 5).join(', ') + (names.length > 5 ? '…' : '');
}

function toAlert(arg: AlertNode | RealmAlert): RealmAlert {
  return arg instanceof AlertNode ? arg.alert : arg;
}

async function pickAlert(deps: AlertCommandDeps, title: string): Promise<RealmAlert | undefined> {
  const now = (deps.now ?? Date.now)();
  const items = deps.store.snapshot.alerts.map((a) => ({ label: plain(a.name, 80), description: `${a.severity} · ${a.state} · ${formatDuration(now - a.since)}`, detail: plain(alertTarget(a.labels), 100), alert: a }));
  if (!items.length) {
    void deps.ui.showInformationMessage('No alerts right now.');
    return undefined;
  }
  return (await deps.ui.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true }))?.alert;
}

async function pickSilence(deps: AlertCommandDeps): Promise<Silence | undefined> {
  const items = deps.store.snapshot.silences.map((s) => ({ label: plain(formatMatchers(s.matchers), 120), description: `by ${plain(s.createdBy, 40)}`, silence: s }));
  if (!items.length) {
    void deps.ui.showInformationMessage('No active silences.');
    return undefined;
  }
  return (await deps.ui.showQuickPick(items, { title: 'Expire which silence?' }))?.silence;
}
