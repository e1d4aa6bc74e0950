/**
 * Opening Grafana (the dashboard from the Services view, Explore from the panels): it checks that
 * Grafana answers first, so a stack that is down says so — with Stack Up and the URL settings as the
 * next step — instead of opening a browser tab that fails to load. For the local stack's Grafana it
 * offers the generated admin password, and says when it has copied it.
 */
import * as vscode from 'vscode';
import { GrafanaClient } from '../clients/grafanaClient';
import { withoutLinks } from '../core/text';
import { grafanaAdminPassword } from './grafanaPassword';

/** The VS Code calls made here; `vscodeGrafanaUi()` is the real one, unit tests pass a fake. */
export interface GrafanaUi {
  openExternal(url: string): Thenable<boolean>;
  info(message: string, ...items: string[]): Thenable<string | undefined>;
  warn(message: string, ...items: string[]): Thenable<string | undefined>;
  copy(text: string): Thenable<void>;
  executeCommand(command: string): Thenable<unknown>;
}

export interface GrafanaDeps {
  grafanaUrl: () => string;
  secrets: Pick<vscode.SecretStorage, 'get' | 'store'>;
  ui?: GrafanaUi;
  /** Whether Grafana answers (default: its `/api/health`, 3 s). */
  isUp?: (grafanaUrl: string) => Promise<boolean>;
}

export function vscodeGrafanaUi(): GrafanaUi {
  return {
    openExternal: (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
    info: (m, ...i) => vscode.window.showInformationMessage(m, ...i),
    warn: (m, ...i) => vscode.window.showWarningMessage(m, ...i),
    copy: (t) => vscode.env.clipboard.writeText(t),
    executeCommand: (c) => vscode.commands.executeCommand(c),
  };
}

const grafanaIsUp = (url: string) =>
  new GrafanaClient({ baseUrl: url }).health().then(
    () => true,
    () => false,
  );

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Opens `url` (a page of the Grafana at `grafanaUrl()`) if Grafana is up; true when it did. */
export async function openGrafana(deps: GrafanaDeps, url: string): Promise<boolean> {
  const ui = deps.ui ?? vscodeGrafanaUi();
  const grafanaUrl = deps.grafanaUrl();
  if (!(await (deps.isUp ?? grafanaIsUp)(grafanaUrl))) {
    const choice = await ui.warn(
      withoutLinks(
        `Realm: Grafana at ${grafanaUrl} is not running, so there is nothing to open. Start the stack (Stack Up) or set realm.grafanaUrl to a running Grafana.`,
      ),
      'Stack Up',
      'Use Existing Grafana…',
    );
    if (choice === 'Stack Up') await ui.executeCommand('realm.stackUp');
    if (choice === 'Use Existing Grafana…') await ui.executeCommand('realm.useExistingBackends');
    return false;
  }
  await ui.openExternal(url);
  // the generated password belongs to the local stack's Grafana only
  if (isLoopback(grafanaUrl)) {
    void ui.info('Realm: Grafana opened. Sign in as "admin" with the password Realm generated for this stack.', 'Copy Password').then(async (choice) => {
      if (choice !== 'Copy Password') return;
      await ui.copy(await grafanaAdminPassword(deps.secrets));
      void ui.info('Realm: the Grafana admin password is on the clipboard.');
    });
  }
  return true;
}
