import * as vscode from 'vscode';
import { readContainerLogs } from '../clients/containerLogs';
import type { ContainerInfo } from '../core/containers';
import { grafanaDashboardUrl, STACK_PROJECT_NAME } from '../core/stackEnvironment';
import { openGrafana } from './openInGrafana';
import { requireTrust, withComposeProgress, type StackCommandDeps } from './stackCommandSupport';

/** What a Services-tree node or a caller may pass: a service group, a container, or a project. */
type ServiceTarget = { project: string; service: string; containers: ContainerInfo[] };

/** Reads a tree node structurally (ServiceNode has `group`, ContainerNode has `container`), so this file does not depend on views/. */
function targetOf(arg: unknown): ServiceTarget | undefined {
  const a = arg as { group?: { project?: string; service?: string; containers?: ContainerInfo[] }; container?: ContainerInfo; project?: string; service?: string } | undefined;
  if (a?.container?.id) return { project: a.container.project, service: a.container.service, containers: [a.container] };
  if (a?.group?.project && a.group.service) return { project: a.group.project, service: a.group.service, containers: a.group.containers ?? [] };
  if (typeof a?.project === 'string' && typeof a.service === 'string') return { project: a.project, service: a.service, containers: [] };
  return undefined;
}

/** Asks for a service (grouped by compose project) when the command was not run on a tree node. */
async function pickService(deps: StackCommandDeps, placeHolder: string): Promise<ServiceTarget | undefined> {
  const containers = await deps.docker.listComposeContainers();
  const groups = new Map<string, ServiceTarget>();
  for (const c of containers) {
    const key = `${c.project}/${c.service}`;
    const g = groups.get(key) ?? { project: c.project, service: c.service, containers: [] };
    g.containers.push(c);
    groups.set(key, g);
  }
  if (groups.size === 0) {
    void vscode.window.showInformationMessage('Realm: no compose containers are running.');
    return undefined;
  }
  const items = [...groups.values()].sort((a, b) => a.project.localeCompare(b.project) || a.service.localeCompare(b.service))
    .map((g) => ({ label: g.service, description: g.project, detail: g.containers.map((c) => `${c.name} (${c.state}${c.health !== 'none' ? `, ${c.health}` : ''})`).join(' · '), target: g }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.target;
}

/** The containers of a target, looked up fresh when the node carried none. */
async function containersOf(deps: StackCommandDeps, t: ServiceTarget): Promise<ContainerInfo[]> {
  if (t.containers.length > 0) return t.containers;
  return (await deps.docker.listComposeContainers([t.project])).filter((c) => c.service === t.service);
}

/** The target's containers, or undefined (and a message saying how to create them) when it has none. */
async function existingContainers(deps: StackCommandDeps, target: ServiceTarget, verb: string): Promise<ContainerInfo[] | undefined> {
  const containers = await containersOf(deps, target);
  if (containers.length > 0) return containers;
  void vscode.window.showInformationMessage(`Realm: ${target.project}/${target.service} has no containers to ${verb}; use App Up or Stack Up to create them.`);
  return undefined;
}

/**
 * Realm: Restart Service — a container node restarts that replica through the engine; a service
 * of the stack or the app project restarts through `compose restart` (output streamed).
 */
export async function restartService(deps: StackCommandDeps, arg?: unknown): Promise<boolean> {
  if (!requireTrust(deps, 'Restart Service')) return false;
  const target = targetOf(arg) ?? (await pickService(deps, 'Restart which service?'));
  if (!target) return false;
  const single = (arg as { container?: ContainerInfo } | undefined)?.container;
  if (single) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Realm: restarting ${single.name}…` }, () => deps.docker.restartContainer(single.id));
  } else {
    const role = target.project === STACK_PROJECT_NAME ? 'stack' : 'app';
    const done = await withComposeProgress(deps, `Restart ${target.service}`, async (runner, project, onLine, signal) => {
      if (project.projectName !== target.project) return false; // not a project we have files for
      await runner.restart(project, [target.service], { onLine, signal });
      return true;
    }, role).catch((e: unknown) => {
      // no compose file for this project (another folder's project): fall through to the engine
      deps.output.warn(`[${target.project}] compose restart unavailable (${(e as Error).message}); restarting containers through the engine`);
      return false;
    });
    if (done === undefined) return false; // cancelled, or the file is malformed (shown in Problems)
    if (!done) {
      const containers = await existingContainers(deps, target, 'restart');
      if (!containers) return false;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Realm: restarting ${target.service}…` },
        () => Promise.all(containers.map((c) => deps.docker.restartContainer(c.id))));
    }
  }
  deps.output.info(`[${target.project}] restarted ${single?.name ?? target.service}`);
  deps.afterChange?.();
  void vscode.window.showInformationMessage(`Realm: restarted ${single?.name ?? `${target.project}/${target.service}`}.`);
  return true;
}

