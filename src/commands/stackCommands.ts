import * as vscode from 'vscode';
import { composeDown, composeUp, ensureEngine, type UpOutcome } from '../clients/composeLifecycle';
import type { ProjectRole } from '../clients/composeProjects';
import { clearComposeProblems } from './composeDiagnostics';
import type { CommandTable } from './registry';
import { logResults, requireTrust, withComposeProgress, type StackCommandDeps } from './stackCommandSupport';
import { openInGrafana, restartService, setServiceRunning, showContainerLogs } from './stackServiceCommands';
import { withoutLinks } from '../core/text';
import { checkGrafanaPassword } from './grafanaPasswordCheck';

export { openInGrafana, restartService, setServiceRunning, showContainerLogs } from './stackServiceCommands';
export { grafanaAdminPassword } from './grafanaPassword';
export type { StackCommandDeps, StackSettings } from './stackCommandSupport';

/** Command ids (each is contributed in package.json). */
export const StackCommandIds = {
  stackUp: 'realm.stackUp',
  stackDown: 'realm.stackDown',
  appUp: 'realm.appUp',
  appDown: 'realm.appDown',
  restartService: 'realm.restartService',
  stopService: 'realm.stopService',
  startService: 'realm.startService',
  showContainerLogs: 'realm.showContainerLogs',
  refreshContainerLogs: 'realm.refreshContainerLogs',
  openInGrafana: 'realm.openInGrafana',
} as const;

/** A Services-tree project node (`{ role }`) picks the project; otherwise the command's default. */
const roleOf = (arg: unknown, fallback: ProjectRole): ProjectRole => {
  const role = (arg as { role?: unknown } | undefined)?.role;
  return role === 'app' || role === 'stack' ? role : fallback;
};

/** The stack commands' rows for the one command table. */
export function stackCommandTable(deps: StackCommandDeps): CommandTable {
  return {
    [StackCommandIds.stackUp]: (arg?: unknown) => stackUp(deps, roleOf(arg, 'stack')),
    [StackCommandIds.stackDown]: (arg?: unknown) => stackDown(deps, roleOf(arg, 'stack')),
    [StackCommandIds.appUp]: () => stackUp(deps, 'app'),
    [StackCommandIds.appDown]: () => stackDown(deps, 'app'),
    [StackCommandIds.restartService]: (arg?: unknown) => restartService(deps, arg),
    [StackCommandIds.stopService]: (arg?: unknown) => setServiceRunning(deps, false, arg),
    [StackCommandIds.startService]: (arg?: unknown) => setServiceRunning(deps, true, arg),
    [StackCommandIds.showContainerLogs]: (arg?: unknown) => showContainerLogs(deps, arg),
    [StackCommandIds.refreshContainerLogs]: (uri?: unknown) => deps.logDocuments?.refresh(uri instanceof vscode.Uri ? uri : undefined),
    [StackCommandIds.openInGrafana]: (arg?: unknown) => openInGrafana(deps, arg),
  };
}

/**
 * Realm: Stack Up / App Up — `compose up -d` for the stack (or the app project) inside a cancellable
 * notification titled "Realm: App Up — <project>", output streamed to the log, then the per-service
 * result. Returns the outcome (host tests assert on it); undefined when refused or cancelled.
 */
export async function stackUp(deps: StackCommandDeps, role: ProjectRole = 'stack'): Promise<UpOutcome | undefined> {
  const verb = role === 'stack' ? 'Stack Up' : 'App Up';
  if (!requireTrust(deps, verb)) return undefined;
  return withComposeProgress(
    deps,
    verb,
    async (runner, project, onLine, signal, model) => {
      deps.output.info(`[compose] ${runner.argv(project, ['up', '-d']).join(' ')}`);
      const outcome = await composeUp(runner, deps.docker, project, { onLine, signal, model });
      clearComposeProblems(deps.diagnostics, project.files);
      logResults(deps, project.projectName, outcome.results);
      const failed = outcome.results.filter((r) => r.outcome === 'failed');
      const counts = (['healthy', 'started'] as const).map((o) => `${outcome.results.filter((r) => r.outcome === o).length} ${o}`).join(', ');
      const message =
        failed.length === 0
          ? `Realm: ${project.projectName} is up — ${counts}.`
          : `Realm: ${project.projectName}: ${failed.length} of ${outcome.results.length} services failed — ${failed.map((r) => `${r.service}: ${r.reason ?? 'failed'}`).join('; ')}`;
      const show = failed.length === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(withoutLinks(message), 'Show Logs').then((c) => c && deps.output.show(true));
      // Grafana keeps the password its data volume was created with: say so when Realm's no longer signs in
      if (role === 'stack' && outcome.results.some((r) => r.service === 'grafana' && r.outcome === 'healthy'))
        void checkGrafanaPassword(deps).catch((e: Error) => deps.output.warn(`[grafana] ${e.message}`));
      return outcome;
    },
    role,
  );
}

/** Realm: Stack Down / App Down — `compose down` for the stack (or the app project), cancellable, output streamed. */
export async function stackDown(deps: StackCommandDeps, role: ProjectRole = 'stack'): Promise<boolean> {
  const verb = role === 'stack' ? 'Stack Down' : 'App Down';
  if (!requireTrust(deps, verb)) return false;
  const done = await withComposeProgress(
    deps,
    verb,
    async (runner, project, onLine, signal) => {
      deps.output.info(`[compose] ${runner.argv(project, ['down']).join(' ')}`);
      await ensureEngine(deps.docker);
      await composeDown(runner, project, { onLine, signal });
      void vscode.window.showInformationMessage(`Realm: ${project.projectName} is down.`);
      return true;
    },
    role,
  );
  return done ?? false;
}
