/** A WebviewPanel and extension Uri as the panels use them, for plain-Node tests of the panel classes. */
import type * as vscode from 'vscode';
import type { ExtensionMessage } from '../../../src/shared/protocol';

export function fakeUri(p: string): vscode.Uri {
  const uri = { scheme: 'file', path: p, with: (c: { path?: string }) => fakeUri(c.path ?? p), toString: () => `file://${p}` };
  return uri as unknown as vscode.Uri;
}

/** A WebviewPanel as PanelHost uses it: records posts, lets the test post as the webview and close the panel. */
export function fakePanel(): { panel: vscode.WebviewPanel; posted: ExtensionMessage[]; receive: (m: unknown) => Promise<unknown>; close: () => void } {
  const posted: ExtensionMessage[] = [];
  let listener: (m: unknown) => unknown = () => undefined;
  const disposeListeners: Array<() => void> = [];
  let disposed = false;
  const close = () => {
    if (disposed) return;
    disposed = true;
    for (const l of disposeListeners.splice(0)) l();
  };
  const webview = {
    cspSource: 'vscode-resource:',
    options: {},
    html: '',
    asWebviewUri: (u: vscode.Uri) => u,
    onDidReceiveMessage: (l: (m: unknown) => unknown) => {
      listener = l;
      return { dispose: () => undefined };
    },
    postMessage: async (m: ExtensionMessage) => {
      posted.push(m);
      return true;
    },
  };
  const panel = {
    title: 'Realm Logs',
    webview,
    reveal: () => undefined,
    dispose: close,
    onDidDispose: (l: () => void) => {
      disposeListeners.push(l);
      return { dispose: () => undefined };
    },
  };
  return { panel: panel as unknown as vscode.WebviewPanel, posted, receive: async (m) => listener(m), close };
}
