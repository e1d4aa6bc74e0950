import { DockerClient, DockerError, EngineEvent } from '../clients/dockerClient';
import { ContainerInfo, groupByService } from '../core/containers';
import { ContainerRecords } from './containerRecords';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import { Logger } from '../platform/logger';
import { Clock, systemClock } from '../platform/clock';
import { OneAtATime } from '../platform/oneAtATime';
import { EngineConnection } from './engineConnection';
import { declared, fingerprint, ServicesSnapshot, WatchedProject } from './servicesSnapshot';

export type { EngineState, ServicesSnapshot, WatchedProject } from './servicesSnapshot';

export interface ServiceStoreOptions {
  /** Bursts of engine events within this window cause one refresh (ms). */
  coalesceMs?: number;
  /** Fallback poll while the event stream is down but the engine answers (ms). */
  fallbackPollMs?: number;
  /** Reconnect backoff bounds while the engine is unreachable (ms). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Stamps snapshots and times the event stream (the extension's one clock). */
  clock?: Clock;
}

/**
 * The one place that reads container state from the Docker engine. It lists the watched projects'
 * containers once (at start, after a reconnect, on Refresh), then streams engine events and
 * re-reads only the container each event names (bursts coalesced), so an event costs one request
 * whatever the project's size. It polls only as a fallback while the stream is down, reconnects
 * with backoff when dockerd goes away, and does nothing at all while nobody listens.
 *
 * The healer reads containers from here instead of asking the engine itself:
 *   store.onEngineEvent(async (e) => { await store.whenCurrent(); store.containersOf(e.project, e.service) })
 */
export class ServiceStore extends Disposable {
  private readonly changeEmitter: Emitter<ServicesSnapshot>;
  private readonly engineEventEmitter = new Emitter<EngineEvent>((n) => this.onListenersChanged(n));
  private current: ServicesSnapshot;
  private active = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly refreshes = new OneAtATime(
    () => this.refreshPass(),
    () => this.nextPassWaiters.length > 0,
  );
  /** `whenCurrent` callers, answered by the next refresh pass to start (not by the whole burst's passes). */
  private nextPassWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly records: ContainerRecords;
  private pendingCause: EngineEvent | undefined;
  private readonly connection: EngineConnection;
  private readonly opts: Required<ServiceStoreOptions>;

  constructor(
    docker: DockerClient,
    private projects: WatchedProject[],
    private readonly logger: Logger,
    options: ServiceStoreOptions = {},
  ) {
    super();
    this.opts = { coalesceMs: 100, fallbackPollMs: 10_000, minBackoffMs: 1_000, maxBackoffMs: 30_000, clock: systemClock, ...options };
    this.records = new ContainerRecords(docker);
    this.connection = new EngineConnection({
      docker,
      logger,
      clock: this.opts.clock,
      options: this.opts,
      projects: () => this.projects.map((p) => p.name),
      onEvent: (e) => this.onEvent(e),
      relist: () => {
        this.records.invalidate();
        return this.runRefresh();
      },
      unreachable: (err) => this.markUnreachable(err),
    });
    this.changeEmitter = new Emitter<ServicesSnapshot>((n) => this.onListenersChanged(n));
    this.current = { engine: 'unknown', projects, containers: [], groups: groupByService([], declared(projects)), updatedAt: 0 };
    this.register(this.changeEmitter);
    this.register(this.engineEventEmitter);
    this.register(toDisposable(() => this.stop()));
  }

  /** Fires after each refresh whose result differs from the previous snapshot. */
  readonly onDidChange: Event<ServicesSnapshot> = (l) => this.changeEmitter.event(l);
  /** Every engine event of a watched project, as it arrives (the healer reacts to these). */
  readonly onEngineEvent: Event<EngineEvent> = (l) => this.engineEventEmitter.event(l);

  get snapshot(): ServicesSnapshot {
    return this.current;
  }

  get watchedProjects(): readonly WatchedProject[] {
    return this.projects;
  }

  /**
   * The store's current records of one service's containers (or of every service of `project`
   * when `service` is omitted), replicas by number: state, health, exit code, `oomKilled`,
   * `startedAt`, `restartCount`, restart policy and labels, as the engine last reported them.
   * Reading them makes no engine request. They may lag the newest engine event by the coalescing
   * window and one inspect: `await whenCurrent()` first to read them as of now. Empty while the
   * store is not running (nobody listens) or the engine was never reached.
   */
  containersOf(project: string, service?: string): ContainerInfo[] {
    return replicasOf(this.current.containers, project, service);
  }

  /**
   * Resolves with a snapshot that reflects every engine event received before the call (it
   * inspects the containers those events named now, without waiting out the coalescing window;
   * nothing is requested when nothing is pending). Rejects with the engine's error (a
   * `DockerError`) when the engine could not be read; the snapshot then says `unreachable`.
   * Call it from an `onEngineEvent` listener to judge a container as of its event.
   */
  async whenCurrent(): Promise<ServicesSnapshot> {
    if (!this.active) this.records.invalidate();
    if (!this.records.pending && !this.refreshes.running && this.current.engine === 'reachable') return this.current;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    // a storm keeps the refresh loop busy for seconds: wait for one pass that starts after this call, not for the loop
    const done = new Promise<void>((resolve, reject) => this.nextPassWaiters.push({ resolve, reject }));
    void this.runRefresh();
    await done;
    return this.current;
  }

