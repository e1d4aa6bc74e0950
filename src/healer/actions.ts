import type { DockerClient } from '../clients/dockerClient';
import { pruneBuildCache, pruneProject } from '../clients/dockerPrune';
import type { ContainerInfo } from '../core/containers';
import { formatBytes } from '../core/formatBytes';
import { cleanupRotatedLogs } from './cleanupLogs';

/** What an action did, for the audit trail and the Heal Now report. */
export interface ActionReport {
  detail: string;
  bytesReclaimed?: number;
}

export interface CleanupRequest {
  /** Compose projects whose stopped containers and dangling images are pruned. */
  projects: readonly string[];
  /** `realm.healer.logDirectories`: the only places log files may be deleted. */
  logDirectories: readonly string[];
  logMaxAgeDays: number;
  /** Build cache cannot be filtered by compose project, so pruning it is opt-in. */
  pruneBuildCache: boolean;
  baseDir?: string;
  now: number;
}

/**
 * The healer's hands: every change goes through the Docker API (no shell, no compose CLI), each
 * call bounded by a timeout. Container ids come from the engine, never from alert labels.
 */
export class HealActions {
  constructor(
    private readonly docker: DockerClient,
    private readonly pruneTimeoutMs = 120_000,
  ) {}

  /** Restarts the given replicas in parallel (a stopped one is simply started). */
  async restart(containers: readonly ContainerInfo[], stopTimeoutSeconds: number): Promise<ActionReport & { restarted: string[] }> {
    const results = await Promise.allSettled(containers.map((c) => this.docker.restartContainer(c.id, stopTimeoutSeconds)));
    const failed = results.map((r, i) => (r.status === 'rejected' ? `${containers[i].name}: ${(r.reason as Error).message}` : '')).filter(Boolean);
    if (failed.length) throw new Error(failed.join('; '));
    const restarted = containers.map((c) => c.name);
    return { detail: `restarted ${restarted.join(', ')}`, restarted };
  }

  /** Removes one replica (the newest, chosen by the policy): stop with a timeout, then remove. */
  async scaleDown(replica: ContainerInfo, stopTimeoutSeconds: number): Promise<ActionReport> {
    await this.docker.stopContainer(replica.id, stopTimeoutSeconds);
    await this.docker.removeContainer(replica.id, true);
    return { detail: `removed replica ${replica.name}` };
  }

  /** Prunes the projects' stopped containers and dangling images, optionally build cache, then old rotated logs. */
  async cleanup(request: CleanupRequest): Promise<ActionReport> {
    let bytes = 0;
    const parts: string[] = [];
    for (const project of request.projects) {
      const pruned = await pruneProject(this.docker, project, this.pruneTimeoutMs);
      bytes += pruned.bytes;
      parts.push(`${project}: ${pruned.containers} container(s), ${pruned.imageLayers} image layer(s)`);
    }
    if (request.pruneBuildCache) {
      const cache = await pruneBuildCache(this.docker, this.pruneTimeoutMs);
      bytes += cache.bytes;
      parts.push(`build cache: ${cache.entries} entr(ies)`);
    }
    if (request.logDirectories.length) {
      const logs = await cleanupRotatedLogs({
        directories: request.logDirectories,
        maxAgeDays: request.logMaxAgeDays,
        now: request.now,
        baseDir: request.baseDir,
      });
      bytes += logs.bytes;
      parts.push(`${logs.deleted.length} rotated log file(s)${logs.refused.length ? `, refused ${logs.refused.length} path(s)` : ''}`);
    }
    return { detail: `reclaimed ${formatBytes(bytes)} (${parts.join('; ') || 'nothing to prune'})`, bytesReclaimed: bytes };
  }
}
