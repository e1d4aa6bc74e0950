import * as vscode from 'vscode';
import { execWithStdin } from '../clients/containerExec';
import { GrafanaClient } from '../clients/grafanaClient';
import { STACK_PROJECT_NAME } from '../core/stackEnvironment';
import { GRAFANA_PASSWORD_SECRET, grafanaAdminPassword } from './grafanaPassword';
import { DriftOutcome, RESET_ADMIN_PASSWORD_CMD, resolveGrafanaPasswordDrift } from './grafanaPasswordDrift';
import type { StackCommandDeps } from './stackCommandSupport';

/**
 * After a Stack Up with Grafana healthy: checks that Grafana accepts the password Realm keeps and,
 * when it does not, offers to reset it in the container or to keep the old one (grafanaPasswordDrift.ts).
 */
export function checkGrafanaPassword(deps: StackCommandDeps): Promise<DriftOutcome> {
  const grafana = new GrafanaClient({ baseUrl: deps.settings().grafanaUrl });
  return resolveGrafanaPasswordDrift({
    checkSignIn: (user, password) => grafana.checkSignIn(user, password),
    storedPassword: () => grafanaAdminPassword(deps.secrets),
    storePassword: async (password) => {
      await deps.secrets.store(GRAFANA_PASSWORD_SECRET, password);
    },
    resetInContainer: async (password) => {
      const containers = await deps.docker.listComposeContainers([STACK_PROJECT_NAME]);
      const container = containers.find((c) => c.service === 'grafana' && c.state === 'running');
      if (!container) throw new Error("the stack's Grafana container is not running");
      deps.output.info(`[grafana] docker exec ${container.name} ${RESET_ADMIN_PASSWORD_CMD.join(' ')} (password on stdin)`);
      return execWithStdin(deps.docker, container.id, RESET_ADMIN_PASSWORD_CMD, password);
    },
    ui: {
      choose: (message, ...choices) => Promise.resolve(vscode.window.showWarningMessage(message, ...choices)),
      askPassword: (prompt) => Promise.resolve(vscode.window.showInputBox({ prompt, password: true, ignoreFocusOut: true })),
      info: (m) => void vscode.window.showInformationMessage(m),
      warn: (m) => void vscode.window.showWarningMessage(m, 'Show Logs').then((c) => c && deps.output.show(true)),
    },
    logger: deps.output,
  });
}
