import type { DockerClient } from '../clients/dockerClient';
import type { ContainerInfo } from '../core/containers';

/**
 * The healer's one read of container state. Today it asks the engine (one list per project, shared
 * by every check waiting for it); once the service store keeps an O(1)-per-event snapshot, an
 * adapter over that snapshot replaces this one and the healer fetches nothing itself.
 */
export interface ContainerSource {
  /** The containers of these compose projects, read after this call was made (never an older answer). */
  containersOf(projects: readonly string[]): Promise<ContainerInfo[]>;
}

/**
 * Reads through the engine, coalescing: while a list of a project is in flight, later callers wait
 * for the next one (which starts when it ends) and all share it — a crash storm costs two lists, not
 * one per death, and each caller still sees state from after its own call.
 */
export function engineContainerSource(docker: Pick<DockerClient, 'listComposeContainers'>): ContainerSource {
  const perProject = new Map<string, { running?: Promise<ContainerInfo[]>; next?: Promise<ContainerInfo[]> }>();
  const read = (project: string): Promise<ContainerInfo[]> => {
    const slot = perProject.get(project) ?? {};
    perProject.set(project, slot);
    if (slot.next) return slot.next;
    const start = (): Promise<ContainerInfo[]> => {
      const p = docker.listComposeContainers([project]);
      slot.running = p;
      const clear = () => {
        if (slot.running === p) slot.running = undefined;
      };
      p.then(clear, clear);
      return p;
    };
    if (!slot.running) return start();
    const next = slot.running
      .catch(() => undefined)
      .then(() => {
        slot.next = undefined;
        return start();
      });
    slot.next = next;
    return next;
  };
  return {
    containersOf: async (projects) => (await Promise.all([...new Set(projects)].map(read))).flat(),
  };
}
