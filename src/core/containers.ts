/** Domain types for the compose projects' containers, as the store and views see them. */

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type HealthStatus = 'healthy' | 'unhealthy' | 'starting' | 'none';

/** Compose labels every engine-created compose container carries (v1 and v2 alike). */
export const ComposeLabels = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  oneoff: 'com.docker.compose.oneoff',
  /** Our own opt-out label: `realm.heal: "false"` keeps the healer away from a service. */
  healOptOut: 'realm.heal',
} as const;

export interface ContainerInfo {
  id: string;
  /** Container name without the leading slash. */
  name: string;
  project: string;
  service: string;
  /** Replica number from compose (1-based). */
  number: number;
  image: string;
  state: ContainerState;
  health: HealthStatus;
  exitCode?: number;
  /** True when the kernel's OOM killer ended the container's last run (inspect's `State.OOMKilled`). */
  oomKilled?: boolean;
  /** The container's memory limit in bytes (`HostConfig.Memory`; absent when unlimited). */
  memoryLimitBytes?: number;
  /** The output of the health check's last run (`State.Health.Log`), when it has one. */
  healthOutput?: string;
  restartCount: number;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms of the last start, when running. */
  startedAt?: number;
  finishedAt?: number;
  /** The engine's restart policy name (`no`, `always`, `unless-stopped`, `on-failure`). */
  restartPolicy: string;
  labels: Record<string, string>;
}

/** The user-facing status of one compose service, derived from its replicas. */
export type ServiceStatus = 'running' | 'healthy' | 'unhealthy' | 'starting' | 'restarting' | 'exited' | 'partial' | 'not-created';

export interface ServiceGroup {
  project: string;
  service: string;
  status: ServiceStatus;
  containers: ContainerInfo[];
}

/** One replica's status as shown in the tree. */
export function containerStatus(c: ContainerInfo): ServiceStatus {
  switch (c.state) {
    case 'running':
      if (c.health === 'healthy') return 'healthy';
      if (c.health === 'unhealthy') return 'unhealthy';
      if (c.health === 'starting') return 'starting';
      return 'running';
    case 'restarting':
      return 'restarting';
    case 'created':
      return 'starting';
    case 'paused':
    case 'removing':
    case 'exited':
    case 'dead':
      return 'exited';
  }
}

const severity: Record<ServiceStatus, number> = {
  'not-created': 7,
  exited: 6,
  unhealthy: 5,
  restarting: 4,
  partial: 3,
  starting: 2,
  running: 1,
  healthy: 0,
};

/** A service's status: the worst of its replicas, or `partial` when some run and some do not. */
export function serviceStatus(containers: readonly ContainerInfo[]): ServiceStatus {
  if (containers.length === 0) return 'not-created';
  const statuses = containers.map(containerStatus);
  const up = statuses.filter((s) => s === 'running' || s === 'healthy').length;
  if (up > 0 && statuses.includes('exited')) return 'partial';
  return statuses.reduce((worst, s) => (severity[s] > severity[worst] ? s : worst), statuses[0]);
}

/**
 * Groups containers by compose project and service, replicas sorted by number. `declared` lists
 * services that the compose file defines, so defined-but-not-created services show too.
 */
export function groupByService(containers: readonly ContainerInfo[], declared: ReadonlyArray<{ project: string; service: string }> = []): ServiceGroup[] {
  const groups = new Map<string, ServiceGroup>();
  const key = (p: string, s: string) => `${p}\u0000${s}`;
  for (const d of declared) groups.set(key(d.project, d.service), { project: d.project, service: d.service, status: 'not-created', containers: [] });
  for (const c of containers) {
    const k = key(c.project, c.service);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { project: c.project, service: c.service, status: 'not-created', containers: [] }));
    g.containers.push(c);
  }
  const result = [...groups.values()];
  for (const g of result) {
    g.containers.sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
    g.status = serviceStatus(g.containers);
  }
  return result.sort((a, b) => a.project.localeCompare(b.project) || a.service.localeCompare(b.service));
}
