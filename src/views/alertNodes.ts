/** The Alerts view's node kinds: one small TreeItem subclass each; menus match their contextValue. */
import * as vscode from 'vscode';
import type { Silence } from '../clients/alertmanagerTypes';
import { alertTarget, describeAge, RealmAlert, SeverityGroup } from '../core/alerts';
import { plain } from '../core/alertSummary';
import { formatMatchers } from '../core/matchers';
import { formatDuration } from '../core/alerts';

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

/** A severity group (critical first). contextValue `realm.alertGroup`. */
export class SeverityGroupNode extends vscode.TreeItem {
  constructor(readonly group: SeverityGroup) {
    super(capitalize(plain(group.severity, 40)), vscode.TreeItemCollapsibleState.Expanded);
    this.id = `severity:${group.severity}`;
    const count = (state: RealmAlert['state']) => group.alerts.filter((a) => a.state === state).length;
    const parts = [[count('firing'), 'firing'], [count('suppressed'), 'suppressed'], [count('pending'), 'pending']].filter(([n]) => n).map(([n, w]) => `${n} ${w}`);
    this.description = parts.join(' · ');
    this.iconPath = severityIcon(group.severity, count('firing') === 0);
    this.contextValue = 'realm.alertGroup';
  }
}

/**
 * One alert: name, what it concerns, for how long, and its summary. Suppressed alerts get a muted
 * icon and say "silenced"/"inhibited"; pending ones a clock. contextValue `realm.alert.<state>`
 * (`firing`, `suppressed`, `pending`); `realm.alert.firing.fallback` while Prometheus stands in for Alertmanager.
 */
export class AlertNode extends vscode.TreeItem {
  /** `configurationProblem`: the alert's target has never been up (what to do; the healer leaves it alone). */
  constructor(readonly alert: RealmAlert, now: number, readonly configurationProblem?: string) {
    super(plain(alert.name, 80), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `alert:${alert.key}`;
    const target = alertTarget(alert.labels);
    const summary = alert.annotations.summary ?? alert.annotations.description;
    const problem = configurationProblem && 'configuration problem: target never up, not healed';
    this.description = [problem, target && plain(target, 60), describeAge(alert, now), !problem && summary && plain(summary, 120)].filter(Boolean).join(' · ');
    this.iconPath = configurationProblem ? new vscode.ThemeIcon('settings-gear', new vscode.ThemeColor('list.warningForeground'))
      : alert.state === 'pending' ? new vscode.ThemeIcon('watch', new vscode.ThemeColor('charts.yellow')) : severityIcon(alert.severity, alert.state === 'suppressed');
    // `.fallback`: firing according to Prometheus while Alertmanager is unreachable (no silence possible)
    this.contextValue = `realm.alert.${alert.state}${alert.state === 'firing' && alert.source === 'prometheus' ? '.fallback' : ''}`;
    const md = new vscode.MarkdownString(); // appendText escapes: labels and annotations are untrusted
    md.appendMarkdown('**').appendText(plain(alert.name, 200)).appendMarkdown('**  \n');
    md.appendText(`${plain(alert.severity, 40)} · ${describeAge(alert, now)}${target ? ` · ${plain(target, 200)}` : ''}`);
    if (summary) md.appendMarkdown('\n\n').appendText(clip(summary, TOOLTIP_CHARS));
    if (configurationProblem) md.appendMarkdown('\n\n').appendText(configurationProblem);
    if (alert.source === 'prometheus' && alert.state === 'firing') md.appendMarkdown('\n\n').appendText('From Prometheus: Alertmanager is unreachable, silences unknown.');
    this.tooltip = md;
    this.accessibilityInformation = { label: `${alert.severity} alert ${plain(alert.name, 80)}, ${describeAge(alert, now)}${target ? `, ${plain(target, 60)}` : ''}` };
  }
}

/** A label or annotation of an alert. contextValue `realm.alertDetail.label` / `.annotation`. */
export class AlertDetailNode extends vscode.TreeItem {
  constructor(readonly alert: RealmAlert, readonly kind: 'label' | 'annotation', readonly name: string, readonly value: string) {
    super(plain(name, 60), vscode.TreeItemCollapsibleState.None);
    this.id = `alert:${alert.key}:${kind}:${name}`;
    this.description = plain(value, 200);
    this.tooltip = clip(value, TOOLTIP_CHARS); // plain string: never rendered as markdown
    this.iconPath = new vscode.ThemeIcon(kind === 'label' ? 'tag' : 'note');
    this.contextValue = `realm.alertDetail.${kind}`;
  }
}

/** The Silences node: active and pending silences, also those matching no current alert. */
export class SilencesNode extends vscode.TreeItem {
  constructor(readonly silences: Silence[]) {
    super('Silences', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = 'silences';
    this.description = String(silences.length);
    this.iconPath = new vscode.ThemeIcon('bell-slash');
    this.contextValue = 'realm.silences';
  }
}

/** One silence. contextValue `realm.silence.active` / `realm.silence.pending`. */
export class SilenceNode extends vscode.TreeItem {
  constructor(readonly silence: Silence, matchedAlerts: number, now: number) {
    super(plain(formatMatchers(silence.matchers), 120), vscode.TreeItemCollapsibleState.None);
    this.id = `silence:${silence.id}`;
    const when = silence.state === 'pending' ? `starts in ${formatDuration(silence.startsAt - now)}` : `ends in ${formatDuration(silence.endsAt - now)}`;
    const matches = matchedAlerts === 0 ? 'matches no current alert' : `silences ${matchedAlerts} alert${matchedAlerts === 1 ? '' : 's'}`;
    this.description = [when, matches, silence.createdBy && `by ${plain(silence.createdBy, 40)}`].filter(Boolean).join(' · ');
    this.tooltip = `${formatMatchers(silence.matchers)}\n${when}, until ${new Date(silence.endsAt).toLocaleString()}\nby ${silence.createdBy}: ${silence.comment}\nid ${silence.id}`;
    this.iconPath = new vscode.ThemeIcon(silence.state === 'pending' ? 'clock' : 'bell-slash');
    this.contextValue = `realm.silence.${silence.state}`;
  }
}

export type AlertTreeNode = SeverityGroupNode | AlertNode | AlertDetailNode | SilencesNode | SilenceNode;
