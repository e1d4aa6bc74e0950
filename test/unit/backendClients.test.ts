import assert from 'node:assert/strict';
import { authFor, BackendClients, BackendConfig } from '../../src/clients/backendClients';
import { Emitter } from '../../src/platform/event';
import type { SettingsChange } from '../../src/platform/settings';

const changed = (...sections: string[]): SettingsChange => ({ affectsConfiguration: (s) => sections.some((x) => x === s || x.startsWith(`${s}.`)) });

describe('BackendClients', () => {
  it('follows a backend setting once it changes, and keeps the same clients while nothing changed', () => {
    const config: BackendConfig = {
      prometheusUrl: 'http://127.0.0.1:9090',
      alertmanagerUrl: 'http://127.0.0.1:9093',
      lokiUrl: 'http://127.0.0.1:3100',
      auth: {},
    };
    const changes = new Emitter<SettingsChange>();
    let reads = 0;
    const clients = new BackendClients(() => {
      reads++;
      return { ...config };
    }, changes.event);
    const first = clients.prometheus;
    assert.equal(first.baseUrl, 'http://127.0.0.1:9090');
    assert.equal(clients.prometheus, first, 'no rebuild without a change');
    const readsBefore = reads;
    for (let i = 0; i < 5; i++) void clients.alertmanager.baseUrl;
    assert.equal(reads, readsBefore, 'a poll reads no settings (nor serializes the credentials)');
    // VS Code updates the values and fires its event in one step: the very next request goes to the new URL
    config.prometheusUrl = 'http://127.0.0.1:19090';
    changes.fire(changed('realm.prometheusUrl'));
    assert.equal(clients.prometheus.baseUrl, 'http://127.0.0.1:19090');
    const rebuilt = clients.prometheus;
    changes.fire(changed('realm.healer.enabled'));
    assert.equal(clients.prometheus, rebuilt, 'a setting no backend reads rebuilds nothing');
    // credentials re-read from SecretStorage arrive as a new object: refresh() swaps the clients
    config.auth = { alertmanager: { kind: 'bearer', token: 't' } };
    assert.equal(clients.refresh(), true);
    assert.notEqual(clients.alertmanager, undefined);
    assert.equal(clients.refresh(), false, 'already rebuilt by the refresh above');
    clients.dispose();
    config.lokiUrl = 'http://127.0.0.1:13100';
    changes.fire(changed('realm.lokiUrl'));
    assert.equal(changes.listenerCount, 0, 'disposed: no longer listening');
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
