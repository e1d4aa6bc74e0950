import * as vscode from 'vscode';

/**
 * The one "trust the workspace first" prompt: `does` says what was refused and why it needs trust ("Heal Now
 * restarts containers"). Menus are greyed out by `enablement`, but executeCommand and keybindings still arrive.
 */
export function showTrustRequired(does: string): void {
  void vscode.window
    .showWarningMessage(`Realm: ${does}, which an untrusted workspace does not allow. Trust the workspace first.`, 'Manage Workspace Trust')
    .then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.trust.manage');
    });
}
