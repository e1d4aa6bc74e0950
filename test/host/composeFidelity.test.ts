/**
 * Issue 10 in the real extension host: the Services tree of a base+override project that uses
 * `extends`, `include`, a `<<` merge key and `.env` profiles lists exactly what
 * `docker compose config` lists, and follows a saved `.env` without a reload.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { realmApi, waitFor } from './helpers';
import {
  appProjectName,
  describeTree,
  revealWithRetry,
  screenshotWhenVisible,
  serviceNodes,
  SettingsScope,
  showRealmViews,
  workspaceFolder,
} from './hostSupport';

const run = promisify(execFile);

const FILES: Record<string, string> = {
  'compose.yaml': [
    'include: [extra/included.yaml]',
    'x-common: &common',
    '  image: realm-test/busybox:base',
    '  depends_on:',
    '    db: {condition: service_started}',
    'services:',
    '  web:',
    '    <<: *common',
    '  db: {image: realm-test/busybox:base}',
    '  api:',
    '    extends: {file: base.yaml, service: base}',
    '  debug-shell:',
    '    image: realm-test/busybox:base',
    '    profiles: [debug]',
    '  tools:',
    '    image: realm-test/busybox:base',
    '    profiles: [tools]',
    '',
  ].join('\n'),
  // an override that is only valid with its base: no image of its own
  'compose.override.yaml': 'services:\n  web:\n    labels: {realm.heal: "false"}\n  api:\n    environment: {MODE: override}\n',
  'base.yaml': 'services:\n  base:\n    image: realm-test/busybox:base\n',
  'extra/included.yaml': 'services:\n  included-cache:\n    image: realm-test/busybox:base\n',
  '.env': 'COMPOSE_PROJECT_NAME=realmfidelity\nCOMPOSE_PROFILES=debug\n',
};

describe('Compose fidelity: the Services tree lists what docker compose config lists', function () {
  this.timeout(180_000);
  const dir = path.join(workspaceFolder(), 'fidelity');
  const settings = new SettingsScope();
  const files = ['fidelity/compose.yaml', 'fidelity/compose.override.yaml'];

  /** What compose itself says the default services are, run as a user would from the folder. */
  async function composeServices(): Promise<string[]> {
    const { stdout } = await run('docker', ['compose', ...files.flatMap((f) => ['-f', path.join(workspaceFolder(), f)]), 'config', '--services'], {
      cwd: workspaceFolder(),
      env: process.env,
    });
    return stdout
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .sort();
  }

  function treeServices(api: Awaited<ReturnType<typeof realmApi>>, project: string): string[] {
    return serviceNodes(api)
      .filter((n) => n.group.project === project)
      .map((n) => String(n.label))
      .sort();
  }

  let original = '';

  before(async () => {
    original = appProjectName(await realmApi());
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
  });

  after(async () => {
    await settings.restore();
    fs.rmSync(dir, { recursive: true, force: true });
    // the suites after this one work on the workspace's own project: wait until compose named it again
    const api = await realmApi();
    await waitFor(
      () => api.workspaceProjects.current.find((p) => p.role === 'app' && p.name === original && !p.provisional),
      `the app project to be ${original} again`,
      60_000,
    );
  });

  it("shows exactly compose's services (extends, include, <<, the .env profile; not the inactive one), named as compose names it", async () => {
    const api = await realmApi();
    await showRealmViews(api);
    await settings.set('realm.composeFiles', files);
    const expected = await composeServices();
    assert.deepEqual(expected, ['api', 'db', 'debug-shell', 'included-cache', 'web'], "compose's own reading of the fixture");
    await waitFor(
      () => api.workspaceProjects.current.find((p) => p.role === 'app' && p.name === 'realmfidelity' && !p.provisional),
      'the project as compose resolves it',
      60_000,
    );
    await waitFor(() => treeServices(api, 'realmfidelity').join() === expected.join(), `the tree to list ${expected.join(', ')}`, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    const cache = serviceNodes(api).find((n) => n.group.project === 'realmfidelity' && n.label === 'included-cache');
    assert.ok(cache);
    await revealWithRetry(api.servicesView, cache as unknown);
    console.log(`screenshot: ${await screenshotWhenVisible('compose-fidelity', 'included-cache')}`);
  });

  it('follows each save of a compose file (measured: editor save → tree changed over 20 saves; a write from outside over 5)', async () => {
    const api = await realmApi();
    const base = FILES['compose.yaml'];
    const file = path.join(dir, 'compose.yaml');
    const doc = await vscode.workspace.openTextDocument(file);
    /** Times one change until the tree lists `name`: `write` makes it (an editor save, or a write from another program). */
    const measure = async (name: string, write: (text: string) => Promise<unknown>) => {
      const changed = new Promise<number>((resolve) => {
        const sub = api.servicesTree.onDidChangeTreeData(() => {
          if (!treeServices(api, 'realmfidelity').includes(name)) return;
          sub.dispose();
          resolve(performance.now());
        });
      });
      const t0 = performance.now();
      await write(`${base}  ${name}:\n    image: realm-test/busybox:base\n`);
      const t1 = await waitFor(
        () => Promise.race([changed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))]),
        `the tree to list ${name}`,
        30_000,
      );
      return t1 - t0;
    };
    const editorSave = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await doc.save(), 'the editor saved the file');
    };
    const saves: number[] = [];
    for (let i = 1; i <= 20; i++) saves.push(await measure(`saved-${i}`, editorSave));
    const writes: number[] = [];
    for (let i = 1; i <= 5; i++) writes.push(await measure(`written-${i}`, async (text) => fs.writeFileSync(file, text)));
    await editorSave(base);
    const sorted = [...saves].sort((a, b) => a - b);
    console.log(
      `compose-save-measure: p50 ${sorted[10].toFixed(0)} ms, p95 ${sorted[18].toFixed(0)} ms, max ${sorted[19].toFixed(0)} ms over ${saves.length} editor saves`,
    );
    console.log(
      `compose-write-measure: median ${[...writes].sort((a, b) => a - b)[2].toFixed(0)} ms over ${writes.length} writes from outside VS Code (the file watcher's path)`,
    );
    await waitFor(() => !treeServices(api, 'realmfidelity').includes('written-5'), 'the tree to drop the last written service', 30_000);
  });

  it('follows a saved .env without a reload: a newly enabled profile adds its service', async () => {
    const api = await realmApi();
    fs.writeFileSync(path.join(dir, '.env'), 'COMPOSE_PROJECT_NAME=realmfidelity\nCOMPOSE_PROFILES=debug,tools\n');
    const expected = await composeServices();
    assert.ok(expected.includes('tools'));
    await waitFor(() => treeServices(api, 'realmfidelity').join() === expected.join(), `the tree to add tools (${expected.join(', ')})`, 30_000).catch(
      (e: Error) => {
        throw new Error(`${e.message}; ${describeTree(api)}`);
      },
    );
  });
});
