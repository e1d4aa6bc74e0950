import type { Document, Node } from 'yaml';
import { yaml } from '../platform/lazyModules';
import type { ComposeProblem, SourcePosition } from './composeFile';

/** A compose file's path and text, as read for placing compose's messages on it. */
export interface ComposeSourceText {
  file: string;
  text: string;
}

/** Where a compose message belongs: the file and the problem with its range. */
export interface PlacedProblem {
  file: string;
  problem: ComposeProblem;
}

interface ParsedSource {
  file: string;
  doc: Document.Parsed;
  at: (offset: number) => SourcePosition;
}

/**
 * Places one of compose's error messages on the file and line it concerns. Compose names a path
 * (`services.web.depends_on`, `service "web" depends on undefined service "cache"`) and sometimes
 * a file, but never a line for schema errors and only an approximate one for YAML syntax; the
 * `yaml` library's node positions give the exact spot. Falls back to the top of the file compose
 * named (or the first file), so a failure is never silent.
 */
export function placeComposeMessage(message: string, sources: readonly ComposeSourceText[]): PlacedProblem {
  const parsed = sources.map(parse);
  const text = message.trim();
  // a YAML syntax error: our parser finds the file and the exact position (compose says neither)
  for (const p of parsed) {
    const err = p.doc.errors[0];
    if (err) return { file: p.file, problem: { message: `${text} — ${err.message.split('\n')[0]}`, start: p.at(err.pos[0]), end: p.at(err.pos[1]) } };
  }
  const named = /(?:validating|open|reading|loading) (\/[^\s:]+|[A-Za-z]:\\[^\s:]+)/.exec(text)?.[1];
  const candidates = named ? [...parsed.filter((p) => p.file === named), ...parsed.filter((p) => p.file !== named)] : parsed;
  const path = pathOf(text, named);
  let best: { p: ParsedSource; node: Node; depth: number } | undefined;
  if (path) {
    for (const p of candidates) {
      const found = deepestNode(p.doc.contents as Node | null, path);
      if (found && (!best || found.depth > best.depth)) best = { p, ...found };
    }
  }
  // a missing referenced file (`extends.file`, `include`): point at the reference when one names it
  if (!best && named && !parsed.some((p) => p.file === named)) {
    const base = named.split(/[\\/]/).pop() ?? named;
    for (const p of parsed) {
      const node = findScalar(p.doc.contents as Node | null, (v) => v === named || v.endsWith(base));
      if (node) {
        best = { p, node, depth: 1 };
        break;
      }
    }
  }
  const target = best?.p ?? candidates[0];
  if (!target) return { file: named ?? '', problem: { message: text, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
  const range = best?.node.range ?? [0, 0];
  return { file: target.file, problem: { message: text, start: target.at(range[0]), end: target.at(Math.max(range[0], range[1])) } };
}

function parse(source: ComposeSourceText): ParsedSource {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: false, logLevel: 'error' });
  return {
    file: source.file,
    doc,
    at: (offset) => {
      const pos = lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

/** The document path a message names, as key segments (`['services', 'web', 'depends_on', 'cache']`). */
function pathOf(message: string, file: string | undefined): string[] | undefined {
  const rest = file ? message.replace(file, '') : message;
  const dependency = /service "([^"]+)" depends on (?:undefined|unknown) service "?([^":\s]+)"?/.exec(rest);
  if (dependency) return ['services', dependency[1], 'depends_on', dependency[2]];
  const network = /service "([^"]+)" refers to undefined (network|volume|config|secret)s? "?([^":\s]+)"?/.exec(rest);
  if (network) return ['services', network[1], `${network[2]}s`, network[3]];
  const dotted = /\b((?:services|networks|volumes|configs|secrets|include|name)(?:\.[^\s:]+)?)/.exec(rest)?.[1];
  const unsupported = /Unsupported config option for ([^\s:]+): '([^']+)'/.exec(rest);
  if (unsupported) return [...unsupported[1].split('.'), unsupported[2]];
  const extra = /Additional property (\S+) is not allowed/.exec(rest)?.[1];
  if (dotted) return [...dotted.split('.'), ...(extra ? [extra] : [])];
  const service = /service "([^"]+)"/.exec(rest)?.[1];
  if (service) return ['services', service];
  return extra ? [extra] : undefined;
}

/**
 * Follows `path` as far as the document has it. Dotted segments are re-joined when a key itself
 * contains dots (`services.my.app.ports` for a service named `my.app`).
 */
