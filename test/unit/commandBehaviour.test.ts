import './support/vscodeShim';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { loadBackendAuth, setBackendCredentials } from '../../src/commands/backendCredentials';
import { exportAuditTrail, HealerCommandDeps } from '../../src/commands/healerCommands';
import { disableHealingFor, enableHealingFor } from '../../src/commands/healerServiceCommands';
import { registerCommands } from '../../src/commands/registry';
import { CLEANUP_SERVICE } from '../../src/core/healPolicy';
import { AuditTrail } from '../../src/healer/auditTrail';
import type { GaveUp } from '../../src/healer/healRequest';
import { registerGaveUpNotifications } from '../../src/notifications/gaveUpNotification';
import { Emitter } from '../../src/platform/event';
import { Settings } from '../../src/platform/settings';
import { fakeConfiguration } from '../support/fakeConfiguration';
import { FakeClock } from '../support/fakeClock';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { settle } from '../support/manualClock';
import { memoryLogger } from '../support/memoryLogger';
import { waitUntil } from '../support/waitFor';
import { scriptUi } from './support/scriptedUi';
import { CancellationError, commands, Uri, workspace } from './support/vscodeShim';

const trigger = { kind: 'event', event: 'die', containerId: 'c1', containerName: 'app-web-1', time: 0, exitCode: 137 } as const;

/** The healer commands' dependencies around a scripted healer: three services, one opted out by setting, one by label. */
function healerDeps(clock = new FakeClock(), optOut: string[] = ['web']) {
  const conf = fakeConfiguration({ 'realm.healer.optOut': optOut });
  const settings = new Settings(conf.host);
  const gaveUp = new Emitter<GaveUp>();
  const resets: Array<string | undefined> = [];
  const state = (service: string, optedOut?: 'setting' | 'label') => ({
    key: `app/${service}`,
    ref: { project: 'app', service },
    budget: { used: 3, max: 3 },
    gaveUp: service === 'web',
    optedOut,
  });
  const healer = {
    onDidGiveUp: gaveUp.event,
    serviceStates: () => [state('web', 'setting'), state('worker'), state('db', 'label')],
    resetBudget: async (key?: string) => {
      resets.push(key);
    },
    isDown: async () => false,
  };
  let logsShown = 0;
  const deps = {
    healer,
    audit: new AuditTrail(new InMemoryMemento(), clock),
    settings: () => settings.healer(),
    clock,
    logger: memoryLogger(),
    updateOptOut: (u: (current: string[]) => string[]) => settings.updateHealerOptOut(u),
    showLogs: () => {
      logsShown++;
    },
  } as unknown as HealerCommandDeps;
  return { deps, settings, conf, gaveUp, resets, logsShown: () => logsShown };
}

