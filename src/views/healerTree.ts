import * as vscode from 'vscode';
import { formatDuration } from '../core/duration';
import { CLEANUP_SERVICE } from '../core/healPolicy';
import { describeBudget } from '../core/rateLimiter';
import { AuditEntry, AuditTrail, describeEntry, describeTrigger } from '../healer/auditTrail';
import { decisionWords } from '../healer/decisionWording';
import type { Healer, ServiceHealState } from '../healer/healer';
import type { HealerSettings } from '../core/healerSettings';
import type { HealerLeaseLike } from '../healer/lease';
import { serviceHealText } from '../healer/serviceHealText';
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
    this.description = settings.enabled && settings.trusted ? `max ${settings.maxActionsPerHour}/hour per service; Heal Now counts but is never refused` : undefined;
    this.contextValue = `realm.healer.mode.${mode}`;
  }
}

type GroupKind = 'budgets' | 'unactionable' | 'decisions';
const GROUP_LABELS: Record<GroupKind, string> = { budgets: 'Services', unactionable: 'Alerts Realm cannot act on', decisions: 'Recent decisions' };

/** A group header ("Services", "Alerts Realm cannot act on", "Recent decisions"). */
export class HealerGroupNode extends vscode.TreeItem {
  constructor(readonly kind: GroupKind, count: number) {
    const state = !count ? vscode.TreeItemCollapsibleState.None : kind === 'unactionable' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
    super(GROUP_LABELS[kind], state);
    // VS Code keeps a node's collapsible state by id: a group that was an empty leaf would come back
    // collapsed once it has children, hiding the decision the user just caused. A new id expands it.
    this.id = `healer:${kind}${count ? '' : ':empty'}`;
    this.description = kind === 'unactionable' ? `${count}: they name no service of this workspace` : count ? undefined : kind === 'budgets' ? 'no service acted on' : 'none yet';
    this.contextValue = `realm.healer.group.${kind}`;
  }
}

/** One service: what the healer is doing about it ("restart in 8 s (back-off after 2 restarts)") and its budget. */
export class ServiceBudgetNode extends vscode.TreeItem {
  readonly key: string;
  readonly service: string;
  constructor(readonly state: ServiceHealState, now: number) {
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
      : state.inFlight ? new vscode.ThemeIcon('sync~spin')
        : state.scheduled ? new vscode.ThemeIcon('clock')
          : state.stoppedByUserAt !== undefined || state.optedOut ? new vscode.ThemeIcon('debug-pause')
            : new vscode.ThemeIcon(state.budget.remaining ? 'pulse' : 'watch');
    const hints = [state.gaveUp ? 'The healer gave up: reset the budget or fix the service.' : '', state.scheduled ? 'Cancel it with "Cancel Scheduled Healing".' : '', state.stoppedByUserAt !== undefined ? 'Start the service to resume healing.' : ''].filter(Boolean);
    this.tooltip = [`${state.key}: ${describeBudget(name, state.budget, now)}`, ...(doing ? [doing] : []), ...hints].join('\n');
    // order-free tokens: menus test for one word each; cleanup is not a service, it can only have its budget reset
    const tokens = [state.gaveUp && 'gaveUp', state.scheduled && 'scheduled', state.optedOut === 'setting' && 'optedOut', state.optedOut === 'label' && 'labelOptOut', name === CLEANUP_SERVICE && 'cleanup'].filter(Boolean);
    this.contextValue = ['realm.healer.service', ...tokens].join(' ');
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
  constructor(readonly entry: AuditEntry, now: number) {
    const w = decisionWords(entry);
    super(`${w.subject}: ${w.action} — ${w.outcome}`, vscode.TreeItemCollapsibleState.None);
    this.id = `healer:decision:${entry.id}`;
    const latest = entry.lastRepeatAt ?? entry.time;
    this.description = `${w.reason}${entry.repeats ? ` · ×${entry.repeats + 1}` : ''} · ${formatDuration(now - latest, 'age')} ago`;
    this.iconPath = outcomeIcon(entry);
    this.tooltip = new vscode.MarkdownString(undefined, false);
    this.tooltip.appendText(`${new Date(entry.time).toLocaleString()}\n\n${describeEntry(entry)}\n\nTrigger: ${describeTrigger(entry.trigger)}`);
    this.contextValue = `realm.healer.decision.${entry.outcome}`;
  }
}

/** One alert the healer cannot act on, folded: its name, how often it was considered, and when last. */
export class UnactionableAlertNode extends vscode.TreeItem {
  constructor(readonly alertname: string, entries: readonly AuditEntry[], now: number) {
    super(alertname, vscode.TreeItemCollapsibleState.None);
    const latest = entries.reduce((t, e) => Math.max(t, e.lastRepeatAt ?? e.time), 0);
    const times = entries.reduce((n, e) => n + 1 + (e.repeats ?? 0), 0);
    this.id = `healer:unactionable:${alertname}`;
    this.description = `${times > 1 ? `×${times} · ` : ''}${formatDuration(now - latest, 'age')} ago`;
    this.iconPath = new vscode.ThemeIcon('circle-slash');
    this.tooltip = [...new Set(entries.map((e) => describeEntry(e)))].slice(0, 5).join('\n');
    this.contextValue = 'realm.healer.unactionable';
  }
}

export type HealerTreeNode = HealerModeNode | HealerGroupNode | ServiceBudgetNode | DecisionNode | UnactionableAlertNode;

export interface HealerTreeDeps {
  healer: Healer;
  audit: AuditTrail;
  settings: () => HealerSettings;
  clock: Clock;
  lease?: HealerLeaseLike;
}

const cannotAct = (e: AuditEntry) => e.outcome === 'skipped' && e.reason === 'not-watched' && !e.service && e.trigger.kind === 'alert';
const shown = (s: ServiceHealState) => s.budget.used > 0 || s.gaveUp || s.inFlight || !!s.scheduled || s.stoppedByUserAt !== undefined || !!s.optedOut;

/**
 * The Healer view: mode at the top, each service's state and budget (with a countdown while an action
 * is scheduled), the alerts it cannot act on folded into one node, and the recent decisions. Redraws
 * on healer and audit changes, every second while something counts down, else every 30 s while visible.
 */
export class HealerTreeProvider extends Disposable implements vscode.TreeDataProvider<HealerTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<HealerTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private ticker: NodeJS.Timeout | undefined;
  private tickMs = 0;
  private visible = false;

