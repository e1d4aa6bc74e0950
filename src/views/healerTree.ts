import * as vscode from 'vscode';
import { CLEANUP_SERVICE } from '../core/healPolicy';
import { describeBudget } from '../core/rateLimiter';
import { formatDuration } from '../core/containers';
import { AuditEntry, AuditTrail, describeEntry, describeTrigger } from '../healer/auditTrail';
import type { Healer, ServiceHealState } from '../healer/healer';
import type { HealerSettings } from '../healer/healerSettings';
import type { HealerLeaseLike } from '../healer/lease';
import type { Clock } from '../platform/clock';
import { Disposable } from '../platform/disposable';

/** How many decisions the view lists (the export has them all). */
const RECENT_DECISIONS = 20;

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
    this.description = settings.enabled && settings.trusted ? `max ${settings.maxActionsPerHour}/hour per service` : undefined;
    this.contextValue = `realm.healer.mode.${mode}`;
  }
}

/** A group header ("Budgets", "Recent decisions"). */
export class HealerGroupNode extends vscode.TreeItem {
  constructor(readonly kind: 'budgets' | 'decisions', count: number) {
    super(kind === 'budgets' ? 'Budgets' : 'Recent decisions', count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // VS Code keeps a node's collapsible state by id: a group that was an empty leaf would come back
    // collapsed once it has children, hiding the decision the user just caused. A new id expands it.
    this.id = `healer:${kind}${count ? '' : ':empty'}`;
    this.description = count ? undefined : kind === 'budgets' ? 'no service acted on' : 'none yet';
    this.contextValue = `realm.healer.group.${kind}`;
  }
}

/** One service's budget: "arcanum 1/3 this hour, next slot in 42 min", with a gave-up marker. */
export class ServiceBudgetNode extends vscode.TreeItem {
  readonly key: string;
  readonly service: string;
  constructor(readonly state: ServiceHealState, now: number) {
    const name = state.ref.service;
    super(name, vscode.TreeItemCollapsibleState.None);
    this.key = state.key;
    this.service = name;
    this.id = `healer:budget:${state.key}`;
    const text = describeBudget(name, state.budget, now).slice(name.length + 1);
    this.description = state.gaveUp ? `gave up · ${text}` : state.inFlight ? `acting… · ${text}` : text;
    this.iconPath = state.gaveUp
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
      : state.inFlight ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon(state.budget.remaining ? 'pulse' : 'watch');
    this.tooltip = `${state.key}: ${describeBudget(name, state.budget, now)}${state.gaveUp ? '\nThe healer gave up: reset the budget or fix the service.' : ''}`;
    // cleanup is not a service: it cannot be opted out, only its budget reset
    this.contextValue = `realm.healer.service${state.gaveUp ? '.gaveUp' : ''}${name === CLEANUP_SERVICE ? '.cleanup' : ''}`;
  }
}

const outcomeIcon = (e: AuditEntry): vscode.ThemeIcon => {
  if (e.outcome === 'done') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (e.outcome === 'failed') return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  if (e.reason === 'dry-run') return new vscode.ThemeIcon('beaker');
  if (e.reason === 'rate-limited') return new vscode.ThemeIcon('watch', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon('circle-slash');
};

/** One recorded decision with its outcome icon. */
export class DecisionNode extends vscode.TreeItem {
  constructor(readonly entry: AuditEntry, now: number) {
    // a skip that never resolved to a service (an alert for something Realm does not watch) is
    // named after its alert, so the list says what was considered
    const subject = entry.service?.split('/').pop() ?? (entry.trigger.kind === 'alert' ? entry.trigger.alertname : '—');
    super(entry.action ? `${subject}: ${entry.action.replace('_', ' ')}` : subject, vscode.TreeItemCollapsibleState.None);
    this.id = `healer:decision:${entry.id}`;
    const outcome = entry.outcome === 'skipped' ? `skipped (${entry.reason})` : entry.outcome;
    this.description = `${outcome} · ${formatDuration(now - entry.time)} ago`;
    this.iconPath = outcomeIcon(entry);
    this.tooltip = new vscode.MarkdownString(undefined, false);
    this.tooltip.appendText(`${new Date(entry.time).toLocaleString()}\n\n${describeEntry(entry)}\n\nTrigger: ${describeTrigger(entry.trigger)}`);
    this.contextValue = `realm.healer.decision.${entry.outcome}`;
  }
}

export type HealerTreeNode = HealerModeNode | HealerGroupNode | ServiceBudgetNode | DecisionNode;

export interface HealerTreeDeps {
  healer: Healer;
  audit: AuditTrail;
  settings: () => HealerSettings;
  clock: Clock;
  lease?: HealerLeaseLike;
}

/**
 * The Healer view: mode at the top, each service's budget and gave-up marker, and the recent
 * decisions. Redraws on healer and audit changes, and every 30 s while visible so "next slot in"
 * stays true.
 */
export class HealerTreeProvider extends Disposable implements vscode.TreeDataProvider<HealerTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<HealerTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly deps: HealerTreeDeps) {
    super();
    this.register(deps.healer.onDidChange(() => this.refresh()));
    this.register(deps.audit.onDidChange(() => this.refresh()));
    this.register({ dispose: () => clearInterval(this.ticker) });
  }

  /** Call with the view's visibility (and after settings or trust change, `refresh()`). */
  setVisible(visible: boolean): void {
    clearInterval(this.ticker);
    this.ticker = visible ? setInterval(() => this.refresh(), 30_000) : undefined;
    if (visible) this.refresh();
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: HealerTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: HealerTreeNode): HealerTreeNode[] {
    const now = this.deps.clock.now();
    if (!node) {
      const states = this.deps.healer.serviceStates().filter((s) => s.budget.used > 0 || s.gaveUp || s.inFlight);
      return [
        new HealerModeNode(this.deps.settings(), this.deps.lease?.isHolder ?? true),
        new HealerGroupNode('budgets', states.length),
        new HealerGroupNode('decisions', Math.min(RECENT_DECISIONS, this.deps.audit.entries().length)),
      ];
    }
    if (node instanceof HealerGroupNode && node.kind === 'budgets') {
      return this.deps.healer.serviceStates().filter((s) => s.budget.used > 0 || s.gaveUp || s.inFlight).map((s) => new ServiceBudgetNode(s, now));
    }
    if (node instanceof HealerGroupNode) return this.deps.audit.recent(RECENT_DECISIONS).map((e) => new DecisionNode(e, now));
    return [];
  }
}
