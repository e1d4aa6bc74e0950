interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called only once per page: this module holds the one handle. */
const api = acquireVsCodeApi();

/** Posts to the extension; panels post through their MessageHandler, which types the message. */
export function postRaw(message: unknown): void {
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
