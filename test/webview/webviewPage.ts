/**
 * Loads a BUILT webview bundle (dist/webview, `npm run build` first) in headless Chromium, in a
 * page made by the extension's own HTML builder (same CSP), with a stand-in for `acquireVsCodeApi`
 * that records what the webview posts. Tests post protocol messages and read what a user sees.
 */
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, Browser, Page } from 'playwright-core';
import { createNonce, renderPanelHtml, WebviewBundle } from '../../src/webviews/html';
import type { ExtensionMessage } from '../../src/shared/protocol';
import type { IncidentToExtension } from '../../src/shared/incidentProtocol';
import type { LogsToExtension } from '../../src/shared/logsProtocol';
import type { MetricsToExtension } from '../../src/shared/metricsProtocol';

/** Whatever a panel's webview may post. */
export type WebviewMessage = MetricsToExtension | LogsToExtension | IncidentToExtension;

// Browser globals used inside page.evaluate callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any;

const ROOT = path.resolve(__dirname, '../../..');
// the harness's one Chromium set-up (test/infra/codeServer.js, plain JS run as is), as the host tier launches it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CHROMIUM_BIN, CHROMIUM_ARGS } = require(path.join(ROOT, 'test/infra/codeServer.js')) as { CHROMIUM_BIN: string; CHROMIUM_ARGS: string[] };

/** Serves the panel page and the bundles from dist/webview only, like localResourceRoots. */
async function serve(): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const panel = /^\/panel\/(metrics|logs|incident)$/.exec(url.pathname);
    if (panel) {
      const bundle = panel[1];
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        renderPanelHtml({
          cspSource: origin,
          nonce: createNonce(),
          title: bundle,
          scriptUri: `${origin}/dist/webview/${bundle}.js`,
          styleUri: `${origin}/dist/webview/${bundle}.css`,
        }),
      );
      return;
    }
    const file = /^\/dist\/webview\/([a-z]+\.(?:js|css))$/.exec(url.pathname);
    if (!file) return void res.writeHead(404).end();
    try {
      const body = await readFile(path.join(ROOT, 'dist/webview', file[1]));
      res.writeHead(200, { 'content-type': file[1].endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export class WebviewPage {
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private readonly server: http.Server,
    private readonly ownsBrowser: boolean,
  ) {}

  /** A headless Chromium for `open({ browser })`: a bench opening many pages launches it once. */
  static launchBrowser(): Promise<Browser> {
    return chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS });
  }

  /** Opens `bundle` with an optional saved state (as VS Code restores after a reload). */
  static async open(
    bundle: WebviewBundle,
    savedState?: unknown,
    options: { viewport?: { width: number; height: number }; initScript?: (() => void) | string; browser?: Browser } = {},
  ): Promise<WebviewPage> {
    const { server, origin } = await serve();
    const browser = options.browser ?? (await WebviewPage.launchBrowser());
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1200, height: 800 } });
    const wp = new WebviewPage(browser, page, server, !options.browser);
    page.on('dialog', (d) => {
      wp.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => wp.pageErrors.push(e.message));
    await page.addInitScript((state) => {
      const w = window as unknown as Record<string, unknown>;
      w.__posted = [];
      w.__state = state;
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) =>
        (w.__cspViolations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`),
      );
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => (w.__posted as unknown[]).push(JSON.parse(JSON.stringify(m))),
        getState: () => w.__state,
        setState: (s: unknown) => {
          w.__state = s;
        },
      });
    }, savedState ?? null);
    if (options.initScript) await page.addInitScript(options.initScript);
    await page.goto(`${origin}/panel/${bundle}`);
    await wp.waitForPosted('ready');
    return wp;
  }

  /** Delivers a message as the extension's `webview.postMessage` does. */
  async send(message: ExtensionMessage): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  async posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (window as { __posted: WebviewMessage[] }).__posted);
  }

  /** Waits until the webview has posted a message of `type` (and matching `where`), returns the last one. */
  async waitForPosted<T extends WebviewMessage['type']>(
    type: T,
    where: (m: Extract<WebviewMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<WebviewMessage, { type: T }>> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = (await this.posted()).filter((m): m is Extract<WebviewMessage, { type: T }> => m.type === type).filter(where);
      if (found.length) return found[found.length - 1];
      if (Date.now() > deadline)
        throw new Error(`webview did not post ${type} within 15 s; posted: ${JSON.stringify((await this.posted()).map((m) => m.type))}`);
      await this.page
        .waitForFunction((n) => (window as { __posted: unknown[] }).__posted.length > n, (await this.posted()).length, {
          timeout: Math.max(1, deadline - Date.now()),
        })
        .catch(() => undefined);
    }
  }

  async savedState<T>(): Promise<T> {
    return this.page.evaluate(() => (window as { __state: T }).__state);
  }

  async cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as { __cspViolations: string[] }).__cspViolations);
  }

  private closed = false;

  /** Closes the page (and the browser, if it launched it) and the server (once: a test may close early, the suite's fixture closes again). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsBrowser) await this.browser.close();
    else await this.page.context().close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
