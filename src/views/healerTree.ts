import * as vscode from 'vscode';
import type { AuditEntry, AuditTrail } from '../healer/auditTrail';
import type { Healer, ServiceHealState } from '../healer/healer';
import type { HealerSettings } from '../core/healerSettings';
import type { HealerLeaseLike } from '../healer/lease';
import { systemTimers, type Clock, type Timers } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import { RelativeTimeTicker } from '../platform/relativeTimeTicker';
import { healCountdowns } from '../healer/serviceHealText';
import { DecisionNode, HealerGroupNode, HealerModeNode, ServiceBudgetNode, UnactionableAlertNode, type HealerTreeNode } from './healerNodes';

export { DecisionNode, HealerGroupNode, HealerModeNode, ServiceBudgetNode, UnactionableAlertNode, type HealerTreeNode } from './healerNodes';

/** How many decisions the view lists (the export has them all). */
const RECENT_DECISIONS = 20;

export interface HealerTreeDeps {
  healer: Healer;
  audit: AuditTrail;
  settings: () => HealerSettings;
  clock: Clock;
  timers?: Timers;
  lease?: HealerLeaseLike;
}

const cannotAct = (e: AuditEntry) => e.outcome === 'skipped' && e.reason === 'not-watched' && !e.service && e.trigger.kind === 'alert';
const shown = (s: ServiceHealState) =>
  s.budget.used > 0 || s.gaveUp || s.inFlight || !!s.scheduled || !!s.alertWait || s.stoppedByUserAt !== undefined || !!s.optedOut;

/**
 * The Healer view: mode at the top, each service's state and budget (with a countdown while an action
 * is scheduled), the alerts it cannot act on folded into one node, and the recent decisions. Redraws
 * on healer and audit changes, and while visible when a relative time it shows ("5s ago", "restart in
 * 8 s", "next slot in 42 min") reads differently (one ticker: each second under a minute, coarser beyond).
 */
export class HealerTreeProvider extends Disposable implements vscode.TreeDataProvider<HealerTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<HealerTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly ticker: RelativeTimeTicker;
  /** The time every node of the current redraw is rendered at. */
  private renderNow: number;

  constructor(private readonly deps: HealerTreeDeps) {
    super();
    this.renderNow = deps.clock.now();
    this.ticker = new RelativeTimeTicker({
      clock: deps.clock,
      timers: deps.timers ?? systemTimers,
      times: () => this.relativeTimes(),
      render: (now) => this.describeAll(now),
      onChange: (now) => this.draw(now),
    });
    this.register(deps.healer.onDidChange(() => this.refresh()));
    this.register(deps.audit.onDidChange(() => this.refresh()));
    this.register(deps.audit.onDidRepeat(() => this.refresh()));
    this.register({ dispose: () => this.ticker.dispose() });
  }

  /** Call with the view's visibility (and after settings or trust change, `refresh()`). */
  setVisible(visible: boolean): void {
    this.ticker.setVisible(visible);
    if (visible) this.refresh();
  }

  refresh(): void {
    const now = this.deps.clock.now();
    this.draw(now);
    this.ticker.rendered(now);
  }

  /** True while the relative-time ticker has a timer (none while hidden). */
  get ticking(): boolean {
    return this.ticker.ticking;
  }

  private draw(now: number): void {
    this.renderNow = now;
    this.changeEmitter.fire(undefined);
  }

  private relativeTimes(): number[] {
    const states = this.deps.healer.serviceStates().filter(shown);
    const decisions = this.decisions()
      .slice(-RECENT_DECISIONS)
      .map((e) => e.lastRepeatAt ?? e.time);
    const unactionable = [...this.unactionable().values()].flat().map((e) => e.lastRepeatAt ?? e.time);
    return [
      ...decisions,
      ...unactionable,
      ...states.flatMap(healCountdowns),
      ...states.flatMap((s) => (s.budget.nextSlotAt === undefined ? [] : [s.budget.nextSlotAt])),
    ];
  }

  /** What every row would read at `now` (the ticker compares it). */
  private describeAll(now: number): string {
    const rows = [
      ...this.deps.healer
        .serviceStates()
        .filter(shown)
        .map((s) => new ServiceBudgetNode(s, now)),
      ...this.decisions()
        .slice(-RECENT_DECISIONS)
        .map((e) => new DecisionNode(e, now)),
      ...[...this.unactionable()].map(([name, entries]) => new UnactionableAlertNode(name, entries, now)),
    ];
    return rows.map((r) => String(r.description)).join('\n');
  }

  getTreeItem(node: HealerTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: HealerTreeNode): HealerTreeNode[] {
    const now = this.renderNow;
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
    if (node.kind === 'budgets')
      return this.deps.healer
        .serviceStates()
        .filter(shown)
        .map((s) => new ServiceBudgetNode(s, now));
    if (node.kind === 'unactionable') return [...this.unactionable()].map(([name, entries]) => new UnactionableAlertNode(name, entries, now));
    return this.decisions()
      .slice(-RECENT_DECISIONS)
      .reverse()
      .map((e) => new DecisionNode(e, now));
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
}
