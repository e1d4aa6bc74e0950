import { isLoopbackHost } from './loopback';
/** The compose project name of the shipped observability stack (stack/compose.yaml). */
export const STACK_PROJECT_NAME = 'realm-observability';

/** Where stack/compose.yaml lives inside the extension, relative to its root. */
export const STACK_COMPOSE_FILE = 'stack/compose.yaml';

/** The default arcanum scrape target: an app port published on the host, seen from the stack's network. */
export const DEFAULT_ARCANUM_TARGET = 'host.docker.internal:8000';

/**
 * The Prometheus file_sd document for the `arcanum` job (stack/prometheus/targets/arcanum.json is
 * the shipped default). Targets are `host:port`; anything else is refused so a typo in a setting
 * does not silently leave Prometheus scraping nothing.
 */
export function arcanumTargetsJson(targets: readonly string[]): string {
  const list = targets.map((t) => t.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('realm.arcanumTarget is empty: give host:port, e.g. host.docker.internal:8000');
  for (const t of list) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(t)) throw new Error(`realm.arcanumTarget "${t}" is not host:port`);
  }
  return JSON.stringify([{ targets: list, labels: { service: 'arcanum' } }], null, 2) + '\n';
}

export interface StackEnvironmentInput {
  /** From SecretStorage; becomes GF_SECURITY_ADMIN_PASSWORD inside the Grafana container. */
  grafanaPassword: string;
  /** Folder holding the generated arcanum.json. */
  targetsDir: string;
  /** The engine the extension talks to (DOCKER_HOST form); a unix socket is what Promtail/cAdvisor mount. */
  dockerHost?: string;
  /** The URLs from settings: their loopback ports become the stack's published ports. */
  urls: { prometheus: string; alertmanager: string; loki: string; grafana: string };
}

/**
 * The environment stack/compose.yaml interpolates. Published ports follow the `realm.*Url`
 * settings when those point at this machine, so the extension finds the stack where it looks.
 */
export function stackEnvironment(input: StackEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    REALM_GRAFANA_ADMIN_PASSWORD: input.grafanaPassword,
    REALM_TARGETS_DIR: input.targetsDir,
  };
  const socket = input.dockerHost?.startsWith('unix://') ? input.dockerHost.slice('unix://'.length) : undefined;
  if (socket) env.REALM_DOCKER_SOCKET = socket;
  const ports: Array<[string, string]> = [
    ['REALM_PROMETHEUS_PORT', input.urls.prometheus],
    ['REALM_ALERTMANAGER_PORT', input.urls.alertmanager],
    ['REALM_LOKI_PORT', input.urls.loki],
    ['REALM_GRAFANA_PORT', input.urls.grafana],
  ];
  for (const [name, url] of ports) {
    const port = loopbackPort(url);
    if (port) env[name] = port;
  }
  return env;
}

function loopbackPort(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (!isLoopbackHost(u.hostname)) return undefined;
    return u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    return undefined;
  }
}

/** The Grafana URL of the shipped dashboard, optionally filtered to one compose project's logs. */
export function grafanaDashboardUrl(grafanaUrl: string, project?: string): string {
  const u = new URL(grafanaUrl.replace(/\/+$/, '') + '/d/realm-observability/realm-observability');
  if (project) u.searchParams.set('var-project', project);
  return u.toString();
}