  constructor(private readonly deps: HealerTreeDeps) {
    super();
    this.register(deps.healer.onDidChange(() => this.refresh()));
    this.register(deps.audit.onDidChange(() => this.refresh()));
    this.register(deps.audit.onDidRepeat(() => this.refresh()));
    this.register({ dispose: () => clearInterval(this.ticker) });
  }

  /** Call with the view's visibility (and after settings or trust change, `refresh()`). */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.refresh();
    else this.retick(0);
  }

  refresh(): void {
    if (this.visible) this.retick(this.deps.healer.serviceStates().some((s) => s.scheduled) ? 1_000 : 30_000);
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: HealerTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: HealerTreeNode): HealerTreeNode[] {
    const now = this.deps.clock.now();
    if (!node) {
      const unactionable = this.unactionable();
      return [
        new HealerModeNode(this.deps.settings(), this.deps.lease?.isHolder ?? true),
        new HealerGroupNode('budgets', this.deps.healer.serviceStates().filter(shown).length),
        ...(unactionable.size ? [new HealerGroupNode('unactionable', unactionable.size)] : []),
        new HealerGroupNode('decisions', Math.min(RECENT_DECISIONS, this.decisions().length)),
      ];
    }
    if (!(node instanceof HealerGroupNode)) return [];
    if (node.kind === 'budgets') return this.deps.healer.serviceStates().filter(shown).map((s) => new ServiceBudgetNode(s, now));
    if (node.kind === 'unactionable') return [...this.unactionable()].map(([name, entries]) => new UnactionableAlertNode(name, entries, now));
    return this.decisions().slice(-RECENT_DECISIONS).reverse().map((e) => new DecisionNode(e, now));
  }

  private decisions(): AuditEntry[] {
    return this.deps.audit.entries().filter((e) => !cannotAct(e));
  }

  /** Not-watched alert skips of the last day, by alert name. */
  private unactionable(): Map<string, AuditEntry[]> {
    const since = this.deps.clock.now() - 24 * 60 * 60_000;
    const out = new Map<string, AuditEntry[]>();
    for (const e of this.deps.audit.entries()) {
      if (!cannotAct(e) || (e.lastRepeatAt ?? e.time) < since || e.trigger.kind !== 'alert') continue;
      const list = out.get(e.trigger.alertname) ?? [];
      list.push(e);
      out.set(e.trigger.alertname, list);
    }
    return out;
  }

  private retick(ms: number): void {
    if (ms === this.tickMs) return;
    clearInterval(this.ticker);
    this.tickMs = ms;
    this.ticker = ms ? setInterval(() => this.changeEmitter.fire(undefined), ms) : undefined;
  }
}
