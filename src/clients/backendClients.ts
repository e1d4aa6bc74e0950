import { isLoopbackHost } from '../core/loopback';
import { AlertmanagerClient } from './alertmanagerClient';
import { HttpAuth } from './http';
import { LokiClient } from './lokiClient';
import { PrometheusClient } from './prometheusClient';
import type { Event } from '../platform/event';
import type { SettingsChange } from '../platform/settings';
import type { AlertSources } from '../state/alertStore';

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

/** The settings sections whose change rebuilds the clients. */
export const BACKEND_SECTIONS = ['realm.prometheusUrl', 'realm.alertmanagerUrl', 'realm.lokiUrl', 'realm.lokiTenantId'] as const;

/**
 * The current client for each HTTP backend. Settings and secrets change at run time, so the
 * stores and panels hold this object and read `prometheus`/`alertmanager`/`loki` on each call.
 * The clients are rebuilt when a backend setting changes (`changes`, VS Code's configuration
 * event: it fires in the same step that updates the values, so no request goes to a backend the
 * user already moved away from) and when the credentials are re-read (`refresh()`); a poll reads
 * no settings.
 */
export class BackendClients {
  private clients!: { prometheus: PrometheusClient; alertmanager: AlertmanagerClient; loki: LokiClient };
  private current?: BackendConfig;
  private readonly subscription?: { dispose(): void };

  constructor(
    private readonly config: () => BackendConfig,
    changes?: Event<SettingsChange>,
  ) {
    this.refresh();
    this.subscription = changes?.((e) => {
      if (BACKEND_SECTIONS.some((s) => e.affectsConfiguration(s))) this.refresh();
    });
  }

  /** Rebuilds the clients when the configuration differs from the current one; true when it did. */
  refresh(): boolean {
    const config = this.config();
    if (this.current && sameBackends(this.current, config)) return false;
    this.current = config;
    this.clients = {
      prometheus: new PrometheusClient({ baseUrl: config.prometheusUrl, auth: authFor(config.auth.prometheus, config.prometheusUrl) }),
      alertmanager: new AlertmanagerClient({ baseUrl: config.alertmanagerUrl, auth: authFor(config.auth.alertmanager, config.alertmanagerUrl) }),
      loki: new LokiClient({ baseUrl: config.lokiUrl, tenantId: config.lokiTenantId || undefined, auth: authFor(config.auth.loki, config.lokiUrl) }),
    };
    return true;
  }

  dispose(): void {
    this.subscription?.dispose();
  }

  get prometheus(): PrometheusClient {
    return this.clients.prometheus;
  }
  get alertmanager(): AlertmanagerClient {
    return this.clients.alertmanager;
  }
  get loki(): LokiClient {
    return this.clients.loki;
  }
}

/**
 * Same URLs, tenant and credentials. Credentials are compared by identity (activate() makes a new object each
 * time it reads them from SecretStorage): their secrets are never serialized to find out.
 */
function sameBackends(a: BackendConfig, b: BackendConfig): boolean {
  return (
    a.prometheusUrl === b.prometheusUrl &&
    a.alertmanagerUrl === b.alertmanagerUrl &&
    a.lokiUrl === b.lokiUrl &&
    (a.lokiTenantId ?? '') === (b.lokiTenantId ?? '') &&
    a.auth === b.auth
  );
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

/** The alert store's sources, always on the current clients (their base URL too: tooltips name the one polled). */
export function currentAlertSources(backends: BackendClients): AlertSources {
  return {
    alertmanager: {
      get baseUrl() {
        return backends.alertmanager.baseUrl;
      },
      alerts: (o) => backends.alertmanager.alerts(o),
      silences: (o) => backends.alertmanager.silences(o),
    },
    prometheus: {
      get baseUrl() {
        return backends.prometheus.baseUrl;
      },
      alerts: (o) => backends.prometheus.alerts(o),
    },
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
