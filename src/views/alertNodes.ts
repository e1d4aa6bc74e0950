/** The Alerts view's node kinds: one small TreeItem subclass each; menus match their contextValue tokens (contextValues.ts). */
import * as vscode from 'vscode';
import type { Silence } from '../clients/alertmanagerTypes';
import { formatDuration } from '../core/duration';
import { alertTarget, describeAge, RealmAlert, SeverityGroup, suppressionWord } from '../core/alerts';
import { clockTime } from '../core/clockTime';
import { plain } from '../core/text';
import { describeSilenced, formatMatchers } from '../core/matchers';
import { contextValue } from './contextValues';

/**
 * Set when neither Alertmanager nor Prometheus answers: the tree still shows the last known alerts,
 * but greyed and saying since when they are known ("last seen 10:42"), never as if live.
 */
export interface Staleness {
  lastSeenAt: number;
}

const staleColor = () => new vscode.ThemeColor('disabledForeground');

function severityIcon(severity: string, muted = false): vscode.ThemeIcon {
  if (muted) return new vscode.ThemeIcon('bell-slash', new vscode.ThemeColor('disabledForeground'));
  if (severity === 'critical' || severity === 'error') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  if (severity === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon('info');
}

/** Hovers show at most this much of a label or annotation (a 100 KB value would bury the screen). */
const TOOLTIP_CHARS = 2000;

/** Keeps line breaks (tooltips show them) but caps the length, saying how much was left out. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A severity group (critical first). contextValue `realm.alertGroup;`. */
export class SeverityGroupNode extends vscode.TreeItem {
  constructor(
    readonly group: SeverityGroup,
    stale: Staleness | undefined,
    now: number,
  ) {
    super(capitalize(plain(group.severity, 40)), vscode.TreeItemCollapsibleState.Expanded);
    this.id = `severity:${group.severity}`;
    const count = (word: string) => group.alerts.filter((a) => (suppressionWord(a) ?? a.state) === word).length;
    const parts = ['firing', 'silenced', 'inhibited', 'pending']
      .map((w) => [count(w), w] as const)
      .filter(([n]) => n)
      .map(([n, w]) => `${n} ${w}`);
    if (stale) parts.push(`last seen ${clockTime(stale.lastSeenAt, now)}`);
    this.description = parts.join(' · ');
    this.iconPath = stale ? new vscode.ThemeIcon('history', staleColor()) : severityIcon(group.severity, count('firing') === 0);
    this.contextValue = contextValue('realm.alertGroup');
  }
}

/**
 * One alert: name, what it concerns, for how long (or until when it is silenced), and its summary.
 * Silenced and inhibited alerts get a muted icon; pending ones a clock; stale ones (both backends
 * down) are greyed and say when they were last seen. contextValue `realm.alert;<firing|silenced|
 * inhibited|pending>;` plus `fallback` while Prometheus stands in for Alertmanager, and what it
 * offers: `silence` (not when silenced already, nor without Alertmanager), `heal` (firing),
 * `query` and `alertmanager` (known to Alertmanager, not pending).
 */
export class AlertNode extends vscode.TreeItem {
  /** `configurationProblem`: the alert's target has never been up (what to do; the healer leaves it alone). */
  constructor(
    readonly alert: RealmAlert,
    now: number,
    silences: readonly Silence[] = [],
    stale?: Staleness,
    readonly configurationProblem?: string,
  ) {
    super(plain(alert.name, 80), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `alert:${alert.key}`;
    const target = alertTarget(alert.labels);
    const summary = alert.annotations.summary ?? alert.annotations.description;
    const age = stale ? `last seen ${clockTime(stale.lastSeenAt, now)}` : describeAge(alert, now, silences);
    const problem = configurationProblem && 'configuration problem: target never up, not healed';
    this.description = [problem, target && plain(target, 60), age, !problem && summary && plain(summary, 120)].filter(Boolean).join(' · ');
    const word = suppressionWord(alert);
    this.iconPath = configurationProblem
      ? new vscode.ThemeIcon('settings-gear', new vscode.ThemeColor('list.warningForeground'))
      : stale
        ? new vscode.ThemeIcon(alert.state === 'pending' ? 'watch' : 'bell', staleColor())
        : alert.state === 'pending'
          ? new vscode.ThemeIcon('watch', new vscode.ThemeColor('charts.yellow'))
          : severityIcon(alert.severity, word !== undefined);
    // `.fallback`: firing according to Prometheus while Alertmanager is unreachable (no silence possible)
    const state = word ?? alert.state;
    const fallback = alert.state === 'firing' && alert.source === 'prometheus';
    const known = !fallback && state !== 'pending';
    this.contextValue = contextValue(
      'realm.alert',
      state,
      fallback && 'fallback',
      !fallback && state !== 'silenced' && 'silence',
      alert.state === 'firing' && 'heal',
      known && 'query',
      known && 'alertmanager',
    );
    const md = new vscode.MarkdownString(); // appendText escapes: labels and annotations are untrusted
    md.appendMarkdown('**').appendText(plain(alert.name, 200)).appendMarkdown('**  \n');
    md.appendText(`${plain(alert.severity, 40)} · ${describeAge(alert, now, silences)}${target ? ` · ${plain(target, 200)}` : ''}`);
    if (summary) md.appendMarkdown('\n\n').appendText(clip(summary, TOOLTIP_CHARS));
    if (configurationProblem) md.appendMarkdown('\n\n').appendText(configurationProblem);
    if (stale)
      md.appendMarkdown('\n\n').appendText(
        `Last seen at ${clockTime(stale.lastSeenAt, now)}: neither Alertmanager nor Prometheus answers now, so this may have changed.`,
      );
    else if (alert.source === 'prometheus' && alert.state === 'firing')
      md.appendMarkdown('\n\n').appendText('From Prometheus: Alertmanager is unreachable, silences unknown.');
    this.tooltip = md;
    this.accessibilityInformation = { label: `${alert.severity} alert ${plain(alert.name, 80)}, ${age}${target ? `, ${plain(target, 60)}` : ''}` };
  }
}

/** A label or annotation of an alert. contextValue `realm.alertDetail;label;` / `realm.alertDetail;annotation;`. */
export class AlertDetailNode extends vscode.TreeItem {
  constructor(
    readonly alert: RealmAlert,
    readonly kind: 'label' | 'annotation',
    readonly name: string,
    readonly value: string,
  ) {
    super(plain(name, 60), vscode.TreeItemCollapsibleState.None);
    this.id = `alert:${alert.key}:${kind}:${name}`;
    this.description = plain(value, 200);
    this.tooltip = clip(value, TOOLTIP_CHARS); // plain string: never rendered as markdown
    this.iconPath = new vscode.ThemeIcon(kind === 'label' ? 'tag' : 'note');
    this.contextValue = contextValue('realm.alertDetail', kind);
    // a screen reader hears the key with the value ("severity: critical"), as a sighted user sees both
    this.accessibilityInformation = { label: `${plain(name, 60)}: ${plain(value, 200)}` };
  }
}

/** The Silences node: active and pending silences, also those matching no current alert. */
export class SilencesNode extends vscode.TreeItem {
  constructor(readonly silences: Silence[]) {
    super('Silences', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = 'silences';
    this.description = String(silences.length);
    this.iconPath = new vscode.ThemeIcon('bell-slash');
    this.contextValue = contextValue('realm.silences');
  }
}

/**
 * One silence, named by what it silences ("ServiceDown", detail "service=web") and until when.
 * contextValue `realm.silence;active;expire;alertmanager;` (or `pending`).
 */
export class SilenceNode extends vscode.TreeItem {
  constructor(
    readonly silence: Silence,
    matchedAlerts: number,
    now: number,
  ) {
    const { title, detail } = describeSilenced(silence.matchers);
    super(plain(title, 80), vscode.TreeItemCollapsibleState.None);
    this.id = `silence:${silence.id}`;
    const when =
      silence.state === 'pending'
        ? `from ${clockTime(silence.startsAt, now)} until ${clockTime(silence.endsAt, now)}`
        : `until ${clockTime(silence.endsAt, now)}`;
    const matches = matchedAlerts === 0 ? 'matches no current alert' : `${matchedAlerts} alert${matchedAlerts === 1 ? '' : 's'} silenced`;
    this.description = [when, detail && plain(detail, 80), matches, silence.createdBy && `by ${plain(silence.createdBy, 40)}`].filter(Boolean).join(' · ');
    const left = silence.state === 'pending' ? `starts in ${formatDuration(silence.startsAt - now)}` : `ends in ${formatDuration(silence.endsAt - now)}`;
    this.tooltip = `Silences ${clip(formatMatchers(silence.matchers), TOOLTIP_CHARS)}\n${when} (${left}), ${new Date(silence.endsAt).toLocaleString()}\nby ${plain(silence.createdBy, 80)}: ${clip(silence.comment, TOOLTIP_CHARS)}\nid ${silence.id}`;
    this.iconPath = new vscode.ThemeIcon(silence.state === 'pending' ? 'clock' : 'bell-slash');
    this.contextValue = contextValue('realm.silence', silence.state, (silence.state === 'active' || silence.state === 'pending') && 'expire', 'alertmanager');
    this.accessibilityInformation = { label: `silence of ${plain(title, 80)}${detail ? ` (${plain(detail, 80)})` : ''}, ${when}, ${matches}` };
  }
}

export type AlertTreeNode = SeverityGroupNode | AlertNode | AlertDetailNode | SilencesNode | SilenceNode;
