import assert from 'node:assert/strict';
import { BackendClients } from '../../src/clients/backendClients';
import { REMOTE_WARNED_KEY, watchRemoteBackends } from '../../src/notifications/remoteBackendWarning';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { Settings } from '../../src/platform/settings';
import { fakeConfiguration } from '../support/fakeConfiguration';
import { settle } from '../support/manualClock';
import { waitUntil } from '../support/waitFor';

describe('Settings (the one reader and writer of realm.*)', () => {
  it('reads both groups with one reader: typed, clamped or defaulted as documented', () => {
    const { host } = fakeConfiguration({
      'realm.pollIntervalSeconds': 0,
      'realm.prometheusUrl': '  http://127.0.0.1:19090 ',
      'realm.composeFiles': 'not a list',
      'realm.healer.gracePeriodSeconds': '45',
      'realm.healer.backoffSeconds': -1,
      'realm.healer.optOut': ['a', 7, ''],
    });
    const settings = new Settings(host, () => '/work/app');
    const realm = settings.realm();
    assert.equal(realm.pollIntervalSeconds, 1, 'an interval below the range is clamped to it');
    assert.equal(realm.prometheusUrl, 'http://127.0.0.1:19090');
    assert.deepEqual(realm.composeFiles, [], 'a value of the wrong type is ignored, not a crash');
    const healer = settings.healer();
    assert.equal(healer.graceMs, 45_000, 'a number typed as text is that number');
    assert.equal(healer.backoffMs, 10_000, 'a negative margin is a typo: the default');
    assert.deepEqual(healer.optOut, ['a']);
    assert.equal(healer.baseDir, '/work/app');
    assert.equal(healer.trusted, true);
  });

  it('writes realm.healer.optOut through one place, and only when the list changes', async () => {
    const { host, writes } = fakeConfiguration({ 'realm.healer.optOut': ['app/web'] });
    const settings = new Settings(host);
    const heard: boolean[] = [];
    settings.onDidChange((e) => heard.push(e.affectsConfiguration('realm.healer')));
    await settings.updateHealerOptOut((current) => [...current, 'app/worker']);
    assert.deepEqual(writes, [{ section: 'realm.healer', key: 'optOut', value: ['app/web', 'app/worker'] }]);
    assert.deepEqual(settings.healer().optOut, ['app/web', 'app/worker'], 'read back at once');
    assert.deepEqual(heard, [true], 'the write is a change like any other');
    await settings.updateHealerOptOut((current) => current);
    assert.equal(writes.length, 1, 'an unchanged list is not written');
  });

  it('relays only realm.* changes, and a backend URL change reaches the clients before any other listener', () => {
    const { host, set } = fakeConfiguration({ 'realm.prometheusUrl': 'http://127.0.0.1:9090' });
    const settings = new Settings(host);
    const backends = new BackendClients(() => ({ ...settings.realm(), auth: {} }), settings.onDidChange);
    const seen: string[] = [];
    settings.onDidChange(() => seen.push(backends.prometheus.baseUrl));
    set('editor.fontSize', 20);
    assert.deepEqual(seen, [], "another extension's setting is not relayed");
    set('realm.prometheusUrl', 'http://127.0.0.1:29090');
    assert.deepEqual(seen, ['http://127.0.0.1:29090'], 'the listener already sees the rebuilt client');
    settings.dispose();
    set('realm.prometheusUrl', 'http://127.0.0.1:39090');
    assert.equal(seen.length, 1, 'disposed: nothing relayed');
  });

  it('remote-backend warning: a settings change to a remote URL warns once, a change elsewhere does not check', async () => {
    const { host, set } = fakeConfiguration();
    const settings = new Settings(host);
    const state = new InMemoryMemento();
    const warnings: string[] = [];
    const watch = watchRemoteBackends({
      settings: () => settings.realm(),
      state,
      warn: (m) => warnings.push(m),
      onDidChangeConfiguration: settings.onDidChange,
    });
    await settle();
    assert.deepEqual(warnings, [], 'the defaults are all on this machine');
    set('realm.lokiUrl', 'https://logs.corp.example');
    await waitUntil('the remote Loki is warned about', () => warnings.length === 1);
    assert.match(warnings[0], /Loki \(https:\/\/logs\.corp\.example\), which is not on this machine/);
    set('realm.lokiUrl', 'https://logs.corp.example/');
    set('realm.healer.enabled', false);
    set('realm.lokiUrl', 'https://logs.corp.example');
    await waitUntil('the second spelling is remembered too', () => (state.get<string[]>(REMOTE_WARNED_KEY) ?? []).length === 2);
    assert.equal(warnings.length, 2, 'a new URL warns once; the one already warned about does not again');
    watch.dispose();
    set('realm.prometheusUrl', 'https://prom.corp.example');
    await settle();
    assert.equal(warnings.length, 2, 'disposed: no more checks');
  });
});
