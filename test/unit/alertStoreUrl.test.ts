import assert from 'node:assert/strict';
import { BackendError } from '../../src/clients/http';
import { presentStatusBar } from '../../src/core/alertSummary';
import { memoryLogger } from '../support/memoryLogger';
import { AlertSources, AlertStore, AlertStoreChange } from '../../src/state/alertStore';

/**
 * The extension swaps its Alertmanager client when realm.alertmanagerUrl changes; the sources'
 * `baseUrl` is a getter. The snapshot (and so the status-bar tooltip) must name the URL polled now,
 * not the one the store was built with (found by the host test alertsWired).
 */
describe('AlertStore: the Alertmanager URL follows the settings', () => {
  it('names the current URL in the snapshot and the unreachable tooltip, and announces a URL change', async () => {
    let url = 'http://127.0.0.1:9093';
    const down = () => new BackendError('alertmanager', 'unreachable', url, `alertmanager is unreachable at ${url}: ECONNREFUSED`);
    let reachable = true;
    const sources: AlertSources = {
      alertmanager: {
        get baseUrl() {
          return url;
        },
        alerts: async () => {
          if (!reachable) throw down();
          return [];
        },
        silences: async () => {
          if (!reachable) throw down();
          return [];
        },
      },
    };
    const store = new AlertStore(sources, { logger: memoryLogger(), intervalMs: 60_000, failuresBeforeUnreachable: 2 });
    const changes: AlertStoreChange[] = [];
    store.onDidChange((c) => changes.push(c));
    try {
      await store.refresh();
      assert.equal(store.snapshot.status, 'ok');
      assert.equal(store.snapshot.alertmanagerUrl, 'http://127.0.0.1:9093');

      url = 'http://127.0.0.1:1';
      reachable = false;
      await store.refresh();
      assert.equal(store.snapshot.alertmanagerUrl, url, 'the new URL at once, even before the retries are spent');
      assert.ok(changes.at(-1)?.snapshot.alertmanagerUrl === url, 'a URL change is announced, so the tooltip redraws');
      await store.refresh();
      assert.equal(store.snapshot.status, 'unreachable');
      const p = presentStatusBar(store.snapshot, Date.now());
      assert.match(p.tooltip, /^Realm alerts: Alertmanager at http:\/\/127\.0\.0\.1:1 is unreachable/);
    } finally {
      store.dispose();
    }
  });
});
