/**
 * Issue 13 in the real extension host: the keybindings Realm contributes clash with none of VS
 * Code's defaults (read from VS Code's own "Default Keyboard Shortcuts (JSON)"); a silence in the
 * Alerts view is named by what it silences (harness Alertmanager); the Logs panel shows lines of
 * several services told apart (a Loki fake). The last two take README's screenshots.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionMessage } from '../../src/shared/protocol';
import { FakeLoki } from '../fakes/lokiFake';
import { realmApi, waitFor } from './helpers';
import { harnessUrl, revealWithRetry, screenshotWhenVisible, SettingsScope } from './hostSupport';

/** Every `key` of VS Code's default keybindings (and other extensions'), as the workbench lists them for this platform. */
async function defaultKeys(): Promise<string[]> {
  await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
  const doc = await waitFor(() => vscode.window.activeTextEditor?.document, 'the default keybindings document', 30_000);
  // the document lists extensions' keybindings too: leave out Realm's own
  const keys = [...doc.getText().matchAll(/"key":\s*"([^"]+)",\s*"command":\s*"([^"]+)"/g)].filter((m) => !/^-?realm\./.test(m[2])).map((m) => m[1]);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return keys;
}

describe('UX: keybindings (real extension host)', function () {
  this.timeout(120_000);

  it('contributes keybindings whose chord prefix no VS Code default uses', async () => {
    await realmApi();
    const defaults = await defaultKeys();
    assert.ok(defaults.length > 300, `read VS Code's defaults (${defaults.length})`);
    if (process.env.REALM_UX_DUMP_KEYS) fs.writeFileSync(process.env.REALM_UX_DUMP_KEYS, defaults.join('\n'));
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { keybindings?: { key: string; command: string }[] };
    };
    const ours = manifest.contributes.keybindings ?? [];
    assert.ok(ours.length >= 4);
    const firstParts = new Set(defaults.map((k) => k.split(' ')[0]));
    for (const k of ours) {
      const first = k.key.split(' ')[0];
      assert.ok(!firstParts.has(first), `${k.key} (${k.command}): VS Code already binds ${first}`);
      assert.ok(!defaults.includes(k.key), `${k.key} is a VS Code default`);
    }
  });
});

describe('UX: a silence and the Logs panel with real data (real extension host)', function () {
  this.timeout(180_000);
  const settings = new SettingsScope();
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settings.restore();
  });

  it('names a silence by the alert it silences and says until when', async () => {
    const api = await realmApi();
    const am = harnessUrl('REALM_IT_ALERTMANAGER_URL');
    await settings.set('realm.prometheusUrl', harnessUrl('REALM_IT_PROMETHEUS_URL'));
    await settings.set('realm.alertmanagerUrl', am);
    // matches no alert of the shared harness: other suites' alerts stay unsilenced
    const now = Date.now();
    const res = await fetch(`${am}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(5000),
      body: JSON.stringify({
        matchers: [
          { name: 'alertname', value: 'MaintenanceWindow', isRegex: false, isEqual: true },
          { name: 'service', value: 'web', isRegex: false, isEqual: true },
        ],
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 2 * 3_600_000).toISOString(),
        createdBy: 'realm-host-test',
        comment: 'deploying the new web image',
      }),
    });
    const { silenceID } = (await res.json()) as { silenceID: string };
    try {
      await vscode.commands.executeCommand('realm.alerts.focus');
      await vscode.commands.executeCommand('realm.alerts.refresh');
      const node = await waitFor(
        () => {
          const silences = (api.alertsTree.getChildren() as vscode.TreeItem[]).find((r) => r.label === 'Silences');
          return (
            silences &&
            (api.alertsTree.getChildren(silences as never) as (vscode.TreeItem & { silence?: { id: string } })[]).find((n) => n.silence?.id === silenceID)
          );
        },
        'the silence in the Alerts view',
        60_000,
      );
      assert.equal(node.label, 'MaintenanceWindow');
      assert.match(String(node.description), /^until (\d{4}-\d\d-\d\d )?\d\d:\d\d · service=web · matches no current alert · by realm-host-test$/);
      await revealWithRetry(api.alertsView, node as never, { select: true, focus: true, expand: true });
      // room for the row's description: widen the side bar (the part with focus)
      await vscode.commands.executeCommand('workbench.action.focusSideBar');
      for (let i = 0; i < 6; i++) await vscode.commands.executeCommand('workbench.action.increaseViewSize');
      const shot = await screenshotWhenVisible('alerts-silence', 'MaintenanceWindow').catch(async (first: unknown) => {
        // seen once in a full host run, never alone: the revealed row was not drawn within 30 s. Say
        // so (the runner kept a screenshot of the workbench then), show the view again and retry once.
        console.log(`alerts-silence: ${String(first)}; revealing the silence again`);
        await vscode.commands.executeCommand('realm.alerts.focus');
        await revealWithRetry(api.alertsView, node as never, { select: true, focus: true, expand: true });
        return screenshotWhenVisible('alerts-silence', 'MaintenanceWindow');
      });
      console.log(`screenshot: ${shot}`);
      await vscode.commands.executeCommand('workbench.action.focusSideBar');
      for (let i = 0; i < 6; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewSize');
    } finally {
      await fetch(`${am}/api/v2/silence/${silenceID}`, { method: 'DELETE', signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    }
  });

  it('shows lines from several services, each with its service, in the Logs panel', async () => {
    const api = await realmApi();
    const loki = new FakeLoki();
    await loki.start();
    const posted: ExtensionMessage[] = [];
    const sub = api.logsPanels.onDidPost((m) => posted.push(m));
    try {
      const now = Date.now();
      const lines: Record<string, string[]> = {
        web: ['GET /api/orders 200 12ms', 'GET /api/orders/42 200 8ms', 'POST /api/checkout 502 1204ms upstream payments timed out', 'GET /healthz 200 1ms'],
        worker: [
          'level=info msg="picked job" queue=emails id=9f1',
          'level=warn msg="retrying job" attempt=2 id=9f1',
          'level=info msg="job done" id=9f1 took=340ms',
        ],
        payments: [
          'level=error msg="connection refused" upstream=bank.example:443',
          'level=info msg="circuit half-open"',
          'level=info msg="charge ok" amount=19.90',
        ],
      };
      for (const [service, texts] of Object.entries(lines)) {
        loki.ingest(
          { compose_project: 'shop', compose_service: service, container: `shop-${service}-1`, service_name: service },
          texts.map((t, i) => [String(BigInt(now - (texts.length - i) * 7_000 - service.length * 900) * 1_000_000n), t]),
        );
      }
      await settings.set('realm.lokiUrl', loki.url);
      await vscode.commands.executeCommand('realm.searchLogs', '{compose_project="shop"}');
      const result = await waitFor(
        () => posted.find((m): m is Extract<ExtensionMessage, { type: 'logsResult' }> => m.type === 'logsResult'),
        "the Logs panel's result",
        30_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; posted: ${JSON.stringify(posted.map((m) => m.type))}`);
      });
      assert.deepEqual(result.streams.map((s) => s.labels.compose_service).sort(), ['payments', 'web', 'worker']);
      assert.equal(
        result.streams.reduce((n, s) => n + s.entries.length, 0),
        10,
      );
      console.log(`screenshot: ${await screenshotWhenVisible('logs-panel', 'shop-payments-1')}`);
    } finally {
      sub.dispose();
      await loki.stop();
    }
  });
});
