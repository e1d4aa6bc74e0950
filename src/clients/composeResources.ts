import type Docker from 'dockerode';
import { ComposeLabels } from '../core/containers';
import type { DockerClient } from './dockerClient';

/** What a compose project owns in the engine, by the labels compose puts on each resource. */
export interface ProjectResources {
  containers: Array<{ id: string; name: string }>;
  networks: Array<{ id: string; name: string }>;
  volumes: string[];
}

const TIMEOUT_MS = 15_000;

/** The project's containers (all states), networks and volumes, as the engine lists them now. */
export async function projectResources(docker: DockerClient, project: string): Promise<ProjectResources> {
  const filters = { label: [`${ComposeLabels.project}=${project}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.call('list containers', (d, abortSignal) => d.listContainers({ all: true, filters, abortSignal }), TIMEOUT_MS),
    docker.call('list networks', (d, abortSignal) => d.listNetworks({ filters, abortSignal }), TIMEOUT_MS),
    docker.call('list volumes', (d, abortSignal) => d.listVolumes({ filters, abortSignal }), TIMEOUT_MS),
  ]);
  return {
    containers: containers.map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id).replace(/^\//, '') })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name })),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name),
  };
}

/**
 * Removes what the project has now and did not have `before`: containers first (they hold the
 * networks and volumes), then networks, then volumes. What existed before — the volumes of a
 * stack that ran before — stays. Returns what was removed, and what could not be, by name.
 */
export async function removeCreatedSince(docker: DockerClient, project: string, before: ProjectResources): Promise<{ removed: string[]; failed: string[] }> {
  const now = await projectResources(docker, project);
  const removed: string[] = [];
  const failed: string[] = [];
  const attempt = async (what: string, fn: (d: Docker, abortSignal: AbortSignal) => Promise<unknown>) => {
    try {
      await docker.call(`remove ${what}`, fn, TIMEOUT_MS);
      removed.push(what);
    } catch {
      failed.push(what);
    }
  };
  const had = {
    containers: new Set(before.containers.map((c) => c.id)),
    networks: new Set(before.networks.map((n) => n.id)),
    volumes: new Set(before.volumes),
  };
  for (const c of now.containers.filter((x) => !had.containers.has(x.id)))
    await attempt(`container ${c.name}`, (d, abortSignal) => d.getContainer(c.id).remove({ force: true, v: false, abortSignal }));
  for (const n of now.networks.filter((x) => !had.networks.has(x.id)))
    await attempt(`network ${n.name}`, (d, abortSignal) => d.getNetwork(n.id).remove({ abortSignal }));
  for (const v of now.volumes.filter((x) => !had.volumes.has(x))) await attempt(`volume ${v}`, (d, abortSignal) => d.getVolume(v).remove({ abortSignal }));
  return { removed, failed };
}

/** The images the services name that the engine does not have (404 on inspect). */
export async function missingImages(docker: DockerClient, images: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of [...new Set(images)]) {
    try {
      // dockerode 4 passes no abort signal for an image inspect (a small GET): call() still ends the wait at the bound
      await docker.call('inspect image', (d) => d.getImage(image).inspect(), TIMEOUT_MS);
    } catch (e) {
      if ((e as { kind?: string }).kind === 'not-found') missing.push(image);
      else throw e;
    }
  }
  return missing;
}
