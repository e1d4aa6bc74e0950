/**
 * Issue 13, "Services and compose", in the real extension host on the harness engine: Start on a
 * defined-but-not-created service creates and starts it (one service, not the project); Stop says
 * so and the service reads "stopped", not a crash; exited cleanly, crashed and gave up each look
 * their own; "up 5s" ticks with no engine event and a service agrees with its container; Show
 * Container Logs opens a read-only realm-logs: document scrolled to the newest line. Takes README's
 * screenshot of the Services tree in these states.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RealmApi } from '../../src/extension';
import { realmApi, waitFor } from './helpers';
import {
  appProjectName,
  composeDown,
  describeTree,
  NotificationSpy,
  revealWithRetry,
  screenshotWhenVisible,
  serviceNode,
  serviceNodes,
  SettingsScope,
  showRealmViews,
  workspaceFolder,
  type ServiceNodeShape,
} from './hostSupport';

const PROJECT = 'realmstates';
const FILE = 'services-states.yml';
const COMPOSE = `name: ${PROJECT}
services:
  web:
    image: realm-test/busybox:web
    init: true
    healthcheck: {test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1"], interval: 1s, timeout: 2s, retries: 3}
  worker:
    image: realm-test/busybox:base
    init: true
    command: ["sh", "-c", "while true; do echo level=info msg=tick; sleep 1; done"]
  migrate:
    image: realm-test/busybox:base
    command: ["sh", "-c", "echo migrated 12 tables; exit 0"]
  payments:
    image: realm-test/busybox:base
    labels: {realm.heal: "false"}
    command: ["sh", "-c", "echo 'starting payments'; echo 'level=error msg=\\"connection refused\\" upstream=bank:443'; exit 3"]
  mailer:
    image: realm-test/busybox:base
    command: ["sh", "-c", "echo sending; sleep 3; exit 1"]
  reports:
    image: realm-test/busybox:base
`;

const icon = (n: vscode.TreeItem | undefined) => (n?.iconPath as vscode.ThemeIcon | undefined)?.id;
const node = (api: RealmApi, service: string) => serviceNode(api, PROJECT, service);

async function start(api: RealmApi, service: string): Promise<boolean | undefined> {
  const n = await waitFor(() => node(api, service), `${service} in the tree`, 30_000);
  return vscode.commands.executeCommand<boolean>('realm.startService', n);
}

describe('Services: Start, Stop, the looks of each state, ticking times and read-only logs (real extension host)', function () {
  this.timeout(300_000);
  const settings = new SettingsScope();
  let original = '';
  let spy: NotificationSpy;

  before(async () => {
    const api = await realmApi();
    original = appProjectName(api);
    fs.writeFileSync(path.join(workspaceFolder(), FILE), COMPOSE);
    await composeDown(PROJECT);
    spy = new NotificationSpy();
    // the crash loop gives up after one restart, quickly
    await settings.set('realm.healer.maxActionsPerHour', 1);
    await settings.set('realm.healer.dryRun', false);
    await vscode.commands.executeCommand('realm.healer.resetBudget', `${PROJECT}/mailer`);
    await showRealmViews(api);
    await settings.set('realm.composeFiles', [FILE]);
    await waitFor(
      () => api.workspaceProjects.current.find((p) => p.role === 'app' && p.name === PROJECT && !p.provisional) && api.workspaceProjects.resolved,
      `the app project to be ${PROJECT}`,
      60_000,
    );
  });

  after(async () => {
    spy?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await composeDown(PROJECT);
    await vscode.commands.executeCommand('realm.healer.resetBudget', `${PROJECT}/mailer`);
    await settings.restore();
    fs.rmSync(path.join(workspaceFolder(), FILE), { force: true });
    const api = await realmApi();
    await waitFor(
      () => api.workspaceProjects.current.find((p) => p.role === 'app' && p.name === original && !p.provisional),
      `the app project to be ${original} again`,
      60_000,
    );
  });

  it('Start on a defined-but-not-created service creates and starts that service only', async () => {
    const api = await realmApi();
    const before = await waitFor(
      () => (serviceNodes(api).filter((n) => n.group.project === PROJECT).length === 6 ? node(api, 'web') : undefined),
      'six declared services',
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    assert.equal(before.description, 'defined, not created');
    assert.match(String(before.contextValue), /;notCreated;.*;start;/);
    const t0 = Date.now();
    assert.equal(await start(api, 'web'), true, spy.since(t0).join(' | '));
    assert.ok(spy.since(t0, 'info').includes(`Realm: created and started ${PROJECT}/web (healthy).`), spy.since(t0).join(' | '));
    const web = await waitFor(() => (node(api, 'web')?.group.status === 'healthy' ? node(api, 'web') : undefined), 'web healthy', 60_000);
    assert.equal(icon(web), 'pass-filled');
    assert.equal(node(api, 'worker')?.group.status, 'not-created', 'Start created web only, not the project');
  });

  it('ticks "up Ns" with no engine event, a service agreeing with its container, and Stop reads "stopped"', async () => {
    const api = await realmApi();
    assert.equal(await start(api, 'worker'), true);
    const worker = await waitFor(() => (node(api, 'worker')?.group.status === 'running' ? node(api, 'worker') : undefined), 'worker running', 60_000);
    let storeChanges = 0;
    const sub = api.serviceStore.onDidChange(() => storeChanges++);
    try {
      const first = String(worker.description);
      assert.match(first, /^running · up \d+s$/);
      const later = await waitFor(
        () => {
          const d = String(node(api, 'worker')?.description);
          return d !== first ? d : undefined;
        },
        'the uptime to tick',
        10_000,
      );
      assert.match(later, /^running · up \d+s$/);
      assert.equal(storeChanges, 0, 'the text changed with time alone, no engine event');
      const service = node(api, 'worker')!;
      const [replica] = api.servicesTree.getChildren(service as never) as vscode.TreeItem[];
      assert.equal(String(replica.description), String(service.description), 'the service and its container read the same uptime');
    } finally {
      sub.dispose();
    }
    const t0 = Date.now();
    assert.equal(await vscode.commands.executeCommand<boolean>('realm.stopService', node(api, 'worker')), true);
    assert.ok(
      spy.since(t0, 'info').includes(`Realm: stopped ${PROJECT}/worker. The healer leaves it alone until it is started again.`),
      spy.since(t0).join(' | '),
    );
    const stopped = await waitFor(
      () =>
        /^stopped · left alone: stopped by the user at (\d{4}-\d\d-\d\d )?\d\d:\d\d$/.test(String(node(api, 'worker')?.description))
          ? node(api, 'worker')
          : undefined,
      'worker to read "stopped"',
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    assert.equal(icon(stopped), 'debug-stop', 'not the crash icon');
    assert.match(String(stopped.tooltip), /Stopped by the user at/);
  });

  it('shows exited cleanly, crashed and gave up each in its own look, and takes the screenshot', async () => {
    const api = await realmApi();
    assert.equal(await start(api, 'migrate'), true);
    assert.equal(await start(api, 'payments'), false, 'payments exits 3 at once: Start says it did not start');
    assert.equal(await start(api, 'mailer'), true);
    const look = async (service: string, re: RegExp, what: string): Promise<ServiceNodeShape> =>
      waitFor(() => (re.test(String(node(api, service)?.description)) ? node(api, service) : undefined), what, 90_000).catch((e: Error) => {
        throw new Error(`${e.message}; ${describeTree(api)}`);
      });
    const migrate = await look('migrate', /^exited cleanly \(exit 0\)$/, 'migrate exited cleanly');
    // the reason the engine gives leads the row: exit code, how long it ran, its last line
    const payments = await look(
      'payments',
      /^crashed: exit 3 after [^;]+; last line: `level=error msg="connection refused" upstream=bank:443` · healing disabled/,
      'payments crashed (healing off by its label)',
    );
    // the healer restarts mailer once (its budget is 1), then gives up
    const mailer = await look('mailer', /^crashed: exit 1 after [^;]+; last line: `sending`( · 1 restart)? · gave up$/, 'the healer to give up on mailer');
    assert.deepEqual(
      [icon(migrate), icon(payments), icon(mailer), icon(node(api, 'worker')), icon(node(api, 'reports'))],
      ['pass', 'error', 'circle-slash', 'debug-stop', 'circle-outline'],
    );
    assert.match(String(mailer.tooltip), /gave up/);
    await revealWithRetry(api.servicesView, node(api, 'web') as unknown);
    // the notifications this suite raised would cover the tree
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.focusSideBar');
    for (let i = 0; i < 6; i++) await vscode.commands.executeCommand('workbench.action.increaseViewSize');
    console.log(`screenshot: ${await screenshotWhenVisible('services-states', 'gave up')}`);
    await vscode.commands.executeCommand('workbench.action.focusSideBar');
    for (let i = 0; i < 6; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewSize');
  });

  it('Show Container Logs opens a read-only realm-logs: document with the newest line in view', async () => {
    const api = await realmApi();
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('realm.showContainerLogs', node(api, 'payments'));
    assert.ok(doc, 'a document');
    assert.equal(doc.uri.scheme, 'realm-logs');
    assert.equal(doc.isUntitled, false, 'not an Untitled buffer: closing it asks nothing');
    assert.equal(doc.isDirty, false);
    const text = doc.getText();
    assert.ok(text.indexOf('starting payments') < text.indexOf('connection refused'), 'oldest first, newest last');
    const editor = await waitFor(
      () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString()),
      'the log editor',
      10_000,
    );
    await waitFor(() => editor.visibleRanges.some((r) => r.end.line >= doc.lineCount - 2), 'the newest line in view', 10_000);
    await vscode.commands.executeCommand('realm.refreshContainerLogs', doc.uri);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor(
      () => !vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'realm-logs'),
      'the log editor to close without a prompt',
      10_000,
    );
  });
});
