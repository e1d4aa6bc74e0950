import assert from 'node:assert/strict';
import { logsArgument, metricsQuery } from '../../src/commands/commandArguments';

describe('command arguments from tree nodes', () => {
  it('Open Metrics on a service charts its scrape health, with the name quoted safely', () => {
    assert.equal(metricsQuery({ group: { service: 'web' } }), 'up{job="web"} or up{service="web"}');
    assert.equal(metricsQuery({ group: { service: 'a"b\\c' } }), 'up{job="a\\"b\\\\c"} or up{service="a\\"b\\\\c"}');
    assert.equal(metricsQuery('rate(x[5m])'), 'rate(x[5m])');
    assert.equal(metricsQuery(undefined), undefined);
  });

  it('Show Logs takes a service node, a container node, {service} or LogQL', () => {
    assert.deepEqual(logsArgument({ group: { service: 'web' } }), { service: 'web' });
    assert.deepEqual(logsArgument({ container: { service: 'worker' } }), { service: 'worker' });
    assert.deepEqual(logsArgument({ service: 'api' }), { service: 'api' });
    assert.equal(logsArgument('{job="x"}'), '{job="x"}');
    assert.equal(logsArgument({ unrelated: 1 }), undefined);
  });
});
