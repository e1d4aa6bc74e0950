/**
 * Issue 13, "Services and compose", through the real commands and the real compose runner (a fake
 * `docker compose` program records its argv): App Up's progress reads "Realm: App Up — <project>";
 * Start on a defined-but-not-created service runs `compose … up -d SERVICE` for App Up's project;
 * Start on stopped containers says "started", Stop says "stopped"; an error offers "Show Problems"
 * only when diagnostics were set on a real file.
 */
import { commands, window } from './support/vscodeShim';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeCliRunner, ComposeError } from '../../src/clients/composeCli';
import type { ContainerInfo } from '../../src/core/containers';
import type { StackCommandDeps } from '../../src/commands/stackCommandSupport';
import { restartService, setServiceRunning, stackDown, stackUp } from '../../src/commands/stackCommands';
import { container, NOW } from './support/treeNodes';
import { readArgvLog } from '../support/argvLog';

const FAKE_CLI = `
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.REALM_FAKE_COMPOSE_LOG, JSON.stringify(args) + '\\n');
if (args.includes('config')) process.stdout.write(JSON.stringify({ name: 'shop', services: { web: { image: 'busybox' }, worker: { image: 'busybox' } } }));
else if (args.includes('down') && process.env.REALM_FAKE_DOWN_ERROR) { process.stderr.write(process.env.REALM_FAKE_DOWN_ERROR + '\\n'); process.exit(1); }
`;

