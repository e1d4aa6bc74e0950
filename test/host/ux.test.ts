/**
 * Issue 13 in the real extension host: the keybindings Realm contributes clash with none of VS
 * Code's defaults (read from VS Code's own "Default Keyboard Shortcuts (JSON)"), and each runs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { realmApi, waitFor } from './helpers';

/** Every `key` of VS Code's default keybindings, as the workbench generates them for this platform. */
async function defaultKeys(): Promise<string[]> {
  await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
  const doc = await waitFor(() => vscode.window.activeTextEditor?.document, 'the default keybindings document', 30_000);
  const keys = [...doc.getText().matchAll(/"key":\s*"([^"]+)"/g)].map((m) => m[1]);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return keys;
}

describe('UX: keybindings (real extension host)', function () {
  this.timeout(120_000);

  it('contributes keybindings whose chord prefix no VS Code default uses', async () => {
    await realmApi();
    const defaults = await defaultKeys();
    assert.ok(defaults.length > 300, `read VS Code's defaults (${defaults.length})`);
    if (process.env.REALM_UX_DUMP_KEYS) fs.writeFileSync(process.env.REALM_UX_DUMP_KEYS, defaults.join('\n'));
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { keybindings?: { key: string; command: string }[] } };
    const ours = manifest.contributes.keybindings ?? [];
    assert.ok(ours.length >= 4);
    const firstParts = new Set(defaults.map((k) => k.split(' ')[0]));
    for (const k of ours) {
      const first = k.key.split(' ')[0];
      assert.ok(!firstParts.has(first), `${k.key} (${k.command}): VS Code already binds ${first}`);
      assert.ok(!defaults.includes(k.key), `${k.key} is a VS Code default`);
    }
  });
});
