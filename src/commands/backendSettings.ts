import * as vscode from 'vscode';

/**
 * The Settings editor filtered to Realm's backend URLs (Prometheus, Alertmanager, Loki, Grafana):
 * "Use Existing Prometheus/Alertmanager…" for a user whose backends already run elsewhere. A
 * filtered Settings editor, as GitLens and the GitHub Pull Requests extension open for their
 * connection settings, rather than a wizard that would duplicate what Settings validates.
 */
export const BACKEND_SETTINGS_QUERY = '@ext:realm.realm-observability url';

export function openBackendSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', BACKEND_SETTINGS_QUERY);
}
