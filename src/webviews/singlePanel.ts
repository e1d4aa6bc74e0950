import * as vscode from 'vscode';
import type { Logger } from '../platform/logger';
import { grafanaExploreUrl } from '../core/grafanaLinks';
import type { Reply } from '../shared/messaging';
import type { CommonToExtension } from '../shared/protocol';
import { panelWebviewOptions, type WebviewBundle } from './html';
import { PanelHost } from './panelHost';

export interface SinglePanelSpec<In> {
  viewType: string;
  title: string;
  bundle: WebviewBundle;
  extensionUri: vscode.Uri;
  logger: Logger;
  /** The panel protocol's check of what its webview posts (anything else is dropped and logged). */
  isInbound: (raw: unknown) => raw is In;
  /** Opens a Grafana page; the extension checks Grafana is up first (src/commands/openInGrafana.ts). Default: opens it. */
  openGrafana?: (url: string) => Promise<unknown>;
}

/** What a panel answers itself: its own messages, and `ready` (the webview (re)loaded). */
export type OwnMessage<In> = Exclude<In, CommonToExtension> | { type: 'ready' };

/**
 * The lifecycle every panel shares: at most one panel at a time (revealed when it exists), revived
 * by the serializer after a reload, its messages checked by a PanelHost against the panel's own
 * protocol, and what it posted observable through `onDidPost`. Subclasses answer their messages.
 */
export abstract class SinglePanel<In extends { type: string }, Out extends { type: string }> {
  private host: PanelHost<In | CommonToExtension, Out> | undefined;
  private readonly posted = new vscode.EventEmitter<Out>();
  /** Every message that reached the panel's webview (read-only; for host-tier tests and other observers). */
  readonly onDidPost: vscode.Event<Out> = this.posted.event;

  constructor(private readonly spec: SinglePanelSpec<In>) {}

  /** Serializer: a panel restored after a reload. Its webview restores its own state. */
  revive(panel: vscode.WebviewPanel): void {
    this.host?.dispose();
    this.attach(panel);
  }

  dispose(): void {
    this.host?.dispose();
    this.posted.dispose();
  }

  /** True while the panel is open. */
  get isOpen(): boolean {
    return this.host !== undefined;
  }

  /** Opens the panel (or reveals it); `first` is sent after (queued until the webview is ready). */
  protected openPanel(first?: Out): void {
    if (!this.host) {
      // the narrow resource roots apply from creation, not only once the page is set
      this.attach(vscode.window.createWebviewPanel(this.spec.viewType, this.spec.title, vscode.ViewColumn.Active, panelWebviewOptions(this.spec.extensionUri)));
    } else {
      this.host.panel.reveal();
    }
    if (first) this.post(first);
  }

  /** Sends to the webview (queued until it is ready; dropped once the panel is closed). */
  protected post(message: Out): void {
    this.host?.post(message);
  }

  /** Answers a request: the reply carries the request's id, which the webview correlates. */
  protected reply<R extends Out & Reply>(request: Reply, answer: Omit<R, 'requestId'>): void {
    this.post({ ...answer, requestId: request.requestId } as unknown as Out);
  }

  /** Answers one validated message of the panel's own protocol. */
  protected abstract onMessage(message: OwnMessage<In>): Promise<void>;

  /** Grafana's URL and this panel's data source there, for "Open in Grafana Explore" (panels without it: undefined). */
  protected grafanaTarget(): { url: string; datasource: { type: 'prometheus' | 'loki'; uid: string } } | undefined {
    return undefined;
  }

  private async handle(m: In | CommonToExtension): Promise<void> {
    const common = m as CommonToExtension;
    switch (common.type) {
      case 'copy':
        await vscode.env.clipboard.writeText(common.text);
        return;
      case 'runCommand':
        // a fixed mapping: the webview names a fix, never a command id
        await vscode.commands.executeCommand(common.command === 'stackUp' ? 'realm.stackUp' : 'realm.useExistingBackends');
        return;
      case 'openInGrafana': {
        const g = this.grafanaTarget();
        if (!g) return;
        const url = grafanaExploreUrl({ grafanaUrl: g.url, datasource: g.datasource, query: common.query, range: common.range });
        await (this.spec.openGrafana ? this.spec.openGrafana(url) : vscode.env.openExternal(vscode.Uri.parse(url, true)));
        return;
      }
      default:
        await this.onMessage(m as OwnMessage<In>);
    }
  }

  /** The panel closed: stop whatever it had running. */
  protected abstract onClosed(): void;

  private attach(panel: vscode.WebviewPanel): void {
    const host = new PanelHost<In | CommonToExtension, Out>(panel, this.spec.extensionUri, this.spec.bundle, this.spec.logger, this.spec.isInbound, (m) =>
      this.handle(m),
    );
    const forward = host.onDidPost((m) => this.posted.fire(m));
    host.onDispose(() => {
      forward.dispose();
      this.onClosed();
      if (this.host === host) this.host = undefined;
    });
    this.host = host;
  }
}
