import type { ExtensionMessage, WebviewMessage } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called only once per page: this module holds the one handle. */
const api = acquireVsCodeApi();

/** Posts a protocol message to the extension (the only way a webview asks for data). */
export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

/** The state saved with `saveState`, restored by VS Code after a reload or when the panel is revealed. */
export function loadState<T extends object>(defaults: T): T {
  const saved = api.getState();
  return typeof saved === 'object' && saved !== null ? { ...defaults, ...(saved as Partial<T>) } : defaults;
}

export function saveState(state: object): void {
  api.setState(state);
}

/** Subscribes to messages from the extension; anything without a string `type` is ignored. */
export function onExtensionMessage(handler: (message: ExtensionMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown } | null;
    if (data && typeof data.type === 'string') handler(data as ExtensionMessage);
  });
}
