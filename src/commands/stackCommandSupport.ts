import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ComposeError, type ComposeCliRunner, type ComposeProjectRef } from '../clients/composeCli';
import type { ServiceResult } from '../clients/composeHealth';
import { describeResult } from '../clients/composeLifecycle';
import { appProject, stackProject, type AppProjectSettings, type ProjectRole } from '../clients/composeProjects';
import type { DockerClient } from '../clients/dockerClient';
import type { ServiceGroup } from '../core/containers';
import type { ComposeProjectModel } from '../core/composeModel';
import type { ContainerLogDocuments } from './containerLogsDocument';
import { arcanumTargetsJson, stackEnvironment } from '../core/stackEnvironment';
import { hasComposeProblems, showComposeProblems } from './composeDiagnostics';
import { grafanaAdminPassword } from './grafanaPassword';
import { withoutLinks } from '../core/text';
import { showTrustRequired } from './workspaceTrust';

// What the stack commands share: their dependencies, project resolution, trust and progress handling.

/** The settings the stack commands read (a subset of `realm.*`). */
export interface StackSettings extends AppProjectSettings {
  /** `realm.arcanumTarget`: host:port Prometheus scrapes as the `arcanum` job. */
  arcanumTarget: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
  lokiUrl: string;
  grafanaUrl: string;
}

/** Everything the stack commands use, passed in by activate() (no globals). */
export interface StackCommandDeps {
  docker: DockerClient;
  /** The compose runner, detected once on first use (`lazyComposeRunner(docker.engine)`). */
  composeRunner: () => Promise<ComposeCliRunner>;
  output: vscode.LogOutputChannel;
  diagnostics: vscode.DiagnosticCollection;
  secrets: vscode.SecretStorage;
  /** The extension's root (stack/compose.yaml is under it). */
  extensionPath: string;
  /** context.globalStorageUri.fsPath: the generated Prometheus targets file goes there. */
  storagePath: string;
  settings: () => StackSettings;
  /** The first workspace folder's path, if any. */
  workspaceFolder: () => string | undefined;
  isTrusted: () => boolean;
  /** Called after a command changed containers (e.g. serviceStore.refresh). */
  afterChange?: () => void;
  /** The Services view's services (not-created ones too), for the palette's service pickers. */
  services?: () => readonly ServiceGroup[];
  /** Where Show Container Logs opens its read-only documents. */
  logDocuments?: ContainerLogDocuments;
}

/**
 * The compose project for a role. The stack gets its environment: the Grafana password from
 * SecretStorage, the generated arcanum targets file, the engine socket, ports from settings.
 */
export async function resolveProject(deps: StackCommandDeps, role: ProjectRole, runner: ComposeCliRunner): Promise<ResolvedProject> {
  const settings = deps.settings();
  if (role === 'app') {
    const folder = deps.workspaceFolder();
    if (!folder) throw new Error('Open a folder that has a compose file to run its project.');
    // compose names the project by reading it: the model comes with the name, so `up` needs no second read
    const { ref, model } = await appProject(folder, settings, runner);
    return { project: ref, model };
  }
  const targetsDir = path.join(deps.storagePath, 'prometheus-targets');
  await mkdir(targetsDir, { recursive: true });
  await writeFile(path.join(targetsDir, 'arcanum.json'), arcanumTargetsJson([settings.arcanumTarget]));
  const env = stackEnvironment({
    grafanaPassword: await grafanaAdminPassword(deps.secrets),
    targetsDir,
    dockerHost: deps.docker.engine,
    urls: { prometheus: settings.prometheusUrl, alertmanager: settings.alertmanagerUrl, loki: settings.lokiUrl, grafana: settings.grafanaUrl },
  });
  return { project: stackProject(deps.extensionPath, env) };
}

/** A project as a command resolved it, with compose's model when reading it was how it got its name. */
export interface ResolvedProject {
  project: ComposeProjectRef;
  model?: ComposeProjectModel;
}

/** Refuses compose commands in an untrusted workspace (its compose file is someone else's code). */
export function requireTrust(deps: Pick<StackCommandDeps, 'isTrusted'>, what: string): boolean {
  if (deps.isTrusted()) return true;
  showTrustRequired(`${what} runs compose commands`);
  return false;
}

export type ComposeWork<T> = (
  runner: ComposeCliRunner,
  project: ComposeProjectRef,
  onLine: (line: string) => void,
  signal: AbortSignal,
  model?: ComposeProjectModel,
) => Promise<T>;

/** What a compose command's progress notification is titled: "Realm: App Up — shop". */
export function progressTitle(verb: string, project: ComposeProjectRef): string {
  return `Realm: ${verb} — ${project.projectName || path.basename(project.workingDir ?? '') || 'compose project'}`;
}

/**
 * Runs compose work in a cancellable progress notification titled with the verb and the project
 * it acts on (the project is resolved first, under a status-bar progress): output lines go to the
 * log and the notification, cancellation aborts the CLI, a malformed file lands in the Problems
 * view (and only then is "Show Problems" offered), other failures are logged with their
 * per-service state and rethrown for the command table's handler ("Show Logs").
 */
export async function withComposeProgress<T>(deps: StackCommandDeps, verb: string, work: ComposeWork<T>, role: ProjectRole): Promise<T | undefined> {
  let projectName = role as string;
  let baseDir: string | undefined = role === 'app' ? deps.workspaceFolder() : undefined;
  try {
    const { runner, project, model } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Realm: reading the ${role === 'app' ? 'workspace' : 'stack'} compose project…` },
      async () => {
        const r = await deps.composeRunner();
        return { runner: r, ...(await resolveProject(deps, role, r)) };
      },
    );
    projectName = project.projectName;
    baseDir = project.workingDir ?? baseDir;
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: progressTitle(verb, project), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          const onLine = (line: string) => {
            deps.output.info(`[${project.projectName}] ${line}`);
            progress.report({ message: line.length > 90 ? line.slice(0, 89) + '…' : line });
          };
          return await work(runner, project, onLine, abort.signal, model);
        } finally {
          cancel.dispose();
          deps.afterChange?.();
        }
      },
    );
  } catch (err) {
    if (!(err instanceof ComposeError)) throw err;
    if (err.kind === 'cancelled') {
      deps.output.warn(`[${projectName}] ${verb} cancelled`);
      return undefined;
    }
    if (err.details.results) logResults(deps, projectName, err.details.results);
    if (err.details.output) deps.output.error(`[${projectName}] ${err.kind}: ${err.message}\n${err.details.output}`);
    const problems = err.kind === 'malformed-file' ? showComposeProblems(deps.diagnostics, err, baseDir) : undefined;
    if (problems) {
      deps.output.error(`[${projectName}] ${err.message}`);
      void vscode.window.showErrorMessage(withoutLinks(`Realm: ${err.message}`), 'Show Problems').then((c) => {
        if (!c) return;
        // a later parse may have cleared them meanwhile: then the log is what leads somewhere
        if (hasComposeProblems(deps.diagnostics, problems)) void vscode.commands.executeCommand('workbench.actions.view.problems');
        else deps.output.show(true);
      });
      return undefined;
    }
    throw err;
  }
}

/** Writes one line per service to the log. */
export function logResults(deps: StackCommandDeps, project: string, results: readonly ServiceResult[]): void {
  deps.output.info(`[${project}] per-service result:\n${results.map((r) => `  ${describeResult(r)}`).join('\n')}`);
}
