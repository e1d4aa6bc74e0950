// Runs only in the window opened WITHOUT Workspace Trust (runHostTests --untrusted): the extension
// shows state, but runs no compose command and no healing, and the manifest restricts every setting
// that names files, commands or hosts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { EXTENSION_ID, realmApi, waitFor } from './helpers';
import type { ServiceNode } from '../../src/views/servicesTree';

const run = promisify(execFile);

describe('Untrusted workspace: state shown, no compose command, no healing', function () {
  this.timeout(240_000);
  const workspace = process.env.REALM_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;
  const project = path
    .basename(workspace)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
  const realPath = process.env.PATH ?? '';
  const env = { ...process.env, PATH: realPath };
  let recorder: { dir: string; log: string };

  before(() => {
    // Any compose CLI the extension would spawn from now on is found first on PATH and records itself.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-untrusted-bin-'));
    const log = path.join(dir, 'calls.jsonl');
    for (const name of ['docker', 'docker-compose']) {
      fs.writeFileSync(
        path.join(dir, name),
        `#!${process.execPath}\nrequire('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify([${JSON.stringify(name)}, ...process.argv.slice(2)]) + '\\n');\nprocess.exit(1);\n`,
        { mode: 0o755 },
      );
    }
    recorder = { dir, log };
    process.env.PATH = `${dir}${path.delimiter}${realPath}`;
  });

  after(async () => {
    process.env.PATH = realPath;
    await run('docker', ['compose', '-p', project, 'down', '-t', '1'], { cwd: workspace, env, timeout: 120_000 }).catch(() => undefined);
    fs.rmSync(recorder.dir, { recursive: true, force: true });
  });

  const spawned = (): string[][] =>
    fs.existsSync(recorder.log)
      ? fs
          .readFileSync(recorder.log, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as string[])
      : [];
  const containers = async () => {
    const ids = (await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], { env })).stdout
      .trim()
      .split('\n')
      .filter(Boolean);
    if (ids.length === 0) return [];
    const { stdout } = await run('docker', ['inspect', '-f', '{{.Name}} {{.State.Status}} {{.State.StartedAt}} {{.RestartCount}}', ...ids], { env });
    return stdout.trim().split('\n').sort();
  };

  it('opens untrusted and declares limited support with every file/command/host setting restricted', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the window is untrusted');
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    const restricted = new Set(untrusted.restrictedConfigurations ?? []);
    // settings naming a host (URLs, scrape target), files or directories, a project, or what the healer runs
    const sensitive = Object.keys(manifest.contributes.configuration.properties).filter((k) =>
      /Url$|Files$|Directories$|Target$|ProjectName$|\.rules$/.test(k),
    );
    assert.deepEqual(sensitive.sort(), [
      'realm.alertmanagerUrl',
      'realm.arcanumTarget',
      'realm.composeFiles',
      'realm.composeProjectName',
      'realm.grafanaUrl',
      'realm.healer.logDirectories',
      'realm.healer.rules',
      'realm.lokiUrl',
      'realm.prometheusUrl',
    ]);
    for (const key of sensitive) assert.ok(restricted.has(key), `${key} is in restrictedConfigurations`);
    for (const key of restricted) assert.ok(key in manifest.contributes.configuration.properties, `${key} is a real setting`);
  });

  it("activates and lists the workspace project's containers in the Services tree", async () => {
    const api = await realmApi();
    await run('docker', ['compose', '-p', project, 'up', '-d'], { cwd: workspace, env, timeout: 120_000 });
    await vscode.commands.executeCommand('workbench.view.extension.realm');
    await waitFor(() => api.servicesView.visible, 'the Services view to be visible');
    // service nodes at the root, or under a project node (match by shape: the bundle's classes are not this module's)
    const services = (): ServiceNode[] =>
      (api.servicesTree.getChildren() as Array<ServiceNode & { groups?: unknown }>)
        .flatMap((n) => (n.groups ? (api.servicesTree.getChildren(n as never) as ServiceNode[]) : [n]))
        .filter((n) => n.group?.project === project);
    const web = await waitFor(
      () => services().find((n) => n.group.service === 'web' && n.group.status === 'healthy'),
      'service "web" to show as healthy',
      90_000,
    );
    assert.match(String(web.description), /healthy/);
    assert.ok(
      services().some((n) => n.group.service === 'worker'),
      'worker is listed',
    );
  });

  it('shows the healer as off because the workspace is untrusted', async () => {
    const api = await realmApi();
    const [mode] = api.healerTree.getChildren();
    assert.equal(mode.contextValue, 'realm.healer.mode;untrusted;');
    assert.equal(mode.label, 'Healing off: untrusted workspace');
  });

  it('does not heal a crashed service: the container stays down and the healer only records that it may not act', async () => {
    const api = await realmApi();
    const before = api.audit.entries().length;
    const id = (
      await run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=worker'], {
        env,
      })
    ).stdout.trim();
    assert.ok(id, 'the worker runs');
    // a crash, not a stop: SIGKILL to the container's init from the host (no `kill` event)
    const pid = Number((await run('docker', ['inspect', '-f', '{{.State.Pid}}', id], { env })).stdout.trim());
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => (await run('docker', ['inspect', '-f', '{{.State.Status}}', id], { env })).stdout.trim() === 'exited', 'the worker to exit');
    // the healer saw the crash and refused: the one positive signal that it decided (no fixed wait)
    const skip = await waitFor(
      () =>
        api.audit
          .entries()
          .slice(before)
          .find((e) => e.trigger.kind === 'event'),
      'the healer to judge the crash',
      30_000,
    );
    assert.equal(skip.outcome, 'skipped');
    assert.equal(skip.reason, 'untrusted');
    const states = await containers();
    assert.ok(
      states.some((s) => s.includes('worker') && s.includes(' exited ')),
      `the worker stays down: ${states.join('; ')}`,
    );
    assert.deepEqual(
      api.audit.entries().filter((e) => e.outcome !== 'skipped'),
      [],
      'nothing done or attempted',
    );
  });

  it('refuses App Up, Stack Up, Stack Down, Restart Service and Heal Now without running compose or touching containers', async () => {
    const api = await realmApi();
    const before = await containers();
    const auditBefore = api.audit.entries().length;
    assert.equal(await vscode.commands.executeCommand('realm.appUp'), undefined);
    assert.equal(await vscode.commands.executeCommand('realm.stackUp'), undefined);
    assert.equal(await vscode.commands.executeCommand('realm.stackDown'), false);
    assert.equal(await vscode.commands.executeCommand('realm.restartService', { project, service: 'worker' }), false);
    assert.deepEqual(await vscode.commands.executeCommand('realm.healNow', { confirm: false }), { plan: [], results: [] });
    assert.deepEqual(spawned(), [], 'no compose (or docker) CLI was spawned');
    assert.deepEqual(await containers(), before, 'no container was started, stopped, created or restarted');
    assert.equal(api.audit.entries().length, auditBefore, 'Heal Now recorded nothing');
  });
});
