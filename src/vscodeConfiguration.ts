import * as vscode from 'vscode';
import type { ConfigurationHost } from './platform/settings';

/**
 * VS Code's configuration as the Settings module (platform/settings.ts) reads and writes it. Writes go to the
 * workspace's settings when a folder is open (a healer opt-out belongs to the project), else to the user's.
 */
export function vscodeConfiguration(): ConfigurationHost {
  return {
    get: (section) => (key, fallback) => vscode.workspace.getConfiguration(section).get(key, fallback),
    update: (section, key, value) =>
      vscode.workspace
        .getConfiguration(section)
        .update(key, value, vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global),
    onDidChangeConfiguration: vscode.workspace.onDidChangeConfiguration,
    isTrusted: () => vscode.workspace.isTrusted,
  };
}
