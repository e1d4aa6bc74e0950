import type { DockerClient, EngineEvent } from '../clients/dockerClient';
import { DockerError } from '../clients/dockerClient';
import { ComposeLabels, ContainerInfo } from '../core/containers';
import { mapWithConcurrency } from '../platform/concurrency';

/** Inspects in flight at once when a burst (a crash storm) names many containers. */
const INSPECT_CONCURRENCY = 8;

/**
 * The service store's container records. Listing and inspecting every container on each engine
 * event cost n+1 requests per event (201–402 at 200 containers); instead the records are listed
 * once (at start, after a reconnect, on Refresh) and then only the container an event names is
 * inspected — or dropped without a request, for `destroy`. Several events for one container in a
 * burst cost one inspect.
 */
export class ContainerRecords {
  private readonly records = new Map<string, ContainerInfo>();
  private readonly dirty = new Set<string>();
  private readonly destroyed = new Set<string>();
  /** Touched containers with no record yet (created since the list): only an inspect knows them. */
  private readonly unknown = new Set<string>();
  private listNeeded = true;

  constructor(private readonly docker: Pick<DockerClient, 'listComposeContainers' | 'inspectContainer'>) {}

  /** The next update lists everything again (start, reconnect, watched projects changed, Refresh, an error). */
  invalidate(): void {
    this.listNeeded = true;
  }

  /**
   * An event named this container: what the event itself says (a death and its exit code, a start,
   * a health change) is applied to its record at once, and the next update inspects it for the rest
   * (or forgets it, after `destroy`). Applying first is what lets the healer judge the first death
   * of a crash storm without waiting for the inspects of all the others.
   */
  touch(e: EngineEvent): void {
    if (!e.containerId) return;
    if (e.action === 'destroy') {
      this.dirty.delete(e.containerId);
      this.unknown.delete(e.containerId);
      this.records.delete(e.containerId);
      this.destroyed.add(e.containerId);
    } else if (!this.destroyed.has(e.containerId)) {
      this.dirty.add(e.containerId);
      const record = this.records.get(e.containerId);
      if (record) this.records.set(e.containerId, applyEvent(record, e));
      else this.unknown.add(e.containerId);
    }
  }

  /**
   * True when the records reflect every event received so far without an engine request: no list
   * is due and every touched container was known (its event applied). Details only an inspect
   * gives (restart count, `OOMKilled` without an `oom` event) may still be on their way.
   */
  get applied(): boolean {
    return !this.listNeeded && this.unknown.size === 0;
  }

  /** True when an update would change anything (events not yet applied, or a list due). */
  get pending(): boolean {
    return this.listNeeded || this.dirty.size > 0 || this.destroyed.size > 0;
  }

  /**
   * Applies what is pending: one list, or one inspect per touched container. Events that arrive
   * meanwhile stay pending for the next update. On failure the next update lists everything.
   */
  async update(projects: readonly string[]): Promise<ContainerInfo[]> {
    const list = this.listNeeded;
    const ids = [...this.dirty];
    const gone = [...this.destroyed];
    this.listNeeded = false;
    this.dirty.clear();
    this.destroyed.clear();
    const wereUnknown = new Set(this.unknown);
    try {
      if (list) {
        const containers = await this.docker.listComposeContainers(projects);
        this.records.clear();
        for (const c of containers) this.records.set(c.id, c);
        // destroyed while the list was on its way: do not show it until the next update
        for (const id of this.destroyed) this.records.delete(id);
        for (const id of wereUnknown) if (!this.dirty.has(id)) this.unknown.delete(id);
      } else {
        for (const id of gone) this.records.delete(id);
        const infos = await mapWithConcurrency(ids, INSPECT_CONCURRENCY, (id) => this.inspect(id));
        ids.forEach((id, i) => {
          const info = infos[i];
          // touched again while the inspect ran: the answer may predate that event, whose effect is
          // already applied to the record; the next update inspects it again
          const touchedAgain = this.dirty.has(id) && this.records.has(id);
          if (!touchedAgain) {
            if (info && watched(info, projects) && !this.destroyed.has(id)) this.records.set(id, info);
            else this.records.delete(id);
          }
          if (wereUnknown.has(id) && !this.dirty.has(id)) this.unknown.delete(id);
        });
      }
    } catch (err) {
      this.listNeeded = true;
      throw err;
    }
    return this.all();
  }

  /** Every record, in no particular order. */
  all(): ContainerInfo[] {
    return [...this.records.values()];
  }

  private async inspect(id: string): Promise<ContainerInfo | undefined> {
    try {
      return await this.docker.inspectContainer(id);
    } catch (e) {
      // removed before we looked: it is gone from the records
      if (e instanceof DockerError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }
}

/** A record as the event leaves it: what each event itself tells, until the inspect says the rest. */
export function applyEvent(c: ContainerInfo, e: EngineEvent): ContainerInfo {
  switch (e.action) {
    case 'die':
      return { ...c, state: 'exited', exitCode: e.exitCode ?? c.exitCode, finishedAt: e.time, startedAt: undefined };
    case 'start':
      return { ...c, state: 'running', exitCode: undefined, oomKilled: false, startedAt: e.time, health: c.health === 'none' ? 'none' : 'starting' };
    case 'oom':
      return { ...c, oomKilled: true };
    case 'health_status':
      return e.healthStatus ? { ...c, health: e.healthStatus } : c;
    case 'pause':
      return { ...c, state: 'paused' };
    case 'unpause':
      return { ...c, state: 'running' };
    default:
      return c;
  }
}

/** What a list would include: a compose container (not a one-off `run`) of a watched project (any, when none is named). */
function watched(c: ContainerInfo, projects: readonly string[]): boolean {
  if (c.labels[ComposeLabels.oneoff] === 'True' || !c.labels[ComposeLabels.project]) return false;
  return projects.length === 0 || projects.includes(c.project);
}
