import * as vscode from 'vscode';
import { groupBySeverity, suppressionWord } from '../core/alerts';
import { clockTime } from '../core/clockTime';
import { alertsViewState, staleSince } from '../core/alertSummary';
import { systemTimers, type Timers } from '../platform/clock';
import { Disposable, toDisposable } from '../platform/disposable';
import { RelativeTimeTicker } from '../platform/relativeTimeTicker';
import { WhileVisible } from '../platform/whileVisible';
import type { AlertSnapshot } from '../state/alertStore';
import type { Event } from '../platform/event';
import type { AlertStatusSource } from './statusBar';
import { AlertDetailNode, AlertNode, AlertTreeNode, SeverityGroupNode, SilenceNode, SilencesNode } from './alertNodes';
import { Clock, systemClock } from '../platform/clock';

export * from './alertNodes';

/** Which alerts are about a target that was never up (the scrape target store); optional. */
export interface ConfigurationProblems {
  problemFor(labels: Readonly<Record<string, string>>): string | undefined;
  readonly onDidChange: Event<unknown>;
}

/**
 * The Alerts view: severity groups (critical first) → alerts → labels and annotations, and a
 * Silences node. It listens to the store only while visible. When there is nothing to show it
 * returns no nodes, so the view's welcome content (chosen by the `realm.alerts.status` context key)
 * explains why.
 */
export class AlertsTreeProvider extends Disposable implements vscode.TreeDataProvider<AlertTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<AlertTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly visibility: WhileVisible;
  private snapshot: AlertSnapshot;
  /** Keeps "firing for 3m" current while the view is visible and nothing else changes. */
  private readonly ticker: RelativeTimeTicker;
  /** The time every node of the current redraw is rendered at. */
  private renderNow: number;

  constructor(
    private readonly store: AlertStatusSource,
    /** Sets a context key (vscode `setContext`); used for `realm.alerts.status` = stackDown | ok | unreachable. */
    private readonly setContext: (key: string, value: unknown) => void = (k, v) => void vscode.commands.executeCommand('setContext', k, v),
    private readonly clock: Clock = systemClock,
    /** Sets the view's message (TreeView.message): says so above the tree when what it shows is stale. */
    private readonly setMessage: (message: string | undefined) => void = () => undefined,
    private readonly problems?: ConfigurationProblems,
    timers: Timers = systemTimers,
  ) {
    super();
    this.snapshot = store.snapshot;
    this.renderNow = clock.now();
    this.ticker = new RelativeTimeTicker({
      clock,
      timers,
      times: () => this.relativeTimes(),
      render: (t) => this.describeAll(t),
      onChange: (t) => this.draw(t),
    });
    this.visibility = new WhileVisible({
      subscribe: () => [this.store.onDidChange((c) => this.update(c.snapshot)), this.problems?.onDidChange(() => this.draw(this.clock.now()))],
      ticker: this.ticker,
      shown: () => this.update(this.store.snapshot),
    });
    this.register(
      toDisposable(() => {
        this.visibility.dispose();
        this.ticker.dispose();
      }),
    );
  }

  /** Called with the view's visibility: listen (and refresh durations) only while visible. */
  setVisible(visible: boolean): void {
    this.visibility.setVisible(visible);
  }

  get current(): AlertSnapshot {
    return this.snapshot;
  }

  getTreeItem(node: AlertTreeNode): vscode.TreeItem {
    return node;
  }

  /** True while the relative-time ticker has a timer (none while hidden). */
  get ticking(): boolean {
    return this.ticker.ticking;
  }

  /** Firing and pending alerts' "for 3m" (not while stale: those read "last seen 10:42"). */
  private relativeTimes(): number[] {
    if (this.stale()) return [];
    return this.snapshot.alerts.filter((a) => suppressionWord(a) !== 'silenced').map((a) => a.since);
  }

  /** What every alert row would read at `now` (the ticker compares it). */
  private describeAll(now: number): string {
    const stale = this.stale();
    return this.snapshot.alerts.map((a) => String(new AlertNode(a, now, this.snapshot.silences, stale).description)).join('\n');
  }

  private draw(now: number): void {
    this.renderNow = now;
    this.changeEmitter.fire(undefined);
  }

  getChildren(node?: AlertTreeNode): AlertTreeNode[] {
    const now = this.renderNow;
    const stale = this.stale();
    if (!node) {
      const roots: AlertTreeNode[] = groupBySeverity(this.snapshot.alerts).map((g) => new SeverityGroupNode(g, stale, now));
      if (this.snapshot.silences.length) roots.push(new SilencesNode(this.snapshot.silences));
      return roots;
    }
    if (node instanceof SeverityGroupNode)
      return node.group.alerts.map((a) => new AlertNode(a, now, this.snapshot.silences, stale, this.problems?.problemFor(a.labels)));
    if (node instanceof AlertNode) {
      const { alert } = node;
      return [
        ...Object.keys(alert.labels)
          .sort()
          .map((k) => new AlertDetailNode(alert, 'label', k, alert.labels[k])),
        ...Object.keys(alert.annotations)
          .sort()
          .map((k) => new AlertDetailNode(alert, 'annotation', k, alert.annotations[k])),
      ];
    }
    if (node instanceof SilencesNode) {
      return node.silences.map((s) => new SilenceNode(s, this.snapshot.alerts.filter((a) => a.silencedBy.includes(s.id)).length, now));
    }
    return [];
  }

  /** Lets `TreeView.reveal` find an alert's group. */
  getParent(node: AlertTreeNode): AlertTreeNode | undefined {
    if (node instanceof AlertNode) {
      const group = groupBySeverity(this.snapshot.alerts).find((g) => g.severity === node.alert.severity);
      return group && new SeverityGroupNode(group, this.stale(), this.renderNow);
    }
    if (node instanceof AlertDetailNode) return new AlertNode(node.alert, this.renderNow, this.snapshot.silences, this.stale());
    if (node instanceof SilenceNode) return new SilencesNode(this.snapshot.silences);
    return undefined;
  }

  private stale(): { lastSeenAt: number } | undefined {
    const seen = staleSince(this.snapshot);
    return seen === undefined ? undefined : { lastSeenAt: seen };
  }

  private update(s: AlertSnapshot): void {
    this.snapshot = s;
    const stale = this.stale();
    const message = stale
      ? `Alertmanager and Prometheus do not answer: these alerts were last seen at ${clockTime(stale.lastSeenAt, this.clock.now())} and may have changed. Realm keeps retrying.`
      : undefined;
    if (message !== this.message) {
      this.message = message;
      this.setMessage(message);
    }
    const state = alertsViewState(s);
    if (state !== this.contextState) {
      this.contextState = state;
      this.setContext('realm.alerts.status', state);
    }
    const now = this.clock.now();
    this.draw(now);
    this.ticker.rendered(now);
  }
  private contextState: string | undefined;
  private message: string | undefined;
}
