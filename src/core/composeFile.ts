import type { YAMLMap, Node } from 'yaml';
import { yaml } from '../platform/lazyModules';
import { ComposeLabels } from './containers';
import type { ComposeServiceBasics } from './composeModel';

/** A 1-based position in a compose file, as editors and the `yaml` parser count. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** One problem found in a compose file, located precisely enough for a Problems-view entry. */
export interface ComposeProblem {
  message: string;
  start: SourcePosition;
  end: SourcePosition;
}

/** A compose file that cannot be used: names the file and where (line:column) the first problem is. */
export class ComposeFileError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(
    readonly file: string,
    readonly problems: readonly ComposeProblem[],
  ) {
    const first = problems[0];
    super(`${file}:${first.start.line}:${first.start.column}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
    this.name = 'ComposeFileError';
    this.line = first.start.line;
    this.column = first.start.column;
  }
}

/** A published or exposed port, from either the short (`"127.0.0.1:8080:80/tcp"`) or the long syntax. */
export interface ComposePort {
  hostIp?: string;
  /** Host port or range (`8080`, `8080-8081`); absent when the engine picks one. */
  published?: string;
  target: string;
  protocol: string;
}

/** A service as the compose file declares it (values stay text: `${VAR}` is not interpolated here). */
export interface ComposeService extends ComposeServiceBasics {
  dependsOn: string[];
  /** A healthcheck is declared and not disabled (an image's own HEALTHCHECK is not visible here). */
  hasHealthcheck: boolean;
  ports: ComposePort[];
  /** Where the service's key is, for diagnostics and "go to definition". */
  position: SourcePosition;
}

export interface ComposeModel {
  file: string;
  /** Top-level `name:` (compose v2 only; v1 rejects it). */
  name?: string;
  services: ComposeService[];
}

/**
 * Parses compose YAML into its services. Throws a ComposeFileError listing every problem (YAML
 * syntax, wrong shapes, `depends_on` naming an unknown service), each with line and column.
 */
export function parseComposeFile(text: string, file: string): ComposeModel {
  const { LineCounter, parseDocument, isMap, isScalar } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true, logLevel: 'error' });
  const at = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: ComposeProblem[] = [];
  const problem = (message: string, range: readonly number[] | null | undefined) => {
    const [s, e] = range ?? [0, 0];
    problems.push({ message, start: at(s), end: at(Math.max(e, s)) });
  };
  for (const err of doc.errors) problem(err.message, err.pos);
  if (problems.length > 0) throw new ComposeFileError(file, problems);

  const root = doc.contents;
  if (!isMap(root)) throw new ComposeFileError(file, [{ message: 'a compose file must be a mapping with a `services` key', start: at(0), end: at(0) }]);
  const servicesNode = root.get('services', true);
  if (!isMap(servicesNode)) {
    problem('`services` is missing or is not a mapping of service names to definitions', (servicesNode as Node | undefined)?.range ?? root.range);
    throw new ComposeFileError(file, problems);
  }
  // plain values (aliases and `<<` merge keys resolved); nodes are kept only for positions
  const plainServices = (doc.toJS({ maxAliasCount: -1 }) as { services: Record<string, Record<string, unknown>> }).services;
  const services: ComposeService[] = [];
  const dependencyRefs: Array<{ from: string; to: string; range?: readonly number[] }> = [];
  for (const pair of servicesNode.items) {
    const keyNode = pair.key as Node;
    const name = String(isScalar(keyNode) ? keyNode.value : keyNode);
    if (!isMap(pair.value)) {
      problem(`service "${name}" must be a mapping`, (pair.value as Node | null)?.range ?? keyNode.range);
      continue;
    }
    const def = pair.value as YAMLMap;
    const plain = plainServices[name] ?? {};
    const labels = toStringMap(plain.labels);
    const depends = def.get('depends_on', true);
    for (const ref of dependencyNodes(depends)) dependencyRefs.push({ from: name, to: String(ref.value), range: ref.range ?? undefined });
    if (plain.image === undefined && plain.build === undefined) problem(`service "${name}" has neither \`image\` nor \`build\``, keyNode.range);
    const deploy = plain.deploy as { replicas?: unknown } | undefined;
    const healthcheck = plain.healthcheck as { disable?: unknown; test?: unknown } | undefined;
    services.push({
      name,
      image: plain.image === undefined ? undefined : String(plain.image),
      hasBuild: plain.build !== undefined,
      labels,
      healable: labels[ComposeLabels.healOptOut]?.toLowerCase() !== 'false',
      replicas: toCount(deploy?.replicas ?? plain.scale),
      // the plain value: entries inherited through `<<` count, merge keys do not
      dependsOn: Array.isArray(plain.depends_on)
        ? plain.depends_on.map(String)
        : plain.depends_on && typeof plain.depends_on === 'object'
          ? Object.keys(plain.depends_on)
          : [],
      hasHealthcheck: healthcheck !== undefined && healthcheck.disable !== true && !isNoneTest(healthcheck.test),
      ports: (Array.isArray(plain.ports) ? plain.ports : []).map(parsePort).filter((p): p is ComposePort => p !== undefined),
      containerName: typeof plain.container_name === 'string' ? plain.container_name : undefined,
      profiles: Array.isArray(plain.profiles) ? plain.profiles.map(String) : [],
      position: at(keyNode.range?.[0] ?? 0),
    });
  }
  const known = new Set(services.map((s) => s.name));
  for (const ref of dependencyRefs) {
    if (!known.has(ref.to)) problem(`service "${ref.from}" depends on unknown service "${ref.to}"`, ref.range);
  }
  if (problems.length > 0) throw new ComposeFileError(file, problems);
  const name = root.get('name');
  return { file, name: typeof name === 'string' ? name : undefined, services };
}

