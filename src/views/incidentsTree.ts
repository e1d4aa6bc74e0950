import * as vscode from 'vscode';
import { plain } from '../core/text';
import { describeIncident, Incident, sortIncidents, TimelineEntry } from '../core/incidents';
import type { Clock } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import type { IncidentStore } from '../state/incidentStore';

/** One incident: its line ("worker — crashed (exit 137, OOM) 2m ago, restarted, recovering"); its timeline are the children. */
export class IncidentNode extends vscode.TreeItem {
  constructor(readonly incident: Incident, now: number) {
    const open = incident.closedAt === undefined;
    super(plain(describeIncident(incident, now), 200), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `incident:${incident.id}`;
    this.description = new Date(incident.openedAt).toLocaleString();
    this.iconPath = open ? new vscode.ThemeIcon('flame', new vscode.ThemeColor('list.errorForeground')) : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    // plain text: the timeline holds container names, alert names and healer details
    this.tooltip = `${incident.key}\n${incident.timeline.slice(-5).map((t) => plain(t.text, 200)).join('\n')}`;
    this.contextValue = `realm.incident.${open ? 'open' : 'closed'}`;
  }
}

/** One timeline entry of an incident. */
export class TimelineNode extends vscode.TreeItem {
  constructor(readonly incident: Incident, readonly entry: TimelineEntry, index: number) {
    super(plain(entry.text, 200), vscode.TreeItemCollapsibleState.None);
    this.id = `incident:${incident.id}:${index}`;
    this.description = new Date(entry.time).toLocaleTimeString();
    this.iconPath = new vscode.ThemeIcon(TIMELINE_ICONS[entry.kind] ?? 'circle-small');
    this.contextValue = `realm.incident.entry.${entry.kind}`;
  }
}

const TIMELINE_ICONS: Partial<Record<TimelineEntry['kind'], string>> = {
  die: 'error', oom: 'error', start: 'play', unhealthy: 'warning', healthy: 'heart', stopped: 'debug-stop',
  'alert-firing': 'bell-dot', 'alert-pending': 'watch', 'alert-silenced': 'bell-slash', 'alert-resolved': 'bell',
  healer: 'tools', recovering: 'sync', closed: 'pass',
};

export type IncidentsTreeNode = IncidentNode | TimelineNode;

/** The Incidents view: open incidents first, then recent ones; redraws on changes and every 30 s ("2m ago"). */
export class IncidentsTreeProvider extends Disposable implements vscode.TreeDataProvider<IncidentsTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<IncidentsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private ticker: NodeJS.Timeout | undefined;
  private nodes = new Map<string, IncidentNode>();

  constructor(private readonly store: IncidentStore, private readonly clock: Clock) {
    super();
    this.register(store.onDidChange(() => this.refresh()));
    this.register({ dispose: () => clearInterval(this.ticker) });
  }

  setVisible(visible: boolean): void {
    clearInterval(this.ticker);
    this.ticker = visible ? setInterval(() => this.refresh(), 30_000) : undefined;
    if (visible) this.refresh();
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: IncidentsTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: IncidentsTreeNode): IncidentsTreeNode[] {
    if (node instanceof IncidentNode) return node.incident.timeline.map((e, i) => new TimelineNode(node.incident, e, i));
    if (node) return [];
    const now = this.clock.now();
    this.nodes = new Map(sortIncidents(this.store.all()).map((i) => [i.id, new IncidentNode(i, now)]));
    return [...this.nodes.values()];
  }

  getParent(node: IncidentsTreeNode): IncidentsTreeNode | undefined {
    return node instanceof TimelineNode ? this.nodes.get(node.incident.id) : undefined;
  }

  /** The node of an incident, for `TreeView.reveal` (built when the view has not listed it yet). */
  nodeOf(incident: Incident): IncidentNode {
    return this.nodes.get(incident.id) ?? new IncidentNode(incident, this.clock.now());
  }
}
