import * as vscode from 'vscode';
import type { Logger } from '../platform/logger';
import { Disposable, toDisposable } from '../platform/disposable';
import { applyPanelHtml, WebviewBundle } from './html';

/**
 * What both panels share: the page (HTML + CSP), protocol checks on what the webview posts
 * (malformed messages are dropped and logged), and a queue that holds outgoing messages until the
 * webview has said `ready` (a message posted before its listener exists is lost).
 */
export class PanelHost<In extends { type: string }, Out extends { type: string }> extends Disposable {
  private ready = false;
  private queue: Out[] = [];
  private readonly disposeListeners: Array<() => void> = [];
  private readonly postedEmitter = this.register(new vscode.EventEmitter<Out>());
  /**
   * Fires with each message once the webview has accepted it. Read-only and for observers such as
   * the host-tier tests ("the panel got a result"); the panels never depend on it.
   */
  readonly onDidPost: vscode.Event<Out> = this.postedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    bundle: WebviewBundle,
    private readonly logger: Logger,
    /** The panel protocol's check of what its webview posts. */
    isInbound: (raw: unknown) => raw is In,
    onMessage: (message: In) => void | Promise<void>,
  ) {
    super();
    applyPanelHtml(panel.webview, extensionUri, bundle, panel.title);
    this.register(
      panel.webview.onDidReceiveMessage(async (raw: unknown) => {
        if (!isInbound(raw)) {
          this.logger.warn(`${bundle} panel: dropped a malformed message: ${safePreview(raw)}`);
          return;
        }
        if (raw.type === 'ready') this.onReady();
        try {
          await onMessage(raw);
        } catch (err) {
          this.logger.error(err instanceof Error ? err : String(err));
        }
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(toDisposable(() => this.disposeListeners.forEach((l) => l())));
  }

  /** Runs `listener` when the panel closes (or the host is disposed). */
  onDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  /** Sends now if the webview is ready, else after its `ready`. */
  post(message: Out): void {
    if (this.isDisposed) return;
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message).then(
      (delivered) => {
        if (delivered) this.postedEmitter.fire(message);
      },
      (err: unknown) => this.logger.warn(`could not post to the webview: ${String(err)}`),
    );
  }

  private onReady(): void {
    // A reloaded webview says ready again: it has lost everything, so flush what is queued now.
    this.ready = true;
    const queued = this.queue.splice(0);
    for (const m of queued) this.post(m);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }
}

function safePreview(raw: unknown): string {
  try {
    return JSON.stringify(raw)?.slice(0, 200) ?? String(raw);
  } catch {
    return typeof raw;
  }
}

/** The message a user should see for a failed backend call: the server's own text when there is one. */
export function userMessage(err: unknown): string {
  const e = err as { serverMessage?: string; message?: string; status?: number };
  if (e?.serverMessage) return e.serverMessage;
  return e?.message ?? String(err);
}

export { unreachableMessage } from '../core/backendErrorText';
