import type { AlertCommandUi } from '../../src/commands/alertCommands';

/** One call an alert command made to its UI, in order. */
export interface AlertUiCall {
  kind: 'input' | 'pick' | 'info' | 'warning' | 'error' | 'open' | 'command';
  args: unknown[];
}

/**
 * An AlertCommandUi that records every call and answers prompts from a script: input boxes,
 * warnings and errors answer from their lists, first to last (undefined once used up, as when the
 * user presses Escape); a quick pick takes its first item with `pickFirst`, else is dismissed.
 */
export function recordingAlertUi(
  answers: { input?: (string | undefined)[]; warning?: (string | undefined)[]; error?: (string | undefined)[]; pickFirst?: boolean } = {},
) {
  const calls: AlertUiCall[] = [];
  const record = <T>(kind: AlertUiCall['kind'], args: unknown[], answer: T): Promise<T> => {
    calls.push({ kind, args });
    return Promise.resolve(answer);
  };
  const ui: AlertCommandUi = {
    showInputBox: (o) => record('input', [o], answers.input?.shift()),
    showQuickPick: (items) => record('pick', [items], answers.pickFirst ? items[0] : undefined),
    showInformationMessage: (m) => record('info', [m], undefined),
    showWarningMessage: (m) => record('warning', [m], answers.warning?.shift()),
    showErrorMessage: (m, ...i) => record('error', [m, ...i], answers.error?.shift()),
    openExternal: (url) => record('open', [url], true),
    executeCommand: (c, ...a) => record('command', [c, ...a], undefined),
  };
  return { ui, calls };
}
