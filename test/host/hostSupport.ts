/**
 * What the wired host suites (stack, alertsWired, healer, panels) share: the workspace's compose
 * project, the docker CLI on the harness engine, tree lookups by shape (the bundle's classes are
 * not this module's, so no instanceof), settings that are put back afterwards, and reveal retries.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { RealmApi } from '../../src/extension';

const run = promisify(execFile);

/** The test workspace folder (a copy of test/fixtures/host-workspace). */
export function workspaceFolder(): string {
  return process.env.REALM_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;
}

/** The app project's name as the extension resolved it (Compose v2: COMPOSE_PROJECT_NAME, `name:`, or the folder name). */
export function appProjectName(api: RealmApi): string {
  const app = api.workspaceProjects.current.find((p) => p.role === 'app');
  return (
    app?.name ??
    path
      .basename(workspaceFolder())
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '')
  );
}

/** `docker …` on the engine the extension uses (DOCKER_HOST from the harness env). */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: process.env, timeout: 60_000 });
  return stdout.trim();
}

/** `docker compose -p <project> down` in the workspace: the after-hook safety net. */
export async function composeDown(project: string): Promise<void> {
  await run('docker', ['compose', '-p', project, 'down', '-t', '1', '--remove-orphans'], { cwd: workspaceFolder(), env: process.env, timeout: 120_000 }).catch(
    () => undefined,
  );
}

/** The id of the (first) container of a compose service. */
export async function containerOf(project: string, service: string): Promise<string> {
  const id = await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`);
  if (!id) throw new Error(`no container for ${project}/${service}`);
  return id.split('\n')[0];
}

/** The shape of a Services-tree service node (ServiceNode in src/views/servicesTree.ts). */
export interface ServiceNodeShape extends vscode.TreeItem {
  group: { project: string; service: string; status: string; containers: { id: string; name: string; exitCode?: number }[] };
}

/** The Services tree's service nodes, flattening project nodes when several projects have groups. */
export function serviceNodes(api: RealmApi): ServiceNodeShape[] {
  const roots = api.servicesTree.getChildren() as unknown as (vscode.TreeItem & { group?: unknown; groups?: unknown })[];
  return roots.flatMap((n) =>
    n.group ? [n as ServiceNodeShape] : n.groups ? (api.servicesTree.getChildren(n as never) as unknown as ServiceNodeShape[]) : [],
  );
}

/** One service's node in the Services tree, or undefined. */
export function serviceNode(api: RealmApi, project: string, service: string): ServiceNodeShape | undefined {
  return serviceNodes(api).find((n) => n.group.project === project && n.group.service === service);
}

/** What the tree shows for a project, for failure messages: `web=healthy (healthy · up 3s)`. */
export function describeTree(api: RealmApi): string {
  const s = api.serviceStore.snapshot;
  return `tree: [${serviceNodes(api)
    .map((n) => `${n.group.project}/${n.group.service}=${n.group.status} (${String(n.description)})`)
    .join(', ')}]; store engine=${s.engine}${s.engineError ? ` ${s.engineError}` : ''}`;
}

/** Opens the Realm activity-bar container (the Services view becomes visible). */
export async function showRealmViews(api: RealmApi): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.realm');
  const end = Date.now() + 30_000;
  while (!api.servicesView.visible) {
    if (Date.now() > end) throw new Error('the Services view did not become visible');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** reveal() right after a view appears can race with its first render ("Data tree node not found"): retry. */
export async function revealWithRetry<T>(view: vscode.TreeView<T>, node: T, options = { select: true, focus: true, expand: true }): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      await view.reveal(node, options);
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

/**
 * Sets `realm.*` settings in the user (global) scope and remembers what was there, so `restore()`
 * puts back exactly the previous values (undefined removes the key).
 */
export class SettingsScope {
  private readonly saved = new Map<string, unknown>();

  async set(key: string, value: unknown): Promise<void> {
    const [section, name] = split(key);
    const config = vscode.workspace.getConfiguration(section);
    if (!this.saved.has(key)) this.saved.set(key, config.inspect(name)?.globalValue);
    await config.update(name, value, vscode.ConfigurationTarget.Global);
  }

  async restore(): Promise<void> {
    for (const [key, value] of [...this.saved].reverse()) {
      const [section, name] = split(key);
      await vscode.workspace.getConfiguration(section).update(name, value, vscode.ConfigurationTarget.Global);
    }
    this.saved.clear();
  }
}

function split(key: string): [string, string] {
  const dot = key.lastIndexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/** A loopback port nothing listens on (bound, then closed). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The harness URL from the env, or a clear error (these suites need the harness running). */
export function harnessUrl(name: 'REALM_IT_PROMETHEUS_URL' | 'REALM_IT_ALERTMANAGER_URL'): string {
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set: start the harness (bash test/infra/harness.sh up) and \`source /tmp/realm-it/env\` before runHostTests.js`);
  return url;
}