describe('Compose commands (issue 13)', function () {
  this.timeout(20_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-compose-cmd-'));
  const log = path.join(dir, 'argv.log');
  const script = path.join(dir, 'fake-compose.js');
  fs.writeFileSync(script, FAKE_CLI);
  fs.writeFileSync(path.join(dir, 'compose.yaml'), 'name: shop\nservices:\n  web:\n    image: busybox\n  worker:\n    image: busybox\n');
  const runner = new ComposeCliRunner({ program: process.execPath, baseArgs: [script], flavour: 'v2', version: '2.26.1' });
  let shown: { kind: string; message: string; items: string[] }[] = [];
  let titles: string[] = [];
  let executed: string[] = [];
  let answer: string | undefined;
  let engine: ContainerInfo[] = [];
  const engineCalls: string[] = [];
  const diagnostics = new Map<string, unknown[]>();
  let outputShown = 0;

  const deps: StackCommandDeps = {
    docker: {
      engine: 'unix:///fake.sock',
      ping: async () => undefined,
      listComposeContainers: async () => engine,
      startContainer: async (id: string) => {
        engineCalls.push(`start ${id}`);
      },
      stopContainer: async (id: string) => {
        engineCalls.push(`stop ${id}`);
      },
      raw: {},
    } as never,
    composeRunner: async () => runner,
    output: {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      show: () => {
        outputShown++;
      },
    } as never,
    diagnostics: {
      set: (uri: { fsPath: string }, d: unknown[]) => diagnostics.set(uri.fsPath, d),
      get: (uri: { fsPath: string }) => diagnostics.get(uri.fsPath),
      delete: (uri: { fsPath: string }) => diagnostics.delete(uri.fsPath),
    } as never,
    secrets: {} as never,
    extensionPath: dir,
    storagePath: dir,
    settings: () => ({ composeFiles: [], composeProjectName: '', arcanumTarget: '', prometheusUrl: '', alertmanagerUrl: '', lokiUrl: '', grafanaUrl: '' }),
    workspaceFolder: () => dir,
    isTrusted: () => true,
  };
  const argvs = () => readArgvLog(log);

  before(() => {
    process.env.REALM_FAKE_COMPOSE_LOG = log;
    const record =
      (kind: string) =>
      async (message: string, ...items: string[]) => {
        shown.push({ kind, message, items });
        return answer;
      };
    Object.assign(window, {
      showInformationMessage: record('info'),
      showWarningMessage: record('warning'),
      showErrorMessage: record('error'),
      withProgress: async (o: { title: string }, task: (p: unknown, t: unknown) => Promise<unknown>) => {
        titles.push(o.title);
        return task({ report: () => undefined }, { onCancellationRequested: () => ({ dispose: () => undefined }) });
      },
    });
    Object.assign(commands, {
      executeCommand: async (id: string) => {
        executed.push(id);
      },
    });
  });
  after(() => {
    for (const k of ['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'withProgress']) delete window[k];
    delete commands.executeCommand;
    delete process.env.REALM_FAKE_COMPOSE_LOG;
    delete process.env.REALM_FAKE_DOWN_ERROR;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    shown = [];
    titles = [];
    executed = [];
    answer = undefined;
    engineCalls.length = 0;
    outputShown = 0;
    diagnostics.clear();
    fs.rmSync(log, { force: true });
  });

  it('titles App Up\'s progress "Realm: App Up — <project>"', async () => {
    engine = [container({ project: 'shop', service: 'web' }), container({ project: 'shop', service: 'worker' })];
    const outcome = await stackUp(deps, 'app');
    assert.ok(outcome?.ok, JSON.stringify(outcome));
    assert.ok(titles.includes('Realm: App Up — shop'), titles.join(' | '));
    assert.ok(!titles.some((t) => /Stack Up|app project/.test(t)), titles.join(' | '));
    assert.ok(
      argvs().some((a) => a.join(' ') === '--ansi never -p shop up -d --remove-orphans'),
      JSON.stringify(argvs()),
    );
    // the read that named the project gave its model too: `up` does not ask compose again
    assert.equal(argvs().filter((a) => a.includes('config')).length, 1, JSON.stringify(argvs()));
  });

  it("Start on a defined-but-not-created service runs `compose -p <App Up's project> up -d SERVICE` and says it was created", async () => {
    engine = [];
    const started = setServiceRunning(deps, true, { group: { project: 'shop', service: 'worker', containers: [] } });
    // compose creates it: the engine lists it from now on
    engine = [container({ project: 'shop', service: 'worker', id: 'w1' })];
    assert.equal(await started, true, JSON.stringify(shown));
    const up = argvs().find((a) => a.includes('up'));
    assert.deepEqual(up, ['--ansi', 'never', '-p', 'shop', 'up', '-d', 'worker'], 'one argv element per word, the service last, no --remove-orphans');
    assert.ok(titles.includes('Realm: Start worker — shop'), titles.join(' | '));
    assert.deepEqual(
      shown.map((s) => s.message),
      ['Realm: created and started shop/worker (started).'],
    );
    assert.deepEqual(engineCalls, [], 'compose created it, not the engine API');
  });

  it('Start on stopped containers starts them and says "started"; Stop says "stopped" and that the healer leaves it alone', async () => {
    const stopped = container({ project: 'shop', id: 'web1', state: 'exited', exitCode: 143, startedAt: undefined });
    assert.equal(await setServiceRunning(deps, true, { group: { project: 'shop', service: 'web', containers: [stopped] } }), true);
    assert.deepEqual(engineCalls, ['start web1']);
    assert.deepEqual(
      shown.map((s) => s.message),
      ['Realm: started shop/web.'],
    );
    assert.ok(!shown.some((s) => /restarted/.test(s.message)));
    shown = [];
    engineCalls.length = 0;
    const running = container({ project: 'shop', id: 'web1', startedAt: NOW });
    assert.equal(await setServiceRunning(deps, false, { group: { project: 'shop', service: 'web', containers: [running] } }), true);
    assert.deepEqual(engineCalls, ['stop web1']);
    assert.deepEqual(
      shown.map((s) => s.message),
      ['Realm: stopped shop/web. The healer leaves it alone until it is started again.'],
    );
  });

  it('Restart on a service with no container says Start creates it, and runs nothing', async () => {
    engine = [];
    assert.equal(await restartService(deps, { group: { project: 'shop', service: 'worker', containers: [] } }), false);
    assert.deepEqual(
      shown.map((s) => s.message),
      ['Realm: shop/worker has no containers to restart (defined, not created): Start Service creates it.'],
    );
    assert.deepEqual(argvs(), [], 'no compose restart of nothing');
  });

  it('offers "Show Problems" only when compose\'s error was placed on a real file, else the error goes to "Show Logs"', async () => {
    process.env.REALM_FAKE_DOWN_ERROR = 'validating missing.yaml: services.web Additional property foo is not allowed';
    await assert.rejects(stackDown(deps, 'app'), (e: unknown) => e instanceof ComposeError && e.kind === 'malformed-file');
    assert.equal(diagnostics.size, 0, 'no diagnostics on a file that does not exist');
    assert.ok(!shown.some((s) => s.items.includes('Show Problems')), 'so no Show Problems (the command table says it with Show Logs)');

    process.env.REALM_FAKE_DOWN_ERROR = 'validating compose.yaml: services.web Additional property foo is not allowed';
    answer = 'Show Problems';
    assert.equal(await stackDown(deps, 'app'), false);
    assert.deepEqual([...diagnostics.keys()], [path.join(dir, 'compose.yaml')], 'the relative name is read against the project folder');
    const offer = shown.find((s) => s.items.includes('Show Problems'));
    assert.ok(offer, JSON.stringify(shown));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(executed, ['workbench.actions.view.problems']);

    // a later parse cleared the problems before the click: the click opens the log instead of an empty view
    executed = [];
    let click: (() => void) | undefined;
    window.showErrorMessage = (message: string, ...items: string[]) => {
      shown.push({ kind: 'error', message, items });
      return new Promise((r) => {
        click = () => r(items[0]);
      });
    };
    await stackDown(deps, 'app');
    assert.equal(diagnostics.size, 1);
    diagnostics.clear();
    click!();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(executed, [], 'no empty Problems view');
    assert.equal(outputShown, 1, 'the log, where the error is');
  });
});
