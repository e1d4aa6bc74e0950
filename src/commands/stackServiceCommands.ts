import * as vscode from 'vscode';
import { composeUp } from '../clients/composeLifecycle';
import type { ContainerInfo } from '../core/containers';
import { grafanaDashboardUrl, STACK_PROJECT_NAME } from '../core/stackEnvironment';
import { openGrafana } from './openInGrafana';
import { logResults, requireTrust, withComposeProgress, type StackCommandDeps } from './stackCommandSupport';

/** What a Services-tree node or a caller may pass: a service group, a container, or a project. */
type ServiceTarget = { project: string; service: string; containers: ContainerInfo[] };

/** Reads a tree node structurally (ServiceNode has `group`, ContainerNode has `container`), so this file does not depend on views/. */
export function targetOf(arg: unknown): ServiceTarget | undefined {
  const a = arg as
    { group?: { project?: string; service?: string; containers?: ContainerInfo[] }; container?: ContainerInfo; project?: string; service?: string } | undefined;
  if (a?.container?.id) return { project: a.container.project, service: a.container.service, containers: [a.container] };
  if (a?.group?.project && a.group.service) return { project: a.group.project, service: a.group.service, containers: a.group.containers ?? [] };
  if (typeof a?.project === 'string' && typeof a.service === 'string') return { project: a.project, service: a.service, containers: [] };
  return undefined;
}

/**
 * Asks for a service (grouped by compose project) when the command was not run on a tree node: the
 * Services view's services (defined-but-not-created ones too), else what the engine runs.
 */
export async function pickService(deps: StackCommandDeps, placeHolder: string): Promise<ServiceTarget | undefined> {
  const known = deps.services?.() ?? [];
  const containers = known.length ? [] : await deps.docker.listComposeContainers();
  const groups = new Map<string, ServiceTarget>(
    known.map((g) => [`${g.project}/${g.service}`, { project: g.project, service: g.service, containers: [...g.containers] }]),
  );
  for (const c of containers) {
    const key = `${c.project}/${c.service}`;
    const g = groups.get(key) ?? { project: c.project, service: c.service, containers: [] };
    g.containers.push(c);
    groups.set(key, g);
  }
  if (groups.size === 0) {
    void vscode.window.showInformationMessage('Realm: no compose service is defined or running: open a folder with a compose file, or run App Up.');
    return undefined;
  }
  const items = [...groups.values()]
    .sort((a, b) => a.project.localeCompare(b.project) || a.service.localeCompare(b.service))
    .map((g) => ({
      label: g.service,
      description: g.project,
      detail: g.containers.map((c) => `${c.name} (${c.state}${c.health !== 'none' ? `, ${c.health}` : ''})`).join(' · ') || 'defined, not created',
      target: g,
    }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.target;
}

/** The containers of a target, looked up fresh when the node carried none. */
export async function containersOf(deps: StackCommandDeps, t: ServiceTarget): Promise<ContainerInfo[]> {
  if (t.containers.length > 0) return t.containers;
  return (await deps.docker.listComposeContainers([t.project])).filter((c) => c.service === t.service);
}

/** The target's containers, or undefined (and a message saying how to create them) when it has none. */
async function existingContainers(deps: StackCommandDeps, target: ServiceTarget, verb: string): Promise<ContainerInfo[] | undefined> {
  const containers = await containersOf(deps, target);
  if (containers.length > 0) return containers;
  void vscode.window.showInformationMessage(
    `Realm: ${target.project}/${target.service} has no containers to ${verb} (defined, not created): Start Service creates it.`,
  );
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
  if (!single && !(await existingContainers(deps, target, 'restart'))) return false;
  if (single) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Realm: restarting ${single.name}…` }, () =>
      deps.docker.restartContainer(single.id),
    );
  } else {
    const role = target.project === STACK_PROJECT_NAME ? 'stack' : 'app';
    const done = await withComposeProgress(
      deps,
      `Restart ${target.service}`,
      async (runner, project, onLine, signal) => {
        if (project.projectName !== target.project) return false; // not a project we have files for
        await runner.restart(project, [target.service], { onLine, signal });
        return true;
      },
      role,
    ).catch((e: unknown) => {
      // no compose file for this project (another folder's project): fall through to the engine
      deps.output.warn(`[${target.project}] compose restart unavailable (${(e as Error).message}); restarting containers through the engine`);
      return false;
    });
    if (done === undefined) return false; // cancelled, or the file is malformed (shown in Problems)
    if (!done) {
      const containers = await existingContainers(deps, target, 'restart');
      if (!containers) return false;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Realm: restarting ${target.service}…` }, () =>
        Promise.all(containers.map((c) => deps.docker.restartContainer(c.id))),
      );
    }
  }
  deps.output.info(`[${target.project}] restarted ${single?.name ?? target.service}`);
  deps.afterChange?.();
  void vscode.window.showInformationMessage(`Realm: restarted ${single?.name ?? `${target.project}/${target.service}`}.`);
  return true;
}

