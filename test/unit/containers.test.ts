import assert from 'node:assert/strict';
import { formatDuration } from '../../src/core/duration';
import { ContainerInfo, groupByService, serviceStatus } from '../../src/core/containers';
import { containerInfo } from '../support/containerInfo';

function container(over: Partial<ContainerInfo>): ContainerInfo {
  return containerInfo({ id: over.name ?? 'c1', name: 'c1', ...over });
}

describe('compose service grouping', () => {
  it('groups containers by project and service, replicas ordered by number', () => {
    const groups = groupByService([
      container({ name: 'app_web_2', number: 2 }),
      container({ name: 'app_web_1', number: 1 }),
      container({ name: 'app_db_1', service: 'db' }),
      container({ name: 'stack_prom_1', project: 'stack', service: 'prometheus' }),
    ]);
    assert.deepEqual(
      groups.map((g) => `${g.project}/${g.service}`),
      ['app/db', 'app/web', 'stack/prometheus'],
    );
    assert.deepEqual(
      groups[1].containers.map((c) => c.name),
      ['app_web_1', 'app_web_2'],
    );
  });

  it('shows declared services that have no container as not created', () => {
    const groups = groupByService(
      [container({})],
      [
        { project: 'app', service: 'web' },
        { project: 'app', service: 'cache' },
      ],
    );
    assert.deepEqual(
      groups.map((g) => [g.service, g.status]),
      [
        ['cache', 'not-created'],
        ['web', 'running'],
      ],
    );
  });

  it('derives the service status from its replicas: worst wins, mixed up/down is partial', () => {
    assert.equal(serviceStatus([container({ health: 'healthy' })]), 'healthy');
    assert.equal(serviceStatus([container({ health: 'healthy' }), container({ health: 'unhealthy' })]), 'unhealthy');
    assert.equal(serviceStatus([container({}), container({ state: 'exited', exitCode: 137 })]), 'partial');
    assert.equal(serviceStatus([container({ state: 'exited', exitCode: 1 })]), 'exited');
    assert.equal(serviceStatus([container({ state: 'restarting' })]), 'restarting');
    assert.equal(serviceStatus([container({ health: 'starting' })]), 'starting');
    assert.equal(serviceStatus([]), 'not-created');
  });

  it('formats uptimes compactly', () => {
    assert.equal(formatDuration(5_000, 'age'), '5s');
    assert.equal(formatDuration(3 * 60_000, 'age'), '3m');
    assert.equal(formatDuration(125 * 60_000, 'age'), '2h 5m');
    assert.equal(formatDuration(49 * 3_600_000, 'age'), '2d 1h');
    assert.equal(formatDuration(-10, 'age'), '0s');
  });
});
