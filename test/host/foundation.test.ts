import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { realmApi, screenshot, waitFor, EXTENSION_ID } from './helpers';
import type { ServiceNode } from '../../src/views/servicesTree';

const run = promisify(execFile);

describe('Foundation: the extension in a real extension host', () => {
  const workspace = process.env.REALM_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;
  const project = path
    .basename(workspace)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');

  after(async () => {
    await run('docker', ['compose', '-p', project, 'down', '-t', '1'], { cwd: workspace }).catch(() => undefined);
  });

  it('registers every command it contributes', async () => {
    await realmApi();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('registers no realm command it does not contribute (the command table and package.json agree)', async () => {
    await realmApi();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
    };
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    // VS Code itself registers `<view id>.focus`, `.resetViewLocation`, … for each contributed view
    const viewIds = Object.values(manifest.contributes.views)
      .flat()
      .map((v) => v.id);
    const generated = (c: string) => viewIds.some((v) => c.startsWith(v + '.'));
    const extra = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('realm.') && !contributed.has(c) && !generated(c));
    assert.deepEqual(extra, [], `registered but not contributed (a handler no menu or palette entry reaches): ${extra.join(', ')}`);
    assert.equal(contributed.size, manifest.contributes.commands.length, 'no command is contributed twice');
  });

  it('shows the status-bar item', async () => {
    const api = await realmApi();
    assert.match(api.statusBarItem.text, /\$\((bell|bell-slash|check|bell-dot|warning|error)\)/);
    assert.equal(api.statusBarItem.command !== undefined, true);
    const command = api.statusBarItem.command;
    const id = typeof command === 'string' ? command : command?.command;
    assert.ok(id && (await vscode.commands.getCommands(true)).includes(id), `the status-bar item runs a registered command (${id})`);
  });

  it("lists the workspace compose project's containers, grouped by service, with their state", async function () {
    this.timeout(180_000);
    const api = await realmApi();
    assert.ok(fs.existsSync(path.join(workspace, 'docker-compose.yml')), 'the test workspace has a compose file');
    await run('docker', ['compose', '-p', project, 'up', '-d'], { cwd: workspace, timeout: 120_000 });
    await vscode.commands.executeCommand('workbench.view.extension.realm');
    await waitFor(() => api.servicesView.visible, 'the Services view to be visible');
    const web = await waitFor(
      () => {
        const nodes = api.servicesTree.getChildren() as ServiceNode[];
        // the bundle's classes are not this module's: match by shape, not instanceof
        return nodes.find((n) => n.group?.service === 'web' && n.group.status === 'healthy');
      },
      'service "web" to show as healthy',
      60_000,
    ).catch((e: Error) => {
      const s = api.serviceStore.snapshot;
      throw new Error(
        `${e.message}; store: engine=${s.engine} ${s.engineError ?? ''} groups=${JSON.stringify(s.groups.map((g) => [g.project, g.service, g.status]))}`,
      );
    });
    assert.equal(web.group.project, project);
    assert.match(String(web.description), /healthy/);
    const worker = (api.servicesTree.getChildren() as ServiceNode[]).find((n) => n.group.service === 'worker');
    assert.ok(worker, 'service "worker" is listed');
    assert.equal(api.servicesTree.getChildren(web).length, 1, 'one replica under web');
    await revealWithRetry(api.servicesView as vscode.TreeView<ServiceNode>, web);
    console.log('screenshot: ' + (await screenshot('services-tree')));
  });
});

/** reveal() right after a view appears can race with its first render ("Data tree node not found"). */
async function revealWithRetry(view: vscode.TreeView<ServiceNode>, node: ServiceNode): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      await view.reveal(node, { select: true, focus: true, expand: true });
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}
