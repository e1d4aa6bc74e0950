import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { applyPanelHtml, contentSecurityPolicy, createNonce, renderPanelHtml } from '../../src/webviews/html';

/** Enough of vscode.Uri for the HTML builder (it only uses `path`, `with` and `toString`). */
function fakeUri(scheme: string, path: string): vscode.Uri {
  const uri = {
    scheme,
    path,
    with: (change: { path?: string }) => fakeUri(scheme, change.path ?? path),
    toString: () => `${scheme}://ext${path}`,
  };
  return uri as unknown as vscode.Uri;
}

describe('webview HTML builder', () => {
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

  it('builds the exact CSP: nothing by default, nonce scripts, own-origin styles/images/fonts', () => {
    assert.equal(
      contentSecurityPolicy(cspSource, 'abc'),
      `default-src 'none'; script-src 'nonce-abc'; style-src ${cspSource}; img-src ${cspSource} data:; font-src ${cspSource}`,
    );
  });

  it('makes a different, unguessable nonce every time', () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    assert.equal(nonces.size, 1000);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9_-]{24}$/);
  });

  it('loads only the bundle from dist/webview and limits resource roots to it', () => {
    const webview = {
      cspSource,
      options: {} as vscode.WebviewOptions,
      html: '',
      asWebviewUri: (u: vscode.Uri) => fakeUri('https', u.path),
    };
    applyPanelHtml(webview as unknown as vscode.Webview, fakeUri('file', '/ext/realm'), 'logs', 'Realm Logs');
    assert.deepEqual(
      webview.options.localResourceRoots?.map((u) => u.path),
      ['/ext/realm/dist/webview'],
    );
    assert.equal(webview.options.enableScripts, true);
    const srcs = [...webview.html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(srcs, ['https://ext/ext/realm/dist/webview/logs.css', 'https://ext/ext/realm/dist/webview/logs.js']);
    const origins = [...webview.html.matchAll(/https?:\/\/[^\s"';]+/g)].map((m) => m[0]);
    for (const o of origins) assert.ok(o === cspSource || o.startsWith('https://ext/ext/realm/dist/webview/'), `no remote source: ${o}`);
    assert.doesNotMatch(webview.html, /<script(?![^>]*nonce=)/, 'every script carries the nonce');
    assert.doesNotMatch(webview.html, /<script[^>]*>[^<]/, 'no inline script body');
    assert.doesNotMatch(webview.html, /unsafe-inline|unsafe-eval/);
  });

  it('escapes what it puts into attributes', () => {
    const html = renderPanelHtml({ cspSource, nonce: 'n', title: '<x>"', scriptUri: 'a"b', styleUri: 's' });
    assert.match(html, /src="a&quot;b"/);
    assert.match(html, /<title>&lt;x&gt;&quot;<\/title>/);
  });
});