  /**
   * The records of these projects with every engine event received so far applied, without an
   * engine request — or undefined when that needs one (a container the store has not seen yet, a
   * list due, the store idle or the engine unreachable): then `whenCurrent()`. What only an inspect
   * tells (restart count) may lag; state, exit code, start time and health do not.
   */
  appliedContainers(projects: readonly string[]): ContainerInfo[] | undefined {
    if (!this.active || this.current.engine !== 'reachable' || !this.records.applied) return undefined;
    const records = this.records.all();
    return [...new Set(projects)].flatMap((p) => replicasOf(records, p));
  }

  /** Changes the watched projects (compose files or settings changed) and refreshes. */
  setProjects(projects: WatchedProject[]): void {
    this.projects = projects;
    if (this.active) {
      this.restartStream();
    }
  }

  /** Lists everything again now (the Refresh command, after compose commands); resolves when the new snapshot is in. */
  async refresh(): Promise<ServicesSnapshot> {
    this.records.invalidate();
    await this.runRefresh();
    return this.current;
  }

  private onListenersChanged(_n: number): void {
    const wanted = this.changeEmitter.listenerCount + this.engineEventEmitter.listenerCount > 0;
    if (wanted && !this.active) this.start();
    else if (!wanted && this.active) this.stop();
  }

  private start(): void {
    this.active = true;
    this.connection.start();
  }

  private stop(): void {
    this.active = false;
    this.connection.stop();
    // events are missed while stopped (and the projects may change): list again on the next start
    this.records.invalidate();
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private restartStream(): void {
    this.stop();
    this.start();
  }

  private onEvent(e: EngineEvent): void {
    // noted before listeners run, so a listener's whenCurrent() covers this event
    this.records.touch(e);
    this.pendingCause ??= e;
    this.engineEventEmitter.fire(e);
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.runRefresh();
    }, this.opts.coalesceMs);
  }

  /** One refresh at a time; a request during a refresh queues exactly one more (and a `whenCurrent` waiter is one). */
  private runRefresh(): Promise<void> {
    return this.refreshes.run();
  }

  private async refreshPass(): Promise<void> {
    const cause = this.pendingCause;
    this.pendingCause = undefined;
    const waiters = this.nextPassWaiters.splice(0);
    try {
      const containers = await this.records.update(this.projects.map((p) => p.name));
      this.publish({
        engine: 'reachable',
        projects: this.projects,
        containers,
        groups: groupByService(containers, declared(this.projects)),
        updatedAt: this.opts.clock.now(),
        cause,
      });
      waiters.forEach((w) => w.resolve());
    } catch (err) {
      this.markUnreachable(err);
      if (this.active) this.connection.retryAfterFailure();
      waiters.forEach((w) => w.reject(err));
    }
  }

  private markUnreachable(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.current.engine !== 'unreachable') {
      // logged once per outage, not on every retry
      this.logger.warn(`Docker engine unreachable: ${message}`);
    }
    const unreachable = !(err instanceof DockerError) || err.isUnreachable;
    if (!unreachable) {
      this.logger.error(`Docker: ${message}`);
      return;
    }
    this.publish({ ...this.current, engine: 'unreachable', engineError: message, updatedAt: this.opts.clock.now(), cause: undefined });
  }

  private publish(next: ServicesSnapshot): void {
    const changed = next.engine !== this.current.engine || next.engineError !== this.current.engineError || fingerprint(next) !== fingerprint(this.current);
    if (this.current.engine === 'unreachable' && next.engine === 'reachable') this.logger.info('Docker engine reachable again');
    this.current = next;
    if (changed) this.changeEmitter.fire(next);
  }
}

/** The containers of one project (or one service of it), replicas by number: how every read of the store orders them. */
function replicasOf(containers: readonly ContainerInfo[], project: string, service?: string): ContainerInfo[] {
  return containers
    .filter((c) => c.project === project && (service === undefined || c.service === service))
    .sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
}

/**
 * The store as the healer's container source (`containersOf(projects)`): the containers of the
 * given projects as of now — after every engine event received before the call — from the store's
 * records, with no engine request unless an event named a container the store has not seen yet
 * (then one inspect per container pending). Only projects the store watches are known. Rejects with the engine's error when it
 * cannot be read. Subscribe to `onEngineEvent` (the healer does) to keep the store running.
 */
export function storeContainerSource(store: ServiceStore): { containersOf(projects: readonly string[]): Promise<ContainerInfo[]> } {
  return {
    containersOf: async (projects) => {
      const applied = store.appliedContainers(projects);
      if (applied) return applied;
      await store.whenCurrent();
      return [...new Set(projects)].flatMap((p) => store.containersOf(p));
    },
  };
}