/**
 * Realm: Stop Service / Start Service — stops or starts the service's containers (or the one
 * container) through the engine. Stopping is the user's intent, so the healer (which ignores a
 * `die` that follows a `kill`/stop) leaves the service alone.
 */
export async function setServiceRunning(deps: StackCommandDeps, running: boolean, arg?: unknown): Promise<boolean> {
  const verb = running ? 'Start' : 'Stop';
  if (!requireTrust(deps, `${verb} Service`)) return false;
  const target = targetOf(arg) ?? (await pickService(deps, `${verb} which service?`));
  if (!target) return false;
  const containers = await existingContainers(deps, target, verb.toLowerCase());
  if (!containers) return false;
  const label = containers.length === 1 ? containers[0].name : target.service;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Realm: ${running ? 'starting' : 'stopping'} ${label}…` },
    () => Promise.all(containers.map((c) => (running ? deps.docker.startContainer(c.id) : deps.docker.stopContainer(c.id)))));
  deps.output.info(`[${target.project}] ${running ? 'started' : 'stopped'} ${label}`);
  deps.afterChange?.();
  return true;
}

/**
 * Realm: Show Container Logs — the last 1000 lines of each container of the service (or of the one
 * container) in a read-only log document; reads the engine directly, so any project works.
 */
export async function showContainerLogs(deps: StackCommandDeps, arg?: unknown): Promise<vscode.TextDocument | undefined> {
  const target = targetOf(arg) ?? (await pickService(deps, 'Show the logs of which service?'));
  if (!target) return undefined;
  const containers = await containersOf(deps, target);
  if (containers.length === 0) {
    void vscode.window.showInformationMessage(`Realm: ${target.project}/${target.service} has no container (not created).`);
    return undefined;
  }
  const sections = await Promise.all(containers.map(async (c) => {
    const lines = await readContainerLogs(deps.docker, c.id, { tail: 1000 });
    return [`==> ${c.name} (${c.state}${c.exitCode !== undefined ? `, exit ${c.exitCode}` : ''}) — last ${lines.length} lines <==`, ...lines].join('\n');
  }));
  const doc = await vscode.workspace.openTextDocument({ language: 'log', content: sections.join('\n\n') + '\n' });
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

/**
 * Realm: Open in Grafana — opens the Realm Observability dashboard (logs filtered to the node's
 * project) when Grafana is up, else says it is down (src/commands/openInGrafana.ts).
 */
export async function openInGrafana(deps: StackCommandDeps, arg?: unknown): Promise<string | undefined> {
  const project = targetOf(arg)?.project ?? (arg as { project?: unknown } | undefined)?.project;
  const url = grafanaDashboardUrl(deps.settings().grafanaUrl, typeof project === 'string' ? project : undefined);
  return (await openGrafana({ grafanaUrl: () => deps.settings().grafanaUrl, secrets: deps.secrets }, url)) ? url : undefined;
}
