import { ComposeLabels } from './containers';

/**
 * The workspace's compose project as Docker Compose itself resolves it (`docker compose config
 * --format json`): overrides, `extends`, `include`, merge keys, `.env`, interpolation and profiles
 * already applied. Realm never re-implements those rules; this is only the shape it keeps.
 */
export interface ComposeProjectModel {
  /** The project name compose uses for its container labels. */
  name: string;
  /** Every service of the project, whether or not a profile is active. */
  services: ComposeServiceModel[];
  /** Where the model came from; only `compose` models are authoritative (the healer acts on them). */
  source: ComposeModelSource;
}

/**
 * `compose`: the compose CLI's own answer. `local-parse`: a quick reading of the YAML while compose
 * has not answered yet (provisional). `engine-labels`: no compose CLI; what the engine runs.
 */
export type ComposeModelSource = 'compose' | 'local-parse' | 'engine-labels';

/** One `depends_on` edge with the long syntax's fields (compose fills the defaults in). */
export interface ComposeDependency {
  service: string;
  /** `service_started`, `service_healthy` or `service_completed_successfully`. */
  condition: string;
  /** False for `required: false`: compose starts the service even when the dependency is missing. */
  required: boolean;
}

/** What any reading of a service says about it (compose's answer, or the quick local parse). */
export interface ComposeServiceBasics {
  name: string;
  image?: string;
  hasBuild: boolean;
  labels: Record<string, string>;
  /** False when the service carries `realm.heal: "false"`: the healer leaves it alone. */
  healable: boolean;
  /** `deploy.replicas`, else `scale`, else 1. */
  replicas: number;
  containerName?: string;
  /** Compose profiles; a service with any is only started when one is activated. */
  profiles: string[];
}

export interface ComposeServiceModel extends ComposeServiceBasics {
  dependsOn: ComposeDependency[];
  /** The declared health check's test (`["CMD-SHELL", "…"]`), absent when none or disabled. */
  healthcheck?: string[];
  /** Started by a plain `compose up`: no profile, or one of its profiles is active. */
  active: boolean;
}

type Json = Record<string, unknown>;

/**
 * Maps compose's JSON (`config --format json` with every profile enabled) onto the model;
 * `activeNames` are the services of a plain `config` (the default profiles). Unknown or missing
 * fields are read defensively: the JSON is compose's, but its shape varies across versions.
 */
export function modelFromComposeConfig(all: unknown, activeNames: ReadonlySet<string>): ComposeProjectModel {
  const root = isObject(all) ? all : {};
  const services = isObject(root.services) ? root.services : {};
  return {
    name: typeof root.name === 'string' ? root.name : '',
    source: 'compose',
    services: Object.entries(services)
      .filter((entry): entry is [string, Json] => isObject(entry[1]))
      .map(([name, def]) => serviceFromJson(name, def, activeNames.has(name)))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Service names of a compose JSON document (the `services` keys). */
export function serviceNamesOf(config: unknown): Set<string> {
  const services = isObject(config) && isObject(config.services) ? config.services : {};
  return new Set(Object.keys(services));
}

function serviceFromJson(name: string, def: Json, active: boolean): ComposeServiceModel {
  const labels = stringMap(def.labels);
  const deploy = isObject(def.deploy) ? def.deploy : {};
  return {
    name,
    image: typeof def.image === 'string' ? def.image : undefined,
    hasBuild: def.build !== undefined && def.build !== null,
    labels,
    healable: labels[ComposeLabels.healOptOut]?.toLowerCase() !== 'false',
    replicas: count(deploy.replicas ?? def.scale),
    dependsOn: dependencies(def.depends_on),
    healthcheck: healthcheckTest(def.healthcheck),
    profiles: Array.isArray(def.profiles) ? def.profiles.map(String) : [],
    active,
    containerName: typeof def.container_name === 'string' ? def.container_name : undefined,
  };
}

function dependencies(value: unknown): ComposeDependency[] {
  // compose always prints the long syntax; the short list form is accepted for v1's YAML output
  if (Array.isArray(value)) return value.map((s) => ({ service: String(s), condition: 'service_started', required: true }));
  if (!isObject(value)) return [];
  return Object.entries(value)
    .map(([service, v]) => {
      const spec = isObject(v) ? v : {};
      return {
        service,
        condition: typeof spec.condition === 'string' ? spec.condition : 'service_started',
        required: spec.required !== false,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}

function healthcheckTest(value: unknown): string[] | undefined {
  if (!isObject(value) || value.disable === true) return undefined;
  const test = value.test;
  const list = Array.isArray(test) ? test.map(String) : typeof test === 'string' ? ['CMD-SHELL', test] : undefined;
  if (!list || list.length === 0 || list[0] === 'NONE') return undefined;
  return list;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value.map(String)) {
      const eq = item.indexOf('=');
      out[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? '' : item.slice(eq + 1);
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

function count(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The services a plain `up` starts (the model's active ones), in name order. */
export function activeServices(model: ComposeProjectModel): string[] {
  return model.services.filter((s) => s.active).map((s) => s.name);
}