/** The scalar nodes naming dependencies, from either `depends_on: [a, b]` or `depends_on: {a: {condition: …}}`. */
function dependencyNodes(node: unknown): Array<{ value: unknown; range?: readonly number[] | null }> {
  const { isSeq, isMap, isScalar } = yaml();
  if (isSeq(node)) return node.items.filter(isScalar);
  // a `<<` merge key inside depends_on is not a service (its entries arrive through toJS below)
  if (isMap(node))
    return node.items
      .map((p) => p.key)
      .filter(isScalar)
      .filter((k) => typeof k.value === 'string' && k.value !== '<<');
  return [];
}

function toStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    // list form: ["key=value", "flag"]
    for (const item of value) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq < 0) out[text] = '';
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

function toCount(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

function isNoneTest(test: unknown): boolean {
  return (Array.isArray(test) && test[0] === 'NONE') || test === 'NONE';
}

/** Parses a short-syntax port (`[IP:][HOST:]CONTAINER[/PROTO]`, IPv6 in brackets) or a long-syntax mapping. */
export function parsePort(value: unknown): ComposePort | undefined {
  if (value && typeof value === 'object') {
    const v = value as { target?: unknown; published?: unknown; host_ip?: unknown; protocol?: unknown };
    if (v.target === undefined) return undefined;
    return {
      target: String(v.target),
      published: v.published === undefined || v.published === null || v.published === '' ? undefined : String(v.published),
      hostIp: v.host_ip === undefined ? undefined : String(v.host_ip),
      protocol: v.protocol === undefined ? 'tcp' : String(v.protocol),
    };
  }
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  let text = String(value);
  let protocol = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0 && !text.slice(slash).includes('}')) {
    protocol = text.slice(slash + 1);
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  const bracket = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracket) {
    hostIp = bracket[1];
    text = bracket[2];
  }
  const parts = splitOutsideVariables(text, ':');
  if (!hostIp && parts.length === 3) hostIp = parts.shift();
  const target = parts.pop() ?? '';
  const published = parts.pop();
  return { hostIp: hostIp || undefined, published: published || undefined, target, protocol };
}

/** Splits on `sep` except inside `${VAR:-default}` interpolations, which may contain it. */
function splitOutsideVariables(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$' && text[i + 1] === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    if (ch === sep && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
