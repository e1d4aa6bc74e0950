/**
 * Shared by the extension (log-level detection) and the Logs webview (display): one definition, so
 * what is shown and what the level is read from never disagree. No vscode, no DOM.
 */

/** ANSI escape sequences (colours, cursor moves, OSC titles) that terminals interpret and we must not show. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Removes ANSI escape sequences so the text (and level detection) sees what a terminal would show. */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}
