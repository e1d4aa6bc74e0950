import assert from 'node:assert/strict';
import { authFor, BackendClients, BackendConfig } from '../../src/clients/backendClients';

describe('BackendClients', () => {
  it('follows the settings on every use, and keeps the same clients while nothing changed', () => {
    const config: BackendConfig = { prometheusUrl: 'http://127.0.0.1:9090', alertmanagerUrl: 'http://127.0.0.1:9093', lokiUrl: 'http://127.0.0.1:3100', auth: {} };
    const clients = new BackendClients(() => ({ ...config }));
    const first = clients.prometheus;
    assert.equal(first.baseUrl, 'http://127.0.0.1:9090');
    assert.equal(clients.prometheus, first, 'no rebuild without a change');
    // a settings change applies to the very next request, whatever order VS Code's events come in
    config.prometheusUrl = 'http://127.0.0.1:19090';
    assert.equal(clients.prometheus.baseUrl, 'http://127.0.0.1:19090');
    config.auth = { alertmanager: { kind: 'bearer', token: 't' } };
    assert.notEqual(clients.alertmanager, undefined);
    assert.equal(clients.refresh(), false, 'already rebuilt on the read above');
  });

  it('sends stored credentials only to the origin they were stored for', () => {
    const token = { kind: 'bearer' as const, token: 'secret', origin: 'https://am.corp.example' };
    assert.deepEqual(authFor(token, 'https://am.corp.example/alertmanager'), { kind: 'bearer', token: 'secret' });
    assert.equal(authFor(token, 'https://evil.example'), undefined, 'a workspace pointing the backend elsewhere gets no token');
    assert.equal(authFor(token, 'http://am.corp.example'), undefined, 'nor does a downgrade to plain http');
    assert.equal(authFor({ kind: 'bearer', token: 't' }, 'https://am.corp.example'), undefined, 'credentials without an origin are never sent');
    assert.equal(authFor(token, 'not a url'), undefined);
  });
});
