import * as vscode from 'vscode';
import { ContainerInfo, containerStatus, ServiceGroup, ServiceStatus } from '../core/containers';
import { formatDuration } from '../core/duration';
import { ServicesSnapshot, ServiceStore } from '../state/serviceStore';
import { Clock, systemClock } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import type { Event } from '../platform/event';
import type { ServiceScrapeHealth } from '../core/scrapeTargets';
import type { ServiceHealState } from '../healer/healer';
import { serviceHealText } from '../healer/serviceHealText';

/** Scrape health per service name (the ScrapeTargetStore); optional: without Prometheus, none shows. */
export interface ScrapeHealthSource {
  readonly byService: ReadonlyMap<string, ServiceScrapeHealth>;
  readonly onDidChange: Event<unknown>;
}

/** What the healer is doing per service (the Healer); optional: without it, no healer text shows. */
export interface HealerStateSource {
  serviceStates(): ServiceHealState[];
  readonly onDidChange: Event<void>;
}

/** Icon and colour per status; colours are theme tokens so every theme reads them. */
const statusIcon: Record<ServiceStatus, [string, string | undefined]> = {
  healthy: ['pass-filled', 'testing.iconPassed'],
  running: ['circle-filled', 'testing.iconPassed'],
  starting: ['loading~spin', 'charts.yellow'],
  restarting: ['sync~spin', 'charts.yellow'],
  unhealthy: ['warning', 'list.warningForeground'],
  partial: ['warning', 'list.warningForeground'],
  exited: ['error', 'list.errorForeground'],
  'not-created': ['circle-outline', 'disabledForeground'],
};

