import * as vscode from 'vscode';
import { plain } from '../core/text';
import { describeIncident, Incident, sortIncidents, TimelineEntry } from '../core/incidents';
import { systemTimers, type Clock, type Timers } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import { RelativeTimeTicker } from '../platform/relativeTimeTicker';
import type { IncidentStore } from '../state/incidentStore';
import { contextValue } from './contextValues';

/** One incident: its line ("worker — crashed (exit 137, OOM) 2m ago, restarted, recovering"); its timeline are the children. */
export class IncidentNode extends vscode.TreeItem {
  constructor(
    readonly incident: Incident,
    now: number,
  ) {
    const open = incident.closedAt === undefined;
    super(plain(describeIncident(incident, now), 200), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `incident:${incident.id}`;
    this.description = new Date(incident.openedAt).toLocaleString();
    this.iconPath = open
      ? new vscode.ThemeIcon('flame', new vscode.ThemeColor('list.errorForeground'))
      : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    // plain text: the timeline holds container names, alert names and healer details
    this.tooltip = `${incident.key}\n${incident.timeline
      .slice(-5)
      .map((t) => plain(t.text, 200))
      .join('\n')}`;
    this.contextValue = contextValue('realm.incident', open ? 'open' : 'closed', 'export');
  }
}

/** One timeline entry of an incident. */
export class TimelineNode extends vscode.TreeItem {
  constructor(
    readonly incident: Incident,
    readonly entry: TimelineEntry,
    index: number,
  ) {
    super(plain(entry.text, 200), vscode.TreeItemCollapsibleState.None);
    this.id = `incident:${incident.id}:${index}`;
    this.description = new Date(entry.time).toLocaleTimeString();
    this.iconPath = new vscode.ThemeIcon(TIMELINE_ICONS[entry.kind] ?? 'circle-small');
    this.contextValue = contextValue('realm.incident.entry', entry.kind);
  }
}

const TIMELINE_ICONS: Partial<Record<TimelineEntry['kind'], string>> = {
  die: 'error',
  oom: 'error',
  start: 'play',
  unhealthy: 'warning',
  healthy: 'heart',
  stopped: 'debug-stop',
  'alert-firing': 'bell-dot',
  'alert-pending': 'watch',
  'alert-silenced': 'bell-slash',
  'alert-resolved': 'bell',
  healer: 'tools',
  recovering: 'sync',
  closed: 'pass',
};

export type IncidentsTreeNode = IncidentNode | TimelineNode;

/** The Incidents view: open incidents first, then recent ones; redraws on changes and, while visible, when an open one's "2m ago" reads differently. */
export class IncidentsTreeProvider extends Disposable implements vscode.TreeDataProvider<IncidentsTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<IncidentsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private nodes = new Map<string, IncidentNode>();
  private readonly ticker: RelativeTimeTicker;
  private renderNow: number;

  constructor(
    private readonly store: IncidentStore,
    private readonly clock: Clock,
    timers: Timers = systemTimers,
  ) {
    super();
    this.renderNow = clock.now();
    const open = () => this.store.all().filter((i) => i.closedAt === undefined);
    this.ticker = new RelativeTimeTicker({
      clock,
      timers,
      times: () => open().map((i) => i.openedAt),
      render: (now) =>
        open()
          .map((i) => describeIncident(i, now))
          .join('\n'),
      onChange: (now) => this.draw(now),
    });
    this.register(store.onDidChange(() => this.refresh()));
    this.register({ dispose: () => this.ticker.dispose() });
  }

  setVisible(visible: boolean): void {
    this.ticker.setVisible(visible);
    if (visible) this.refresh();
  }

  refresh(): void {
    const now = this.clock.now();
    this.draw(now);
    this.ticker.rendered(now);
  }

  private draw(now: number): void {
    this.renderNow = now;
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: IncidentsTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: IncidentsTreeNode): IncidentsTreeNode[] {
    if (node instanceof IncidentNode) return node.incident.timeline.map((e, i) => new TimelineNode(node.incident, e, i));
    if (node) return [];
    const now = this.renderNow;
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
