import * as vscode from 'vscode';
import * as path from 'node:path';
import { DockerClient } from './clients/dockerClient';
import { registerCommands, CommandTable } from './commands/registry';
import { readSettings } from './platform/settings';
import { ServiceStore, WatchedProject } from './state/serviceStore';
import { ServicesTreeProvider } from './views/servicesTree';

/** The compose project name of the observability stack shipped in stack/. */
export const STACK_PROJECT = 'realm-observability';

/** What activate() returns: the live objects, for the host-tier tests and other extensions. */
export interface RealmApi {
  readonly activatedInMs: number;
  readonly serviceStore: ServiceStore;
  readonly servicesTree: ServicesTreeProvider;
  readonly servicesView: vscode.TreeView<unknown>;
  readonly statusBarItem: vscode.StatusBarItem;
}

/** The composition root: builds every object, wires them, and hands each to `context.subscriptions`. */
export function activate(context: vscode.ExtensionContext): RealmApi {
  const started = performance.now();
  const logger = vscode.window.createOutputChannel('Realm Observability', { log: true });
  context.subscriptions.push(logger);
  const settings = () => readSettings((s) => vscode.workspace.getConfiguration(s));

  const docker = new DockerClient({});
  const serviceStore = new ServiceStore(docker, watchedProjects(settings().composeProjectName), logger);
  context.subscriptions.push(serviceStore);

  const servicesTree = new ServicesTreeProvider(serviceStore);
  const servicesView = vscode.window.createTreeView('realm.services', { treeDataProvider: servicesTree, showCollapseAll: true });
  context.subscriptions.push(servicesTree, servicesView);
  servicesTree.setVisible(servicesView.visible);
  context.subscriptions.push(servicesView.onDidChangeVisibility((e) => servicesTree.setVisible(e.visible)));
  context.subscriptions.push(serviceStore.onDidChange((s) => void vscode.commands.executeCommand('setContext', 'realm.engine', s.engine)));

  const statusBarItem = vscode.window.createStatusBarItem('realm.alerts', vscode.StatusBarAlignment.Left, 50);
  statusBarItem.name = 'Realm Alerts';
  statusBarItem.text = '$(bell-slash) Realm: stack down';
  statusBarItem.tooltip = 'Realm Observability: the alert stack is not reachable yet';
  statusBarItem.command = 'realm.alerts.focus';
  statusBarItem.show();
  context.subscriptions.push(statusBarItem);

  const showLogs = () => logger.show(true);
  const commands: CommandTable = {
    'realm.showLogs': showLogs,
    'realm.refresh': () => serviceStore.refresh(),
  };
  context.subscriptions.push(...registerCommands(commands, logger, showLogs));

  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('realm.composeProjectName') || e.affectsConfiguration('realm.composeFiles')) {
      serviceStore.setProjects(watchedProjects(settings().composeProjectName));
    }
  }));

  const activatedInMs = performance.now() - started;
  logger.info(`Realm Observability activated in ${activatedInMs.toFixed(1)} ms`);
  return { activatedInMs, serviceStore, servicesTree, servicesView, statusBarItem };
}

export function deactivate(): void {
  // everything is in context.subscriptions
}

function watchedProjects(configuredName: string): WatchedProject[] {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const projects: WatchedProject[] = [];
  if (folder) {
    // compose derives the project name from the folder: lower-case, only [a-z0-9_-]
    const name = configuredName || path.basename(folder.uri.fsPath).toLowerCase().replace(/[^a-z0-9_-]/g, '');
    projects.push({ name, role: 'app' });
  }
  projects.push({ name: STACK_PROJECT, role: 'stack' });
  return projects;
}