function themeIcon(status: ServiceStatus): vscode.ThemeIcon {
  const [id, color] = statusIcon[status];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function statusText(status: ServiceStatus, c?: ContainerInfo): string {
  // the reason at a glance: the kernel's OOM killer is the one cause the engine names
  if (status === 'exited' && c?.exitCode !== undefined) return `exited (${c.exitCode}${c.oomKilled ? ', OOM-killed' : ''})`;
  if (status === 'not-created') return 'defined, not created';
  return status;
}

/** A compose project (shown as a root only when more than one project is watched). */
export class ProjectNode extends vscode.TreeItem {
  constructor(readonly project: string, readonly role: 'app' | 'stack', readonly groups: ServiceGroup[]) {
    super(project, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `project:${project}`;
    this.description = role === 'stack' ? 'observability stack' : 'workspace project';
    this.iconPath = new vscode.ThemeIcon(role === 'stack' ? 'pulse' : 'package');
    this.contextValue = `realm.project.${role}`;
  }
}

/** One compose service; its replicas are the children. */
export class ServiceNode extends vscode.TreeItem {
  constructor(readonly group: ServiceGroup, now: number, scrape?: ServiceScrapeHealth, healing?: string) {
    super(group.service, group.containers.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `service:${group.project}/${group.service}`;
    const first = group.containers[0];
    const restarts = group.containers.reduce((n, c) => n + c.restartCount, 0);
    const parts = [statusText(group.status, first)];
    if (first?.startedAt && (group.status === 'running' || group.status === 'healthy')) parts.push(`up ${formatDuration(now - first.startedAt, 'age')}`);
    if (group.containers.length > 1) parts.push(`${group.containers.length} replicas`);
    if (restarts > 0) parts.push(`${restarts} restart${restarts === 1 ? '' : 's'}`);
    if (scrape) parts.push(scrape.health === 'up' ? 'target up' : scrape.neverUp ? 'target never up: configuration problem' : scrape.health === 'down' ? `target down${scrape.total > 1 ? ` (${scrape.up}/${scrape.total} up)` : ''}` : 'target unknown');
    // the healer's word on it: "left alone: stopped by the user at 10:42", "restart in 8 s (back-off after 2 restarts)"
    if (healing) parts.push(healing);
    this.description = parts.join(' · ');
    this.iconPath = themeIcon(group.status);
    // plain text: service names and scrape errors come from compose files and servers
    this.tooltip = [`${group.service} (${group.project})`, ...parts, ...(scrape?.neverUp ? [scrape.neverUp] : []), ...(scrape?.lastError ? [`last scrape error: ${scrape.lastError.slice(0, 300)}`] : [])].join('\n');
    this.contextValue = `realm.service.${group.status}`;
    this.accessibilityInformation = { label: `${group.service}, ${parts.join(', ')}` };
  }
}

/** One container (replica) of a service. */
export class ContainerNode extends vscode.TreeItem {
  constructor(readonly container: ContainerInfo, now: number) {
    super(container.name, vscode.TreeItemCollapsibleState.None);
    this.id = `container:${container.id}`;
    const status = containerStatus(container);
    const parts = [statusText(status, container)];
    if (container.startedAt) parts.push(`up ${formatDuration(now - container.startedAt, 'age')}`);
    if (container.restartCount) parts.push(`${container.restartCount} restarts`);
    this.description = parts.join(' · ');
    this.iconPath = themeIcon(status);
    this.tooltip = `${container.name}\n${container.image}\n${container.id.slice(0, 12)}`;
    this.contextValue = `realm.container.${status}`;
  }
}

export type ServicesTreeNode = ProjectNode | ServiceNode | ContainerNode;

/**
 * The Services view: the watched compose projects, grouped by service, replicas as children.
 * It subscribes to the store only while the view is visible, so a hidden tree does no work.
 */
export class ServicesTreeProvider extends Disposable implements vscode.TreeDataProvider<ServicesTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<ServicesTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private subscription: vscode.Disposable | undefined;
  private scrapeSubscription: vscode.Disposable | undefined;
  private healerSubscription: vscode.Disposable | undefined;
  private countdown: NodeJS.Timeout | undefined;
  private healing = new Map<string, string>();
  private snapshot: ServicesSnapshot;
  /** Fires after the tree was told to redraw, with the snapshot it will show (tests and benches). */
  private readonly renderedEmitter = this.register(new vscode.EventEmitter<ServicesSnapshot>());
  readonly onDidRender = this.renderedEmitter.event;

  constructor(private readonly store: ServiceStore, private readonly scrape?: ScrapeHealthSource, private readonly healer?: HealerStateSource, private readonly clock: Clock = systemClock) {
    super();
    this.snapshot = store.snapshot;
    this.register({ dispose: () => { this.subscription?.dispose(); this.scrapeSubscription?.dispose(); this.healerSubscription?.dispose(); clearInterval(this.countdown); } });
  }

  /** Called with the view's visibility: subscribe (and so start the store) only while visible. */
  setVisible(visible: boolean): void {
    if (visible && !this.subscription) {
      this.subscription = this.store.onDidChange((s) => this.update(s));
      this.scrapeSubscription = this.scrape?.onDidChange(() => this.update(this.snapshot));
      this.healerSubscription = this.healer?.onDidChange(() => this.update(this.snapshot));
      this.update(this.store.snapshot);
    } else if (!visible && this.subscription) {
      this.subscription.dispose();
      this.scrapeSubscription?.dispose();
      this.healerSubscription?.dispose();
      this.subscription = this.scrapeSubscription = this.healerSubscription = undefined;
      clearInterval(this.countdown);
      this.countdown = undefined;
    }
  }

  /** The healer's text per service key; while an action is scheduled the tree redraws each second (a countdown). */
  private readHealing(now: number): void {
    const states = this.healer?.serviceStates() ?? [];
    this.healing = new Map(states.flatMap((s) => {
      const text = serviceHealText(s, now);
      return text && text !== 'acting…' ? [[s.key, text] as [string, string]] : [];
    }));
    const counting = states.some((s) => s.scheduled);
    if (counting && !this.countdown && this.subscription) this.countdown = setInterval(() => this.update(this.snapshot), 1_000);
    else if (!counting && this.countdown) {
      clearInterval(this.countdown);
      this.countdown = undefined;
    }
  }

  get current(): ServicesSnapshot {
    return this.snapshot;
  }

  private update(s: ServicesSnapshot): void {
    this.snapshot = s;
    this.readHealing(this.clock.now());
    this.changeEmitter.fire(undefined);
    this.renderedEmitter.fire(s);
  }

  getTreeItem(node: ServicesTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: ServicesTreeNode): ServicesTreeNode[] {
    const now = this.clock.now();
    if (this.snapshot.engine === 'unreachable') return []; // the welcome view explains
    if (!node) {
      const projects = this.snapshot.projects;
      const withGroups = projects.map((p) => new ProjectNode(p.name, p.role, this.snapshot.groups.filter((g) => g.project === p.name)));
      const nonEmpty = withGroups.filter((p) => p.groups.length > 0);
      if (nonEmpty.length === 1 && projects.length >= 1) return nonEmpty[0].groups.map((g) => this.serviceNode(g, now));
      return nonEmpty;
    }
    if (node instanceof ProjectNode) return node.groups.map((g) => this.serviceNode(g, now));
    if (node instanceof ServiceNode) return node.group.containers.map((c) => new ContainerNode(c, now));
    return [];
  }

  getParent(node: ServicesTreeNode): ServicesTreeNode | undefined {
    if (node instanceof ContainerNode) {
      const g = this.snapshot.groups.find((x) => x.containers.some((c) => c.id === node.container.id));
      return g ? this.serviceNode(g, this.clock.now()) : undefined;
    }
    return undefined;
  }

  private serviceNode(g: ServiceGroup, now: number): ServiceNode {
    return new ServiceNode(g, now, this.scrape?.byService.get(g.service), this.healing.get(`${g.project}/${g.service}`));
  }
}
