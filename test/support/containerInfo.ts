import type { ContainerInfo } from '../../src/core/containers';

/**
 * A container record as the engine would describe a running compose replica (`app/web`, replica 1,
 * no health check, no restart policy), with `over` applied: the one fixture the unit suites build theirs from.
 */
export function containerInfo(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: 'c1',
    name: 'app-web-1',
    project: 'app',
    service: 'web',
    number: 1,
    image: 'img',
    state: 'running',
    health: 'none',
    restartCount: 0,
    createdAt: 0,
    restartPolicy: 'no',
    labels: {},
    ...over,
  };
}
