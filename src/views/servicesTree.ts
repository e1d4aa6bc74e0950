import * as vscode from 'vscode';
import type { ServiceGroup } from '../core/containers';
import type { ServiceScrapeHealth } from '../core/scrapeTargets';
import type { ServiceHealState } from '../healer/healer';
import { healCountdowns, serviceHealText } from '../healer/serviceHealText';
import { systemClock, systemTimers, type Clock, type Timers } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import type { Event } from '../platform/event';
import { RelativeTimeTicker } from '../platform/relativeTimeTicker';
import { WhileVisible } from '../platform/whileVisible';
import type { ServicesSnapshot, ServiceStore } from '../state/serviceStore';
import { containerParts, ContainerNode, ProjectNode, serviceParts, ServiceNode, type ServiceHealing, type ServicesTreeNode } from './serviceNodes';

export { ContainerNode, ProjectNode, ServiceNode, type ServicesTreeNode } from './serviceNodes';

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

/**
 * The Services view: the watched compose projects, grouped by service, replicas as children.
 * It subscribes to the store only while the view is visible, so a hidden tree does no work; while
 * visible, one ticker keeps "up 49s" and the healer's countdowns current (and a service and its
 * containers agree: every node of a redraw is rendered as of one `now`).
 */
export class ServicesTreeProvider extends Disposable implements vscode.TreeDataProvider<ServicesTreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<ServicesTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly visibility: WhileVisible;
  private healing = new Map<string, ServiceHealing>();
  private scheduledAt: number[] = [];
  private snapshot: ServicesSnapshot;
  /** The time every node of the current redraw is rendered at. */
  private renderNow: number;
  private readonly ticker: RelativeTimeTicker;
  /** Fires after the tree was told to redraw, with the snapshot it will show (tests and benches). */
  private readonly renderedEmitter = this.register(new vscode.EventEmitter<ServicesSnapshot>());
  readonly onDidRender = this.renderedEmitter.event;

  constructor(
    private readonly store: ServiceStore,
    private readonly scrape?: ScrapeHealthSource,
    private readonly healer?: HealerStateSource,
    private readonly clock: Clock = systemClock,
    timers: Timers = systemTimers,
    /** Why a crashed service is down, by `project/service` key (the incident store's word). */
    private readonly crashReason?: (key: string) => string | undefined,
  ) {
    super();
    this.snapshot = store.snapshot;
    this.renderNow = clock.now();
    this.ticker = new RelativeTimeTicker({
      clock,
      timers,
      times: () => this.relativeTimes(),
      render: (now) => this.describeAll(now),
      onChange: (now) => this.draw(now),
    });
    this.visibility = new WhileVisible({
      subscribe: () => [
        this.store.onDidChange((s) => this.update(s)),
        this.scrape?.onDidChange(() => this.update(this.snapshot)),
        this.healer?.onDidChange(() => this.update(this.snapshot)),
      ],
      ticker: this.ticker,
      shown: () => this.update(this.store.snapshot),
    });
    this.register({
      dispose: () => {
        this.visibility.dispose();
        this.ticker.dispose();
      },
    });
  }

  /** Called with the view's visibility: subscribe (and so start the store) and tick only while visible. */
  setVisible(visible: boolean): void {
    this.visibility.setVisible(visible);
  }

  /** True while the relative-time ticker has a timer (none while hidden). */
  get ticking(): boolean {
    return this.ticker.ticking;
  }

  get current(): ServicesSnapshot {
    return this.snapshot;
  }

  private update(s: ServicesSnapshot): void {
    this.snapshot = s;
    const now = this.clock.now();
    this.readHealing(now);
    this.draw(now);
    this.ticker.rendered(now);
    this.renderedEmitter.fire(s);
  }

  private draw(now: number): void {
    this.renderNow = now;
    if (this.scheduledAt.length) this.readHealing(now); // countdown words change with time
    this.changeEmitter.fire(undefined);
  }

  /** The healer's words and facts per service key. */
  private readHealing(now: number): void {
    const states = this.healer?.serviceStates() ?? [];
    this.healing = new Map(
      states.map((s) => {
        const text = serviceHealText(s, now);
        return [s.key, { text: text === 'acting…' ? undefined : text, stoppedByUserAt: s.stoppedByUserAt, gaveUp: s.gaveUp }];
      }),
    );
    this.scheduledAt = states.flatMap(healCountdowns);
  }

  /** Every time shown relative to now: running services' starts and the healer's scheduled actions. */
  private relativeTimes(): number[] {
    if (this.snapshot.engine === 'unreachable') return [];
    const starts = this.snapshot.groups.flatMap((g) => g.containers.filter((c) => c.state === 'running' && c.startedAt !== undefined).map((c) => c.startedAt!));
    return [...starts, ...this.scheduledAt];
  }

  /** The descriptions every node would show at `now` (the ticker compares them). */
  private describeAll(now: number): string {
    if (this.scheduledAt.length) this.readHealing(now);
    return this.snapshot.groups
      .map((g) => [this.partsOf(g, now).join(' · '), ...g.containers.map((c) => containerParts(c, now, this.healingOf(g)).parts.join(' · '))].join('\n'))
      .join('\n');
  }

  getTreeItem(node: ServicesTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: ServicesTreeNode): ServicesTreeNode[] {
    const now = this.renderNow;
    if (this.snapshot.engine === 'unreachable') return []; // the welcome view explains
    if (!node) {
      const projects = this.snapshot.projects;
      const withGroups = projects.map(
        (p) =>
          new ProjectNode(
            p.name,
            p.role,
            this.snapshot.groups.filter((g) => g.project === p.name),
          ),
      );
      const nonEmpty = withGroups.filter((p) => p.groups.length > 0);
      if (nonEmpty.length === 1 && projects.length >= 1) return nonEmpty[0].groups.map((g) => this.serviceNode(g, now));
      return nonEmpty;
    }
    if (node instanceof ProjectNode) return node.groups.map((g) => this.serviceNode(g, now));
    if (node instanceof ServiceNode) return node.group.containers.map((c) => new ContainerNode(c, now, this.healingOf(node.group)));
    return [];
  }

  getParent(node: ServicesTreeNode): ServicesTreeNode | undefined {
    if (node instanceof ContainerNode) {
      const g = this.snapshot.groups.find((x) => x.containers.some((c) => c.id === node.container.id));
      return g ? this.serviceNode(g, this.renderNow) : undefined;
    }
    return undefined;
  }

  private healingOf(g: ServiceGroup): ServiceHealing {
    const key = `${g.project}/${g.service}`;
    return { ...(this.healing.get(key) ?? {}), crashReason: this.crashReason?.(key) };
  }

  private partsOf(g: ServiceGroup, now: number): string[] {
    return serviceParts(g, now, this.scrape?.byService.get(g.service), this.healingOf(g)).parts;
  }

  private serviceNode(g: ServiceGroup, now: number): ServiceNode {
    const role = this.snapshot.projects.find((p) => p.name === g.project)?.role;
    return new ServiceNode(g, now, this.scrape?.byService.get(g.service), this.healingOf(g), role);
  }
}
