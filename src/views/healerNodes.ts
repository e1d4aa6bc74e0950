/** The Healer view's node kinds: mode, group headers, a service's state and budget, a decision, an alert it cannot act on. */
import * as vscode from 'vscode';
import { formatDuration } from '../core/duration';
import { CLEANUP_SERVICE } from '../core/healPolicy';
import { describeBudget } from '../core/rateLimiter';
import { AuditEntry, describeEntry, describeTrigger } from '../healer/auditTrail';
import { decisionWords } from '../healer/decisionWording';
import type { ServiceHealState } from '../healer/healer';
import type { HealerSettings } from '../core/healerSettings';
import { serviceHealText } from '../healer/serviceHealText';
import { contextValue } from './contextValues';

/** The top line: on / off / dry-run / untrusted / standby. */
export class HealerModeNode extends vscode.TreeItem {
  constructor(settings: HealerSettings, holdsLease: boolean) {
    const [label, icon, mode] = !settings.trusted
      ? ['Healing off: untrusted workspace', 'workspace-untrusted', 'untrusted']
      : !settings.enabled
        ? ['Healing off', 'circle-slash', 'off']
        : !holdsLease
          ? ['Healing on in another window', 'multiple-windows', 'standby']
          : settings.dryRun
            ? ['Healing: dry run (decides, does nothing)', 'beaker', 'dryRun']
            : ['Healing on', 'heart', 'on'];
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = 'healer:mode';
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description =
      settings.enabled && settings.trusted ? `max ${settings.maxActionsPerHour}/hour per service; Heal Now counts but is never refused` : undefined;
    this.contextValue = contextValue('realm.healer.mode', mode);
  }
}

type GroupKind = 'budgets' | 'unactionable' | 'decisions';
const GROUP_LABELS: Record<GroupKind, string> = { budgets: 'Services', unactionable: 'Alerts Realm cannot act on', decisions: 'Recent decisions' };

/** A group header ("Services", "Alerts Realm cannot act on", "Recent decisions"). */
export class HealerGroupNode extends vscode.TreeItem {
  constructor(
    readonly kind: GroupKind,
    count: number,
  ) {
    const state = !count
      ? vscode.TreeItemCollapsibleState.None
      : kind === 'unactionable'
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.Expanded;
    super(GROUP_LABELS[kind], state);
    // VS Code keeps a node's collapsible state by id: a group that was an empty leaf would come back
    // collapsed once it has children, hiding the decision the user just caused. A new id expands it.
    this.id = `healer:${kind}${count ? '' : ':empty'}`;
    this.description =
      kind === 'unactionable'
        ? `${count}: they name no service of this workspace`
        : count
          ? undefined
          : kind === 'budgets'
            ? 'no service acted on'
            : 'none yet';
    this.contextValue = contextValue('realm.healer.group', kind);
  }
}

/** One service: what the healer is doing about it ("restart in 8 s (back-off after 2 restarts)") and its budget. */
export class ServiceBudgetNode extends vscode.TreeItem {
  readonly key: string;
  readonly service: string;
  constructor(
    readonly state: ServiceHealState,
    now: number,
  ) {
    const name = state.ref.service;
    super(name, vscode.TreeItemCollapsibleState.None);
    this.key = state.key;
    this.service = name;
    this.id = `healer:budget:${state.key}`;
    const budget = describeBudget(name, state.budget, now).slice(name.length + 1);
    const doing = serviceHealText(state, now);
    this.description = doing ? `${doing} · ${budget}` : budget;
    this.iconPath = state.gaveUp
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
      : state.inFlight
        ? new vscode.ThemeIcon('sync~spin')
        : state.scheduled || state.alertWait
          ? new vscode.ThemeIcon('clock')
          : state.stoppedByUserAt !== undefined || state.optedOut
            ? new vscode.ThemeIcon('debug-pause')
            : new vscode.ThemeIcon(state.budget.remaining ? 'pulse' : 'watch');
    const hints = [
      state.gaveUp ? 'The healer gave up: reset the budget or fix the service.' : '',
      state.scheduled ? 'Cancel it with "Cancel Scheduled Healing".' : '',
      state.stoppedByUserAt !== undefined ? 'Start the service to resume healing.' : '',
    ].filter(Boolean);
    this.tooltip = [`${state.key}: ${describeBudget(name, state.budget, now)}`, ...(doing ? [doing] : []), ...hints].join('\n');
    // cleanup is not a service: it can only have its budget reset; a label opt-out is changed in the compose file
    const cleanup = name === CLEANUP_SERVICE;
    this.contextValue = contextValue(
      'realm.healer.service',
      state.gaveUp && 'gaveUp',
      state.scheduled && 'scheduled',
      state.optedOut === 'setting' && 'optedOut',
      state.optedOut === 'label' && 'labelOptOut',
      cleanup && 'cleanup',
      'resetBudget',
      state.scheduled && 'cancel',
      !cleanup && !state.optedOut && 'disable',
      state.optedOut === 'setting' && 'enable',
    );
  }
}

const outcomeIcon = (e: AuditEntry): vscode.ThemeIcon => {
  if (e.outcome === 'done') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (e.outcome === 'failed') return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  if (e.reason === 'dry-run') return new vscode.ThemeIcon('beaker');
  if (e.reason === 'user-stopped') return new vscode.ThemeIcon('debug-pause');
  if (e.reason === 'rate-limited') return new vscode.ThemeIcon('watch', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon('circle-slash');
};

/** One recorded decision, worded as everywhere: "worker: restart — done" + "died, exit 137 · 2m ago". */
export class DecisionNode extends vscode.TreeItem {
  constructor(
    readonly entry: AuditEntry,
    now: number,
  ) {
    const w = decisionWords(entry);
    super(`${w.subject}: ${w.action} — ${w.outcome}`, vscode.TreeItemCollapsibleState.None);
    this.id = `healer:decision:${entry.id}`;
    const latest = entry.lastRepeatAt ?? entry.time;
    this.description = `${w.reason}${entry.repeats ? ` · ×${entry.repeats + 1}` : ''} · ${formatDuration(now - latest, 'age')} ago`;
    this.iconPath = outcomeIcon(entry);
    this.tooltip = new vscode.MarkdownString(undefined, false);
    this.tooltip.appendText(`${new Date(entry.time).toLocaleString()}\n\n${describeEntry(entry)}\n\nTrigger: ${describeTrigger(entry.trigger)}`);
    this.contextValue = contextValue('realm.healer.decision', entry.outcome);
  }
}

/** One alert the healer cannot act on, folded: its name, how often it was considered, and when last. */
export class UnactionableAlertNode extends vscode.TreeItem {
  constructor(
    readonly alertname: string,
    entries: readonly AuditEntry[],
    now: number,
  ) {
    super(alertname, vscode.TreeItemCollapsibleState.None);
    const latest = entries.reduce((t, e) => Math.max(t, e.lastRepeatAt ?? e.time), 0);
    const times = entries.reduce((n, e) => n + 1 + (e.repeats ?? 0), 0);
    this.id = `healer:unactionable:${alertname}`;
    this.description = `${times > 1 ? `×${times} · ` : ''}${formatDuration(now - latest, 'age')} ago`;
    this.iconPath = new vscode.ThemeIcon('circle-slash');
    this.tooltip = [...new Set(entries.map((e) => describeEntry(e)))].slice(0, 5).join('\n');
    this.contextValue = contextValue('realm.healer.unactionable');
  }
}

export type HealerTreeNode = HealerModeNode | HealerGroupNode | ServiceBudgetNode | DecisionNode | UnactionableAlertNode;
