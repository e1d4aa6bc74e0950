/**
 * Runs the stages of a Promtail pipeline that the stack uses — regex, json (JMESPath `a || b` only),
 * replace (on an extracted value), labels, match (stream selector) with static_labels — the way
 * Promtail's stages do, so a unit test can feed sample lines through the shipped config. Any other
 * stage type fails the test: the evaluator never silently skips what it does not understand.
 * Regexes are RE2 in the config; the ones the stack uses are the subset JavaScript reads the same,
 * once `(?P<name>` and a leading `(?i)` are translated.
 */
import { labelsMatch, parseLogQL } from '../../fakes/logqlFake';

export type Stage = Record<string, unknown>;
export interface PipelineResult {
  line: string;
  labels: Record<string, string>;
  extracted: Record<string, unknown>;
}

/** RE2 → JavaScript for the constructs the config uses; anything else RE2-only is refused. */
export function re2(expression: string): RegExp {
  let source = expression;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  if (/\(\?[a-zA-Z]/.test(source.replace(/\(\?P</g, ''))) throw new Error(`inline flags the evaluator does not translate: ${expression}`);
  if (/\(\?[=!<]/.test(source.replace(/\(\?P</g, ''))) throw new Error(`look-around is not RE2: ${expression}`);
  return new RegExp(source.replace(/\(\?P</g, '(?<'), flags);
}

/** Promtail's getString: numbers as Go's FormatFloat(…, 'f', -1), strings as they are. */
function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** The JMESPath subset the config uses: `name`, `name || other || …` (first value that is not null/empty). */
function jmes(expr: string, data: Record<string, unknown>): unknown {
  for (const part of expr.split('||').map((p) => p.trim())) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) throw new Error(`JMESPath the evaluator does not understand: ${expr}`);
    const v = data[part];
    if (v !== null && v !== undefined && v !== '' && v !== false) return v;
  }
  return null;
}

export function runPipeline(stages: readonly Stage[], line: string, labels: Record<string, string>): PipelineResult {
  const out: PipelineResult = { line, labels: { ...labels }, extracted: {} };
  for (const stage of stages) apply(stage, out);
  return out;
}

function apply(stage: Stage, e: PipelineResult): void {
  const [type, raw] = Object.entries(stage)[0] as [string, Record<string, unknown> | null];
  const cfg = raw ?? {};
  switch (type) {
    case 'regex': {
      const m = re2(String(cfg.expression)).exec(cfg.source ? (asString(e.extracted[String(cfg.source)]) ?? '') : e.line);
      if (m?.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) e.extracted[k] = v;
      return;
    }
    case 'json': {
      let data: unknown;
      try {
        data = JSON.parse(e.line);
      } catch {
        return; // malformed JSON: Promtail logs at debug and keeps the entry
      }
      if (!data || typeof data !== 'object' || Array.isArray(data)) return;
      for (const [k, expr] of Object.entries(cfg.expressions as Record<string, string | null>))
        e.extracted[k] = jmes(expr ?? k, data as Record<string, unknown>);
      return;
    }
    case 'replace': {
      if (!cfg.source) throw new Error('replace without source would rewrite the line');
      const key = String(cfg.source);
      const value = asString(e.extracted[key]);
      if (value === undefined) return;
      // Promtail replaces each capture group of each match by `replace`
      const re = re2(String(cfg.expression));
      e.extracted[key] = value.replace(new RegExp(re.source, re.flags + 'g'), (whole, ...groups) => {
        const caps = groups.slice(0, -2).filter((g) => typeof g === 'string') as string[];
        return caps.length ? caps.reduce((acc, g) => acc.replace(g, String(cfg.replace)), whole) : whole;
      });
      return;
    }
    case 'labels':
      for (const [name, src] of Object.entries(cfg)) {
        const v = asString(e.extracted[String(src ?? name)]);
        if (v !== undefined && v !== '') e.labels[name] = v;
      }
      return;
    case 'static_labels':
      for (const [name, v] of Object.entries(cfg)) e.labels[name] = String(v);
      return;
    case 'match': {
      const parsed = parseLogQL(String(cfg.selector));
      if (parsed.kind !== 'log') throw new Error('match selector must be a log selector');
      if (!labelsMatch(e.labels, parsed.selector.matchers)) return;
      for (const s of (cfg.stages as Stage[]) ?? []) apply(s, e);
      return;
    }
    default:
      throw new Error(`pipeline stage "${type}" is not understood by the test evaluator`);
  }
}
