import { commands, window, workspace } from './vscodeShim';

/** One call a command made to VS Code's UI, in order. */
export interface UiCall {
  api: string;
  args: unknown[];
}

/**
 * Scripts `vscode.window` / `commands` / `workspace` for a command run in plain Node: each prompt
 * answers from `answers` (by API name, first to last; undefined once used up, as when the user
 * presses Escape), every call is recorded. `restore()` empties the namespaces again.
 */
export function scriptUi(
  answers: Partial<
    Record<'showQuickPick' | 'showInputBox' | 'showSaveDialog' | 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage', unknown[]>
  > = {},
) {
  const calls: UiCall[] = [];
  const next = (api: keyof typeof answers) => (answers[api]?.length ? answers[api]!.shift() : undefined);
  const prompt =
    (api: keyof typeof answers) =>
    (...args: unknown[]) => {
      calls.push({ api, args });
      return Promise.resolve(next(api));
    };
  for (const api of ['showQuickPick', 'showInputBox', 'showSaveDialog', 'showErrorMessage', 'showWarningMessage', 'showInformationMessage'] as const)
    window[api] = prompt(api);
  // a quick pick answered by label picks the item with that label
  window.showQuickPick = (items: Array<{ label: string }>, ...rest: unknown[]) => {
    calls.push({ api: 'showQuickPick', args: [items, ...rest] });
    const want = next('showQuickPick');
    return Promise.resolve(typeof want === 'string' ? items.find((i) => i.label === want) : want);
  };
  window.withProgress = (_options: unknown, task: () => unknown) => Promise.resolve(task());
  const registered = new Map<string, (...args: unknown[]) => unknown>();
  commands.registerCommand = (id: string, fn: (...args: unknown[]) => unknown) => {
    registered.set(id, fn);
    return { dispose: () => registered.delete(id) };
  };
  commands.executeCommand = (id: string, ...args: unknown[]) => {
    calls.push({ api: 'executeCommand', args: [id, ...args] });
    return Promise.resolve(registered.get(id)?.(...args));
  };
  const written = new Map<string, Uint8Array>();
  workspace.fs = {
    writeFile: async (uri: { fsPath: string }, bytes: Uint8Array) => {
      written.set(uri.fsPath, bytes);
    },
  };
  return {
    calls,
    registered,
    written,
    /** Calls of one API, as their argument lists. */
    of: (api: string) => calls.filter((c) => c.api === api).map((c) => c.args),
    restore: () => {
      for (const ns of [window, commands, workspace]) for (const k of Object.keys(ns)) delete ns[k];
    },
  };
}