function deepestNode(root: Node | null, path: readonly string[]): { node: Node; depth: number } | undefined {
  const { isMap, isSeq, isScalar } = yaml();
  let node: Node | null = root;
  let best: { node: Node; depth: number } | undefined;
  let i = 0;
  while (node && i < path.length) {
    let next: { node: Node; key: Node | null; used: number } | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        for (let n = path.length - i; n >= 1; n--) {
          if (path.slice(i, i + n).join('.') === key && (!next || n > next.used)) next = { node: pair.value as Node, key: pair.key as Node, used: n };
        }
      }
    } else if (isSeq(node)) {
      const index = /^\d+$/.test(path[i]) ? Number(path[i]) : -1;
      const item = index >= 0 ? node.items[index] : node.items.find((it) => isScalar(it) && String(it.value) === path[i]);
      if (item) next = { node: item as Node, key: null, used: 1 };
    }
    if (!next) break;
    i += next.used;
    const at = next.key ?? next.node;
    if (at?.range) best = { node: at, depth: i };
    node = next.node;
  }
  return best;
}

function findScalar(node: Node | null, test: (value: string) => boolean): Node | undefined {
  const { isMap, isSeq, isScalar, isPair } = yaml();
  if (!node) return undefined;
  if (isScalar(node)) return typeof node.value === 'string' && test(node.value) ? node : undefined;
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      const found = isPair(item) ? findScalar(item.value as Node, test) : findScalar(item as Node, test);
      if (found) return found;
    }
  }
  return undefined;
}

/** Above this many nodes once aliases are expanded, a file is a "billion laughs", not a project. */
export const MAX_EXPANDED_NODES = 1_000_000;

/**
 * Aliases that make a document endless or explosive: one that refers to a node containing it
 * (`x: &a {b: *a}`), or nested aliases that expand to millions of nodes (`&b [*a, *a, …]`,
 * `&c [*b, *b, …]`). Compose 2.26 expands them without bound (12 GB of memory seen here), so Realm
 * refuses such a file before running compose. Undefined when the file is fine.
 */
export function aliasProblem(text: string): { reason: string; line: number } | undefined {
  const { isAlias, isMap, isSeq, isPair, isDocument } = yaml();
  const { doc, at } = parse({ file: '', text });
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let problem: { reason: string; line: number } | undefined;
  const size = (node: unknown): number => {
    if (problem || node === null || node === undefined) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return Infinity;
    open.add(node);
    let total = 1;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const n = size(target);
      if (n === Infinity && !problem)
        problem = { reason: `the alias *${node.source} refers to a node that contains it, so the document never ends`, line: at(node.range?.[0] ?? 0).line };
      total = n;
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) total += isPair(item) ? size(item.key) + size(item.value) : size(item);
    } else if (isDocument(node)) total = size(node.contents);
    open.delete(node);
    sizes.set(node, total);
    if (total > MAX_EXPANDED_NODES && !problem && isAlias(node)) {
      problem = {
        reason: `the alias *${node.source} expands to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (nested aliases multiply)`,
        line: at(node.range?.[0] ?? 0).line,
      };
    }
    return total;
  };
  size(doc.contents);
  return problem;
}

/** A compose feature Compose v1 cannot read, with where it is used. */
export interface V2OnlyFeature {
  feature: string;
  line: number;
}

/**
 * The Compose-v2-only features a file uses (v1 rejects them with a schema error that does not
 * say so): top-level `name:` and `include:`, `!reset`/`!override` tags, `depends_on.*.required`,
 * `develop:` and `provider:` services.
 */
export function v2OnlyFeatures(text: string): V2OnlyFeature[] {
  const { isMap, isScalar, isPair, visit } = yaml();
  const { doc, at } = parse({ file: '', text });
  const found: V2OnlyFeature[] = [];
  const line = (n: Node | null | undefined) => at(n?.range?.[0] ?? 0).line;
  const root = doc.contents;
  if (!isMap(root)) return found;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'name' || key === 'include') found.push({ feature: `top-level \`${key}:\``, line: line(pair.key as Node) });
  }
  visit(doc, {
    Node(_, node) {
      if ((node as Node).tag === '!reset' || (node as Node).tag === '!override')
        found.push({ feature: `the \`${(node as Node).tag}\` tag`, line: line(node as Node) });
    },
    Pair(_, pair, path) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const above = path.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
      if (key === 'required' && above[above.length - 2] === 'depends_on' && above[0] === 'services')
        found.push({ feature: '`depends_on.<service>.required`', line: line(pair.key as Node) });
      if ((key === 'develop' || key === 'provider') && above.length === 2 && above[0] === 'services')
        found.push({ feature: `the service key \`${key}:\``, line: line(pair.key as Node) });
    },
  });
  return found;
}
