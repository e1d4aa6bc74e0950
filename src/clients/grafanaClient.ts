import type { Dispatcher } from 'undici';
import { BackendError, HttpTransport } from './http';

export interface GrafanaClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/** Whether Grafana signs a user in with a password: `accepted`, `rejected` (401), or `starting` (503). */
export type SignInCheck = 'accepted' | 'rejected' | 'starting';

/**
 * Client for the few Grafana HTTP API calls Realm makes. vscode-free; the password is passed per
 * call (basic auth), never stored here, and never part of an error message.
 */
export class GrafanaClient {
  constructor(private readonly options: GrafanaClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * `GET /api/user` as `user`: 200 means the password signs in, 401 that Grafana rejects it (its
   * admin password is kept in its database and only set from the environment when that is created).
   */
  async checkSignIn(user: string, password: string, signal?: AbortSignal): Promise<SignInCheck> {
    const transport = new HttpTransport({
      backend: 'grafana', baseUrl: this.options.baseUrl, timeoutMs: this.options.timeoutMs ?? 5_000, dispatcher: this.options.dispatcher,
      auth: { kind: 'basic', username: user, password },
      parseError: (_status, body) => ({ message: grafanaMessage(body) }),
    });
    try {
      await transport.json({ path: '/api/user', signal }, (v) => {
        if (!v || typeof v !== 'object' || typeof (v as { login?: unknown }).login !== 'string') throw new Error('data.login should be a string');
        return v;
      });
      return 'accepted';
    } catch (err) {
      if (err instanceof BackendError && err.kind === 'http' && err.status === 401) return 'rejected';
      if (err instanceof BackendError && err.kind === 'http' && err.status === 503) return 'starting';
      throw err;
    }
  }
}

/** Grafana errors are `{"message": "…"}`; anything else is shown trimmed. */
function grafanaMessage(body: string): string {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.trim().slice(0, 300);
}
