import type { EngineEvent } from '../clients/dockerResponses';
import type { ContainerInfo, ServiceGroup } from '../core/containers';

/** What the Services view, the healer and incidents read of the engine: the service store's snapshot. */

export type EngineState = 'unknown' | 'reachable' | 'unreachable';

/** A compose project the store watches; `declaredServices` come from its compose file when known. */
export interface WatchedProject {
  name: string;
  /** `app` is the workspace's project (the healer watches it); `stack` is the observability stack. */
  role: 'app' | 'stack';
  declaredServices?: string[];
  /** True while the name and services are remembered or guessed, not yet compose's own answer. */
  provisional?: boolean;
}

export interface ServicesSnapshot {
  engine: EngineState;
  /** Why the engine is unreachable, for the welcome view and the log. */
  engineError?: string;
  projects: WatchedProject[];
  containers: ContainerInfo[];
  groups: ServiceGroup[];
  /** Epoch ms of the refresh that produced this snapshot. */
  updatedAt: number;
  /** The engine event that caused this refresh, when one did (for latency figures). */
  cause?: EngineEvent;
}

/** The services the compose files declare, as refs: shown as "not created" until a container exists. */
export function declared(projects: WatchedProject[]) {
  return projects.flatMap((p) => (p.declaredServices ?? []).map((service) => ({ project: p.name, service })));
}

/** What the tree shows; two snapshots with the same fingerprint need no redraw. */
export function fingerprint(s: ServicesSnapshot): string {
  return s.groups
    .map(
      (g) =>
        `${g.project}/${g.service}:${g.status}[${g.containers.map((c) => `${c.id}:${c.state}:${c.health}:${c.restartCount}:${c.exitCode ?? ''}:${c.startedAt ?? ''}`).join(',')}]`,
    )
    .join('|');
}
