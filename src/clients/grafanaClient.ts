import type { Dispatcher } from 'undici';
import { HttpAuth, HttpTransport } from './http';
import { expectObject, expectString } from './validate';

export interface GrafanaClientOptions {
  baseUrl: string;
  auth?: HttpAuth;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/**
 * Grafana, asked only whether it is up: "Open in Grafana" checks first, so a stack that is down
 * gets a message saying so instead of a browser tab that fails to load.
 */
export class GrafanaClient {
  private readonly transport: HttpTransport;

  constructor(options: GrafanaClientOptions) {
    this.transport = new HttpTransport({ backend: 'grafana', baseUrl: options.baseUrl, auth: options.auth, timeoutMs: options.timeoutMs ?? 3000, dispatcher: options.dispatcher, maxBodyBytes: 64 * 1024 });
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
}