type MessageFn = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/**
 * Records every notification the extension raises (it shares this `vscode` API object with the
 * tests, since both load from the extension's folder) and still shows them. `dispose()` restores.
 */
export class NotificationSpy implements vscode.Disposable {
  readonly shown: { kind: 'error' | 'warning' | 'info'; message: string; at: number }[] = [];
  private readonly originals: [keyof typeof vscode.window, MessageFn][] = [];

  constructor() {
    const kinds = { showErrorMessage: 'error', showWarningMessage: 'warning', showInformationMessage: 'info' } as const;
    const win = vscode.window as unknown as Record<string, MessageFn>;
    for (const [fn, kind] of Object.entries(kinds)) {
      const original = win[fn];
      this.originals.push([fn as keyof typeof vscode.window, original]);
      win[fn] = (message: string, ...rest: unknown[]) => {
        this.shown.push({ kind, message, at: Date.now() });
        return original.call(vscode.window, message, ...rest);
      };
      if (win[fn] === original) throw new Error(`cannot observe vscode.window.${fn} in this host`);
    }
  }

  since(t: number, kind?: 'error' | 'warning' | 'info'): string[] {
    return this.shown.filter((s) => s.at >= t && (!kind || s.kind === kind)).map((s) => s.message);
  }

  dispose(): void {
    const win = vscode.window as unknown as Record<string, MessageFn>;
    for (const [fn, original] of this.originals) win[fn] = original;
  }
}

/** The extension's log file ("Realm Observability" output channel), found under the runner's temp dir. */
export function realmLogFile(): string | undefined {
  const results = process.env.REALM_TEST_RESULTS_FILE;
  if (!results) return undefined;
  const stack = [path.join(path.dirname(results), 'user-data', 'logs')];
  const found: { file: string; mtime: number }[] = [];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.log') && e.name.includes('Realm Observability')) found.push({ file: p, mtime: fs.statSync(p).mtimeMs });
    }
  }
  return found.sort((a, b) => b.mtime - a.mtime)[0]?.file;
}

/** Asks the test runner (runHostTests.js) at `path` with `params`; resolves to its answer, rejects with it on an error status. */
function askRunner(path: string, params: Record<string, string | number>, what: string): Promise<string> {
  const base = process.env.REALM_TEST_SCREENSHOT_URL;
  if (!base) return Promise.reject(new Error('REALM_TEST_SCREENSHOT_URL is not set: run through test/infra/runHostTests.js'));
  const query = Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
  return new Promise((resolve, reject) => {
    http
      .get(`${base.replace(/\/screenshot$/, path)}?${query}`, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${what}: ${body}`))));
      })
      .on('error', reject);
  });
}

/** The epoch ms at which `text` was first visible in the workbench or a webview (`gone`: no longer visible anywhere), as the runner saw it. */
export async function visibleAt(text: string, options: { gone?: boolean; timeoutMs?: number } = {}): Promise<number> {
  const params = { text, timeoutMs: options.timeoutMs ?? 30_000, ...(options.gone ? { gone: 1 } : {}) };
  return Number(await askRunner('/visible-at', params, `visible-at "${text}"`));
}

/**
 * A workbench screenshot taken once `text` is visible on screen (in the workbench or a webview);
 * rejects when it never shows. Resolves to the PNG's path.
 */
export function screenshotWhenVisible(name: string, text: string, timeoutMs = 30_000): Promise<string> {
  return askRunner('/screenshot', { name, waitForText: text, timeoutMs }, `screenshot ${name}`);
}

/** Runs a container of the app project's `service` (labels as compose gives them). */
export async function runService(project: string, service: string, args: string[], cmd: string): Promise<string> {
  await docker('rm', '-f', `${project}-${service}-1`).catch(() => undefined);
  return docker(
    'run',
    '-d',
    '--init',
    '--name',
    `${project}-${service}-1`,
    '--label',
    `com.docker.compose.project=${project}`,
    '--label',
    `com.docker.compose.service=${service}`,
    '--label',
    'com.docker.compose.container-number=1',
    '--label',
    'com.docker.compose.oneoff=False',
    ...args,
    'realm-test/busybox:base',
    'sh',
    '-c',
    cmd,
  );
}
