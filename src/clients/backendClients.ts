import { isLoopbackHost } from '../core/loopback';
import { AlertmanagerClient } from './alertmanagerClient';
import { HttpAuth } from './http';
import { LokiClient } from './lokiClient';
import { PrometheusClient } from './prometheusClient';

/** Credentials with the origin they were stored for: they are sent only there. */
export type BoundAuth = HttpAuth & { origin?: string };

/** Where each HTTP backend lives and how to authenticate (secrets come from SecretStorage). */
export interface BackendConfig {
  prometheusUrl: string;
  alertmanagerUrl: string;
  lokiUrl: string;
  lokiTenantId?: string;
  auth: Partial<Record<'prometheus' | 'alertmanager' | 'loki', BoundAuth>>;
}

/**
 * The credentials for a URL, or none when they were stored for another origin: a workspace's
 * settings that point a backend elsewhere must not carry the user's token there.
 */
export function authFor(auth: BoundAuth | undefined, url: string): HttpAuth | undefined {
  if (!auth) return undefined;
  let origin: string | undefined;
  try {
    origin = new URL(url).origin;
  } catch {
    return undefined;
  }
  if (auth.origin !== origin) return undefined;
  const { origin: _bound, ...plain } = auth;
  return plain as HttpAuth;
}

/**
 * The current client for each HTTP backend. Settings and secrets change at run time, so the
 * stores and panels hold this object and read `prometheus`/`alertmanager`/`loki` on each call;
 * each read checks the configuration and swaps in new clients when it changed, so no request
 * ever goes to a backend the user already moved away from.
 */
export class BackendClients {
  private clients!: { prometheus: PrometheusClient; alertmanager: AlertmanagerClient; loki: LokiClient };
  private key = '';

  constructor(private readonly config: () => BackendConfig) {
    this.refresh();
  }

  /** Rebuilds the clients when the configuration differs from the current one; true when it did. */
  refresh(): boolean {
    const config = this.config();
    const key = JSON.stringify(config);
    if (key === this.key) return false;
    this.key = key;
    this.clients = {
      prometheus: new PrometheusClient({ baseUrl: config.prometheusUrl, auth: authFor(config.auth.prometheus, config.prometheusUrl) }),
      alertmanager: new AlertmanagerClient({ baseUrl: config.alertmanagerUrl, auth: authFor(config.auth.alertmanager, config.alertmanagerUrl) }),
      loki: new LokiClient({ baseUrl: config.lokiUrl, tenantId: config.lokiTenantId || undefined, auth: authFor(config.auth.loki, config.lokiUrl) }),
    };
    return true;
  }

  get prometheus(): PrometheusClient {
    this.refresh();
    return this.clients.prometheus;
  }
  get alertmanager(): AlertmanagerClient {
    this.refresh();
    return this.clients.alertmanager;
  }
  get loki(): LokiClient {
    this.refresh();
    return this.clients.loki;
  }
}

/** The Alertmanager calls the alert commands make, always on the current client. */
export function currentAlertmanager(backends: BackendClients): Pick<AlertmanagerClient, 'createSilence' | 'expireSilence' | 'alertsUiUrl' | 'silenceUiUrl'> {
  return {
    createSilence: (...a) => backends.alertmanager.createSilence(...a),
    expireSilence: (...a) => backends.alertmanager.expireSilence(...a),
    alertsUiUrl: (...a) => backends.alertmanager.alertsUiUrl(...a),
    silenceUiUrl: (...a) => backends.alertmanager.silenceUiUrl(...a),
  };
}

/** Non-loopback backend URLs, so the user can be warned once that data leaves the machine. */
export function remoteBackends(config: Pick<BackendConfig, 'prometheusUrl' | 'alertmanagerUrl' | 'lokiUrl'>): string[] {
  const remote: string[] = [];
  for (const [name, url] of Object.entries({ Prometheus: config.prometheusUrl, Alertmanager: config.alertmanagerUrl, Loki: config.lokiUrl })) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('not http(s)');
      const host = parsed.hostname;
      if (!isLoopbackHost(host)) remote.push(`${name} (${url})`);
    } catch {
      remote.push(`${name} (invalid URL "${url}")`);
    }
  }
  return remote;
}
