import type { Dispatcher } from 'undici';
import { BackendError, HttpAuth, HttpTransport } from './http';
import { expectObject, expectString } from './validate';

export interface GrafanaClientOptions {
  baseUrl: string;
  auth?: HttpAuth;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/** Whether Grafana signs a user in with a password: `accepted`, `rejected` (401), or `starting` (503). */
export type SignInCheck = 'accepted' | 'rejected' | 'starting';

/**
 * The one client for the few Grafana HTTP API calls Realm makes: whether Grafana is up ("Open in
 * Grafana" checks first, so a stack that is down gets a message instead of a tab that fails), and
 * whether the stored admin password still signs in. vscode-free; a password passed to
 * `checkSignIn` is used for that call only, never stored here, and never part of an error message.
 */
export class GrafanaClient {
  private readonly transport: HttpTransport;

  constructor(private readonly options: GrafanaClientOptions) {
    this.transport = new HttpTransport({
      backend: 'grafana',
      baseUrl: options.baseUrl,
      auth: options.auth,
      timeoutMs: options.timeoutMs ?? 3000,
      dispatcher: options.dispatcher,
      maxBodyBytes: 64 * 1024,
    });
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** `/api/health` (no login needed): `{ database: "ok", version }` when Grafana serves. Throws a BackendError otherwise. */
  health(options: { signal?: AbortSignal } = {}): Promise<{ database: string; version?: string }> {
    return this.transport.json({ path: '/api/health', signal: options.signal }, (body) => {
      const o = expectObject(body, 'health');
      return { database: expectString(o.database, 'health.database'), version: typeof o.version === 'string' ? o.version : undefined };
    });
  }

  /**
   * `GET /api/user` as `user`: 200 means the password signs in, 401 that Grafana rejects it (its
   * admin password is kept in its database and only set from the environment when that is created).
   */
  async checkSignIn(user: string, password: string, signal?: AbortSignal): Promise<SignInCheck> {
    const transport = new HttpTransport({
      backend: 'grafana',
      baseUrl: this.options.baseUrl,
      timeoutMs: this.options.timeoutMs ?? 5_000,
      dispatcher: this.options.dispatcher,
      auth: { kind: 'basic', username: user, password },
      parseError: (_status, body) => ({ message: grafanaMessage(body) }),
    });
    try {
      await transport.json({ path: '/api/user', signal }, (v) => {
        const o = expectObject(v, 'user');
        return expectString(o.login, 'user.login');
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
