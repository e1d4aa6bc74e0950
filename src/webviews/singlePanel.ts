import * as vscode from 'vscode';
import type { Logger } from '../platform/logger';
import { grafanaExploreUrl } from '../core/grafanaLinks';
import type { ExtensionMessage, WebviewMessage } from '../shared/protocol';
import { panelWebviewOptions, type WebviewBundle } from './html';
import { PanelHost } from './panelHost';

export interface SinglePanelSpec {
  viewType: string;
  title: string;
  bundle: WebviewBundle;
  extensionUri: vscode.Uri;
  logger: Logger;
  /** Opens a Grafana page; the extension checks Grafana is up first (src/commands/openInGrafana.ts). Default: opens it. */
  openGrafana?: (url: string) => Promise<unknown>;
}

/**
 * The lifecycle both panels share: at most one panel at a time (revealed when it exists), revived
 * by the serializer after a reload, its messages checked by a PanelHost, and what it posted
 * observable through `onDidPost`. Subclasses answer the webview's messages.
 */
export abstract class SinglePanel {
  private host: PanelHost | undefined;
  private readonly posted = new vscode.EventEmitter<ExtensionMessage>();
  /** Every message that reached the panel's webview (read-only; for host-tier tests and other observers). */
  readonly onDidPost: vscode.Event<ExtensionMessage> = this.posted.event;

  constructor(private readonly spec: SinglePanelSpec) {}

  /** Serializer: a panel restored after a reload. Its webview restores its own state. */
  revive(panel: vscode.WebviewPanel): void {
    this.host?.dispose();
    this.attach(panel);
  }

  dispose(): void {
    this.host?.dispose();
    this.posted.dispose();
  }

  /** Opens the panel (or reveals it) and, with a query, sets and runs it. */
  protected open(query?: string): void {
    if (!this.host) {
      // the narrow resource roots apply from creation, not only once the page is set
      this.attach(vscode.window.createWebviewPanel(this.spec.viewType, this.spec.title, vscode.ViewColumn.Active, panelWebviewOptions(this.spec.extensionUri)));
    } else {
      this.host.panel.reveal();
    }
    if (query) this.post({ type: 'setQuery', query, run: true });
  }

  /** Sends to the webview (queued until it is ready; dropped once the panel is closed). */
  protected post(message: ExtensionMessage): void {
    this.host?.post(message);
  }

  /** Answers one validated message from the webview (copy and Open in Grafana are handled here). */
  protected abstract onMessage(message: WebviewMessage): Promise<void>;

  /** Grafana's URL and this panel's data source there, for "Open in Grafana Explore". */
  protected abstract grafanaTarget(): { url: string; datasource: { type: 'prometheus' | 'loki'; uid: string } };

  private async handle(m: WebviewMessage): Promise<void> {
    if (m.type === 'copy') {
      await vscode.env.clipboard.writeText(m.text);
    } else if (m.type === 'runCommand') {
      // a fixed mapping: the webview names a fix, never a command id
      await vscode.commands.executeCommand(m.command === 'stackUp' ? 'realm.stackUp' : 'realm.useExistingBackends');
    } else if (m.type === 'openInGrafana') {
      const g = this.grafanaTarget();
      const url = grafanaExploreUrl({ grafanaUrl: g.url, datasource: g.datasource, query: m.query, range: m.range });
      await (this.spec.openGrafana ? this.spec.openGrafana(url) : vscode.env.openExternal(vscode.Uri.parse(url, true)));
    } else {
      await this.onMessage(m);
    }
  }

  /** The panel closed: stop whatever it had running. */
  protected abstract onClosed(): void;

  private attach(panel: vscode.WebviewPanel): void {
    const host = new PanelHost(panel, this.spec.extensionUri, this.spec.bundle, this.spec.logger, (m) => this.handle(m));
    const forward = host.onDidPost((m) => this.posted.fire(m));
    host.onDispose(() => {
      forward.dispose();
      this.onClosed();
      if (this.host === host) this.host = undefined;
    });
    this.host = host;
  }
}
