import { ComposeLabels } from '../core/containers';
import { withSignal, type DockerClient } from './dockerClient';

/** A prune can take minutes on a big engine: bounded, but generously. */
export const PRUNE_TIMEOUT_MS = 120_000;

/** Removes one compose project's stopped containers and its dangling images (by the project label). */
export async function pruneProject(
  docker: DockerClient,
  project: string,
  timeoutMs = PRUNE_TIMEOUT_MS,
): Promise<{ containers: number; imageLayers: number; bytes: number }> {
  const label = [`${ComposeLabels.project}=${project}`];
  const containers = await docker.call(
    'pruneContainers',
    (d, abortSignal) => d.pruneContainers({ filters: JSON.stringify({ label }), abortSignal }),
    timeoutMs,
  );
  const images = await docker.call(
    'pruneImages',
    (d, abortSignal) => d.pruneImages({ filters: JSON.stringify({ dangling: ['true'], label }), abortSignal }),
    timeoutMs,
  );
  return {
    containers: containers.ContainersDeleted?.length ?? 0,
    imageLayers: images.ImagesDeleted?.length ?? 0,
    bytes: (containers.SpaceReclaimed ?? 0) + (images.SpaceReclaimed ?? 0),
  };
}

/** Prunes the whole build cache (it carries no project label, so the healer does this only when asked to). */
export async function pruneBuildCache(docker: DockerClient, timeoutMs = PRUNE_TIMEOUT_MS): Promise<{ entries: number; bytes: number }> {
  const cache = await docker.call('pruneBuilder', (d, abortSignal) => withSignal(d).pruneBuilder({ abortSignal }), timeoutMs);
  return { entries: cache.CachesDeleted?.length ?? 0, bytes: cache.SpaceReclaimed ?? 0 };
}
