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
  private listNeeded = true;

  constructor(private readonly docker: Pick<DockerClient, 'listComposeContainers' | 'inspectContainer'>) {}

  /** The next update lists everything again (start, reconnect, watched projects changed, Refresh, an error). */
  invalidate(): void {
    this.listNeeded = true;
  }

  /** An event named this container: the next update inspects it (or forgets it, after `destroy`). */
  touch(e: EngineEvent): void {
    if (!e.containerId) return;
    if (e.action === 'destroy') {
      this.dirty.delete(e.containerId);
      this.destroyed.add(e.containerId);
    } else if (!this.destroyed.has(e.containerId)) {
      this.dirty.add(e.containerId);
    }
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
    try {
      if (list) {
        const containers = await this.docker.listComposeContainers(projects);
        this.records.clear();
        for (const c of containers) this.records.set(c.id, c);
        // destroyed while the list was on its way: do not show it until the next update
        for (const id of this.destroyed) this.records.delete(id);
      } else {
        for (const id of gone) this.records.delete(id);
        const infos = await mapWithConcurrency(ids, INSPECT_CONCURRENCY, (id) => this.inspect(id));
        ids.forEach((id, i) => {
          const info = infos[i];
          if (info && watched(info, projects) && !this.destroyed.has(id)) this.records.set(id, info);
          else this.records.delete(id);
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

/** What a list would include: a compose container (not a one-off `run`) of a watched project (any, when none is named). */
function watched(c: ContainerInfo, projects: readonly string[]): boolean {
  if (c.labels[ComposeLabels.oneoff] === 'True' || !c.labels[ComposeLabels.project]) return false;
  return projects.length === 0 || projects.includes(c.project);
}
