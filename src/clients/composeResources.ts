import { ComposeLabels } from '../core/containers';
import { DockerClient, toDockerError } from './dockerClient';

/** What a compose project owns in the engine, by the labels compose puts on each resource. */
export interface ProjectResources {
  containers: Array<{ id: string; name: string }>;
  networks: Array<{ id: string; name: string }>;
  volumes: string[];
}

const TIMEOUT_MS = 15_000;

async function bounded<T>(operation: string, engine: string, fn: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([fn(), new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${operation} timed out after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS); })]);
  } catch (e) {
    throw toDockerError(e, operation, engine);
  } finally {
    clearTimeout(timer);
  }
}

/** The project's containers (all states), networks and volumes, as the engine lists them now. */
export async function projectResources(docker: DockerClient, project: string): Promise<ProjectResources> {
  const filters = { label: [`${ComposeLabels.project}=${project}`] };
  const raw = docker.raw;
  const [containers, networks, volumes] = await Promise.all([
    bounded('list containers', docker.engine, () => raw.listContainers({ all: true, filters })),
    bounded('list networks', docker.engine, () => raw.listNetworks({ filters })),
    bounded('list volumes', docker.engine, () => raw.listVolumes({ filters })),
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
  const raw = docker.raw;
  const removed: string[] = [];
  const failed: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await bounded(`remove ${what}`, docker.engine, fn);
      removed.push(what);
    } catch {
      failed.push(what);
    }
  };
  const had = { containers: new Set(before.containers.map((c) => c.id)), networks: new Set(before.networks.map((n) => n.id)), volumes: new Set(before.volumes) };
  for (const c of now.containers.filter((x) => !had.containers.has(x.id))) await attempt(`container ${c.name}`, () => raw.getContainer(c.id).remove({ force: true, v: false }));
  for (const n of now.networks.filter((x) => !had.networks.has(x.id))) await attempt(`network ${n.name}`, () => raw.getNetwork(n.id).remove());
  for (const v of now.volumes.filter((x) => !had.volumes.has(x))) await attempt(`volume ${v}`, () => raw.getVolume(v).remove());
  return { removed, failed };
}

/** The images the services name that the engine does not have (404 on inspect). */
export async function missingImages(docker: DockerClient, images: readonly string[]): Promise<string[]> {
  const raw = docker.raw;
  const missing: string[] = [];
  for (const image of [...new Set(images)]) {
    try {
      await bounded('inspect image', docker.engine, () => raw.getImage(image).inspect());
    } catch (e) {
      if ((e as { kind?: string }).kind === 'not-found') missing.push(image);
      else throw e;
    }
  }
  return missing;
}
