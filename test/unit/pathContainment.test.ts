import assert from 'node:assert/strict';
import { isLoopbackHost } from '../../src/core/loopback';
import { isWithin } from '../../src/core/pathContainment';
import { stackEnvironment } from '../../src/core/stackEnvironment';
import { remoteBackends } from '../../src/clients/backendClients';

describe('isWithin (the one path-containment check)', () => {
  it('accepts files inside, including a name that starts with two dots', () => {
    assert.equal(isWithin('/ws', '/ws/compose.yml'), true);
    assert.equal(isWithin('/ws', '/ws/..foo.yml'), true);
    assert.equal(isWithin('/ws', '/ws/sub/..'), false, 'resolves to the folder itself');
  });
  it('refuses the folder itself, its parent and anything outside', () => {
    assert.equal(isWithin('/ws', '/ws'), false);
    assert.equal(isWithin('/ws', '/'), false);
    assert.equal(isWithin('/ws', '/ws/../etc/passwd'), false);
    assert.equal(isWithin('/ws', '/wsx/compose.yml'), false);
  });
});

describe('isLoopbackHost (the one loopback test)', () => {
  it('is local for localhost, [::1] and 127.0.0.0/8, and nothing else', () => {
    for (const h of ['localhost', '[::1]', '127.0.0.1', '127.0.0.2']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['10.0.0.5', '127.example.com', 'localhost.example.com', '0.0.0.0']) assert.equal(isLoopbackHost(h), false, h);
  });
  it('a URL that does not warn as remote also gets its port mapped for the stack', () => {
    const urls = {
      prometheus: 'http://127.0.0.2:19090',
      alertmanager: 'http://127.0.0.1:19093',
      loki: 'http://localhost:13100',
      grafana: 'http://[::1]:13000',
    };
    assert.deepEqual(remoteBackends({ prometheusUrl: urls.prometheus, alertmanagerUrl: urls.alertmanager, lokiUrl: urls.loki }), []);
    const env = stackEnvironment({ grafanaPassword: 'x', targetsDir: '/t', dockerHost: undefined, urls });
    assert.equal(env.REALM_PROMETHEUS_PORT, '19090');
  });
});
