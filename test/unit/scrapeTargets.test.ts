import assert from 'node:assert/strict';
import type { PromTarget } from '../../src/clients/prometheusTypes';
import { scrapeHealthByService } from '../../src/core/scrapeTargets';

const target = (labels: Record<string, string>, health: PromTarget['health'], lastError = ''): PromTarget => ({
  labels,
  discoveredLabels: {},
  scrapePool: labels.job ?? '',
  scrapeUrl: '',
  health,
  lastError,
  lastScrape: 0,
});

describe('scrape health by compose service', () => {
  it('names a target by its service label, then compose_service, then job', () => {
    const m = scrapeHealthByService([
      target({ job: 'arcanum', service: 'api' }, 'up'),
      target({ job: 'cadvisor', compose_service: 'cadvisor-svc' }, 'up'),
      target({ job: 'prometheus' }, 'up'),
    ]);
    assert.deepEqual([...m.keys()].sort(), ['api', 'cadvisor-svc', 'prometheus']);
  });

  it('is down when any replica target is down, with the count and the last error', () => {
    const m = scrapeHealthByService([
      target({ job: 'web', instance: 'a' }, 'up'),
      target({ job: 'web', instance: 'b' }, 'down', 'connection refused'),
      target({ job: 'db' }, 'unknown'),
    ]);
    assert.deepEqual(m.get('web'), { health: 'down', up: 1, total: 2, lastError: 'connection refused' });
    assert.equal(m.get('db')?.health, 'unknown');
  });
});
