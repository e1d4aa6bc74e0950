import type * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** The webview bundles esbuild writes (`media/<name>/main.ts` → `dist/webview/<name>.js` + `.css`). */
export type WebviewBundle = 'metrics' | 'logs' | 'incident';

/** Where bundles live, relative to the extension root: the only folder a webview may load from. */
export const WEBVIEW_DIST = 'dist/webview';

/** A fresh, unguessable nonce for one page's script tag. */
export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The Content-Security-Policy of every Realm webview: nothing by default, the bundle's script by
 * nonce, styles/images/fonts only from the webview's own resource origin. No remote origin, no
 * inline script, no eval, no network (`connect-src` stays at 'none': the extension fetches).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `img-src ${cspSource} data:`, `font-src ${cspSource}`].join('; ');
}

export interface PageParts {
  cspSource: string;
  nonce: string;
  title: string;
  scriptUri: string;
  styleUri: string;
}

/**
 * The page around a bundle: CSP meta, the bundle's stylesheet and script, an empty `#app` the
 * script fills. Only our own constant strings and URIs go in here; no data is ever interpolated.
 */
export function renderPanelHtml(p: PageParts): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>${attr(p.title)}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>`;
}

/** `Uri.joinPath` without a runtime `vscode` import (so this file loads in plain-Node tests). */
function child(base: vscode.Uri, ...segments: string[]): vscode.Uri {
  return base.with({ path: [base.path.replace(/\/+$/, ''), ...segments].join('/') });
}

/** Webview options for a Realm panel: scripts on, resources only from `dist/webview`. */
export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [child(extensionUri, ...WEBVIEW_DIST.split('/'))],
    // The webview keeps its own state through getState/setState, so it need not stay alive hidden.
    retainContextWhenHidden: false,
  };
}

/** Sets a panel's webview options and HTML for one bundle. */
export function applyPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: WebviewBundle, title: string): void {
  webview.options = panelWebviewOptions(extensionUri);
  const dist = child(extensionUri, ...WEBVIEW_DIST.split('/'));
  webview.html = renderPanelHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    title,
    scriptUri: webview.asWebviewUri(child(dist, `${bundle}.js`)).toString(),
    styleUri: webview.asWebviewUri(child(dist, `${bundle}.css`)).toString(),
  });
}