const isUp = (c: ContainerInfo) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused';

/**
 * Realm: Stop Service / Start Service — stops or starts the service's containers (or the one
 * container) through the engine, and says so. Start on a service that has no container ("defined,
 * not created") creates and starts it: `compose up -d SERVICE` for the project App Up / Stack Up
 * use. Stopping is the user's intent, so the healer (which ignores a `die` that follows a
 * `kill`/stop) leaves the service alone until it is started again.
 */
export async function setServiceRunning(deps: StackCommandDeps, running: boolean, arg?: unknown): Promise<boolean> {
  const verb = running ? 'Start' : 'Stop';
  if (!requireTrust(deps, `${verb} Service`)) return false;
  const target = targetOf(arg) ?? (await pickService(deps, `${verb} which service?`));
  if (!target) return false;
  const single = (arg as { container?: ContainerInfo } | undefined)?.container;
  const containers = await containersOf(deps, target);
  if (containers.length === 0) {
    if (running) return createService(deps, target);
    void vscode.window.showInformationMessage(`Realm: ${target.project}/${target.service} has no container to stop (defined, not created).`);
    return false;
  }
  const label = single ? single.name : `${target.project}/${target.service}`;
  const todo = containers.filter((c) => isUp(c) !== running);
  if (todo.length === 0) {
    void vscode.window.showInformationMessage(`Realm: ${label} is already ${running ? 'running' : 'stopped'}.`);
    return true;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Realm: ${running ? 'starting' : 'stopping'} ${label}…` }, () =>
    Promise.all(todo.map((c) => (running ? deps.docker.startContainer(c.id) : deps.docker.stopContainer(c.id)))),
  );
  deps.output.info(`[${target.project}] ${running ? 'started' : 'stopped'} ${todo.map((c) => c.name).join(', ')}`);
  deps.afterChange?.();
  // the healer watches the workspace's project only: only there is there a healer to leave it alone
  const healerNote = !running && target.project !== STACK_PROJECT_NAME ? ' The healer leaves it alone until it is started again.' : '';
  void vscode.window.showInformationMessage(
    `Realm: ${running ? 'started' : 'stopped'} ${label}${todo.length > 1 ? ` (${todo.length} containers)` : ''}.${healerNote}`,
  );
  return true;
}

/** Start on a defined-but-not-created service: `compose up -d SERVICE` (without --remove-orphans), then its result. */
async function createService(deps: StackCommandDeps, target: ServiceTarget): Promise<boolean> {
  const role = target.project === STACK_PROJECT_NAME ? 'stack' : 'app';
  const outcome = await withComposeProgress(
    deps,
    `Start ${target.service}`,
    async (runner, project, onLine, signal, model) => {
      if (project.projectName !== target.project) {
        throw new Error(
          `${target.project}/${target.service} has no container, and its compose file is not this workspace's (${project.projectName}): create it from its own folder (docker compose up -d ${target.service}).`,
        );
      }
      deps.output.info(`[compose] ${runner.argv(project, ['up', '-d', target.service]).join(' ')}`);
      return composeUp(runner, deps.docker, project, { services: [target.service], removeOrphans: false, onLine, signal, model });
    },
    role,
  );
  if (!outcome) return false;
  logResults(deps, target.project, outcome.results);
  const result = outcome.results.find((r) => r.service === target.service);
  if (result?.outcome === 'failed') {
    void vscode.window
      .showWarningMessage(`Realm: ${target.project}/${target.service} was created but did not start: ${result.reason ?? 'failed'}`, 'Show Logs')
      .then((c) => c && deps.output.show(true));
    return false;
  }
  void vscode.window.showInformationMessage(`Realm: created and started ${target.project}/${target.service}${result ? ` (${result.outcome})` : ''}.`);
  return true;
}

/**
 * Realm: Show Container Logs — the last 1000 lines of each container of the service (or of the one
 * container) in a read-only `realm-logs:` document, newest at the bottom and in view, following
 * while visible; reads the engine directly, so any project works.
 */
export async function showContainerLogs(deps: StackCommandDeps, arg?: unknown): Promise<vscode.TextDocument | undefined> {
  const target = targetOf(arg) ?? (await pickService(deps, 'Show the logs of which service?'));
  if (!target) return undefined;
  const containers = await containersOf(deps, target);
  if (containers.length === 0) {
    void vscode.window.showInformationMessage(
      `Realm: ${target.project}/${target.service} has no container yet (defined, not created): Start Service creates it.`,
    );
    return undefined;
  }
  if (!deps.logDocuments) throw new Error('container log documents are not available');
  return (await deps.logDocuments.show({ project: target.project, service: target.service, containers })).document;
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