describe('commands without a test before (plain Node, scripted VS Code UI)', () => {
  let ui: ReturnType<typeof scriptUi> | undefined;
  afterEach(() => ui?.restore());

  it('the error boundary: the whole error to the log, a short link-free message with Show Logs; cancellation is no error', async () => {
    ui = scriptUi({ showErrorMessage: ['Show Logs'] });
    const logger = memoryLogger();
    let shown = 0;
    const subs = registerCommands(
      {
        'realm.t.ok': (n: number) => n * 2,
        'realm.t.fail': async () => {
          throw new Error('engine said no [see](command:realm.evil)\n    at a deep frame');
        },
        'realm.t.cancel': () => {
          throw new CancellationError();
        },
      },
      logger,
      () => shown++,
    );
    const run = (id: string, ...args: unknown[]) => (commands.executeCommand as (id: string, ...a: unknown[]) => Promise<unknown>)(id, ...args);
    assert.equal(await run('realm.t.ok', 21), 42, "a handler's result reaches executeCommand callers");
    assert.equal(await run('realm.t.fail'), undefined, 'the error does not escape to VS Code');
    await settle();
    assert.deepEqual(ui.of('showErrorMessage'), [['Realm: engine said no [see] (command:realm.evil)', 'Show Logs']], 'first line only, no link');
    assert.equal(shown, 1, 'Show Logs opens the log');
    assert.ok(
      logger.lines.some((l) => l.startsWith('[error] realm.t.fail failed: Error: engine said no') && l.includes('at a deep frame')),
      logger.lines.join('\n'),
    );
    const lines = logger.lines.length;
    assert.equal(await run('realm.t.cancel'), undefined);
    await settle();
    assert.equal(ui.of('showErrorMessage').length, 1, 'a cancelled command shows nothing');
    assert.equal(logger.lines.length, lines, 'and logs nothing');
    for (const s of subs) s.dispose();
    assert.equal(ui.registered.size, 0);
  });

  it('Export Audit Trail writes every decision with its wording to the file picked; Escape writes nothing', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 10, 42));
    const { deps } = healerDeps(clock);
    await deps.audit.record({ trigger, service: 'app/web', action: 'restart', outcome: 'done', detail: 'restarted app-web-1', durationMs: 210 });
    await deps.audit.record({
      trigger,
      service: 'app/web',
      action: 'restart',
      outcome: 'skipped',
      reason: 'rate-limited',
      detail: 'budget spent',
      durationMs: 0,
    });
    ui = scriptUi({ showSaveDialog: [Uri.file('/work/app/audit.json')] });
    workspace.workspaceFolders = [{ uri: Uri.file('/work/app') }];
    const uri = await exportAuditTrail(deps);
    assert.equal(uri?.fsPath, '/work/app/audit.json');
    const [[dialog]] = ui.of('showSaveDialog') as [[{ defaultUri: { fsPath: string }; filters: unknown }]];
    assert.equal(dialog.defaultUri.fsPath, '/work/app/realm-healer-audit-2026-01-01T10-42-00-000Z.json');
    assert.deepEqual(dialog.filters, { JSON: ['json'] });
    const exported = JSON.parse(Buffer.from(ui.written.get('/work/app/audit.json')!).toString('utf8')) as {
      exportedAt: string;
      entries: Array<{ outcome: string; text: string }>;
    };
    assert.equal(exported.exportedAt, '2026-01-01T10:42:00.000Z');
    assert.deepEqual(
      exported.entries.map((e) => e.outcome),
      ['done', 'skipped'],
    );
    assert.ok(
      exported.entries.every((e) => e.text.startsWith('web: restart')),
      'each entry carries its one-line wording',
    );
    assert.deepEqual(ui.of('showInformationMessage'), [['Realm: exported 2 healer decisions to /work/app/audit.json.']]);
    ui.restore();
    ui = scriptUi({});
    assert.equal(await exportAuditTrail(deps), undefined, 'Escape in the dialog');
    assert.equal(ui.written.size, 0);
  });

  it('Disable / Enable Healing write realm.healer.optOut through the settings module, both spellings understood', async () => {
    const { deps, settings, conf } = healerDeps();
    ui = scriptUi({ showQuickPick: ['worker'] });
    const disabled = await disableHealingFor(deps);
    const [[items]] = ui.of('showQuickPick') as [[Array<{ label: string }>]];
    assert.deepEqual(
      items.map((i) => i.label),
      ['worker'],
      'only services not opted out already are offered',
    );
    assert.match(disabled ?? '', /healing disabled for app\/worker \(realm\.healer\.optOut\)/);
    assert.deepEqual(settings.healer().optOut, ['web', 'app/worker'], "project/service, so the stack's same-named service keeps healing");
    assert.match((await enableHealingFor(deps, 'app/web')) ?? '', /healing enabled for app\/web/);
    assert.deepEqual(settings.healer().optOut, ['app/worker'], 'the plain name spelling is removed too');
    assert.match((await enableHealingFor(deps, 'app/db')) ?? '', /carries the compose label realm\.heal: "false"; remove it from the compose file/);
    assert.equal(conf.writes.length, 2, 'a label opt-out writes no setting');
    await assert.rejects(disableHealingFor(deps, `app/${CLEANUP_SERVICE}`), /Cleanup is not a service/);
  });

  it('the gave-up notification: once per give-up, with the next slot; Show Logs, Reset Budget and Disable Healing do what they say', async () => {
    const clock = new FakeClock();
    const h = healerDeps(clock, []);
    ui = scriptUi({ showWarningMessage: ['Reset Budget', `Disable Healing for web`, 'Show Logs'] });
    const sub = registerGaveUpNotifications(h.deps);
    const give = () => h.gaveUp.fire({ key: 'app/web', ref: { project: 'app', service: 'web' }, nextSlotAt: clock.now() + 42 * 60_000, trigger });
    give();
    await waitUntil('the budget reset', () => h.resets.length === 1);
    assert.deepEqual(ui.of('showWarningMessage')[0], [
      'Realm: the healer gave up on web: 3 actions in the last hour did not keep it up. Next slot in 42 min.',
      'Show Logs',
      'Reset Budget',
      'Disable Healing for web',
    ]);
    assert.deepEqual(h.resets, ['app/web']);
    give();
    await waitUntil('healing disabled for web', () => h.settings.healer().optOut.includes('app/web'));
    give();
    await waitUntil('the log shown', () => h.logsShown() === 1);
    assert.equal(ui.of('showWarningMessage').length, 3, 'one notification per give-up');
    h.gaveUp.fire({ key: `app/${CLEANUP_SERVICE}`, ref: { project: 'app', service: CLEANUP_SERVICE }, trigger });
    await waitUntil('the clean-up notification', () => ui!.of('showWarningMessage').length === 4);
    assert.deepEqual(ui.of('showWarningMessage')[3].slice(1), ['Show Logs', 'Reset Budget'], 'clean-up is no service to disable');
    sub.dispose();
    give();
    await settle();
    assert.equal(ui.of('showWarningMessage').length, 4, 'disposed: no more notifications');
  });

  it("Set Backend Credentials stores them in SecretStorage bound to the backend's origin; Load reads back only well-formed, bound ones", async () => {
    const stored = new Map<string, string>();
    const secrets = {
      get: async (k: string) => stored.get(k),
      store: async (k: string, v: string) => {
        stored.set(k, v);
      },
      delete: async (k: string) => {
        stored.delete(k);
      },
    } as unknown as vscode.SecretStorage;
    const urls: Record<string, string> = { prometheus: 'not a url', alertmanager: 'https://am.corp.example:9093/am/', loki: 'http://127.0.0.1:3100' };
    ui = scriptUi({ showQuickPick: ['alertmanager', 'Bearer token', 'loki', 'Username and password', 'loki'], showInputBox: ['  t0ken  ', ' me ', 'p@ss'] });
    assert.equal(await setBackendCredentials(secrets, (b) => urls[b]), true);
    assert.deepEqual(JSON.parse(stored.get('realm.auth.alertmanager')!), { kind: 'bearer', token: 't0ken', origin: 'https://am.corp.example:9093' });
    assert.equal((ui.of('showInputBox')[0][0] as { password?: boolean }).password, true, 'the token is typed into a password box');
    assert.equal(await setBackendCredentials(secrets, (b) => urls[b]), true);
    assert.deepEqual(JSON.parse(stored.get('realm.auth.loki')!), { kind: 'basic', username: 'me', password: 'p@ss', origin: 'http://127.0.0.1:3100' });
    assert.equal(await setBackendCredentials(secrets, (b) => urls[b]), false, 'Escape at the second question stores nothing');
    assert.deepEqual(await loadBackendAuth(secrets), {
      alertmanager: { kind: 'bearer', token: 't0ken', origin: 'https://am.corp.example:9093' },
      loki: { kind: 'basic', username: 'me', password: 'p@ss', origin: 'http://127.0.0.1:3100' },
    });
    ui.restore();
    ui = scriptUi({ showQuickPick: ['loki', 'None (remove stored credentials)', 'prometheus', 'Bearer token'] });
    assert.equal(await setBackendCredentials(secrets, (b) => urls[b]), true);
    assert.equal(stored.has('realm.auth.loki'), false, 'None removes them');
    await assert.rejects(
      setBackendCredentials(secrets, (b) => urls[b]),
      /realm\.prometheusUrl is not a valid URL; fix it before storing credentials for it/,
    );
    stored.set('realm.auth.prometheus', '{not json');
    stored.set('realm.auth.loki', JSON.stringify({ kind: 'bearer', token: 'unbound' }));
    assert.deepEqual(Object.keys(await loadBackendAuth(secrets)), ['alertmanager'], 'a corrupt entry and one without an origin are ignored');
  });
});
