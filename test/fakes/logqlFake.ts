/**
 * The small LogQL subset the FAKE Loki understands — enough to test the client, not a Loki:
 *   {name="v", name!="v", name=~"re", name!~"re"} |= "text" != "text" |~ "re"
 *   count_over_time(<log query> [5m]), rate(<log query> [1m]), optionally in sum(…) / sum by (a, b) (…)
 * Errors read like Loki's: `parse error at line 1, col N: syntax error: …`.
 */

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  re?: RegExp;
}
export interface LineFilter {
  op: '|=' | '!=' | '|~' | '!~';
  value: string;
  re?: RegExp;
}
export interface LogSelector {
  matchers: Matcher[];
  filters: LineFilter[];
}
export interface MetricQuery {
  fn: 'count_over_time' | 'rate';
  selector: LogSelector;
  rangeSeconds: number;
  sumBy?: string[];
}
export type ParsedQuery = { kind: 'log'; selector: LogSelector } | { kind: 'metric'; metric: MetricQuery };

export class LogQLParseError extends Error {}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  peek(s: string): boolean {
    this.ws();
    return this.text.startsWith(s, this.pos);
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }
  expect(s: string): void {
    if (!this.eat(s)) this.fail(`unexpected ${this.next()}, expecting ${s}`);
  }
  next(): string {
    this.ws();
    return this.pos >= this.text.length ? 'end of input' : JSON.stringify(this.text.slice(this.pos, this.pos + 8));
  }
  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`unexpected ${this.next()}, expecting IDENTIFIER`);
    this.pos += m[0].length;
    return m[0];
  }
  string(): string {
    this.ws();
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`unexpected ${this.next()}, expecting STRING`);
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }
  fail(msg: string): never {
    throw new LogQLParseError(`parse error at line 1, col ${this.pos + 1}: syntax error: ${msg}`);
  }
}

function regex(c: Cursor, source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return c.fail(`invalid regular expression ${JSON.stringify(source)}`);
  }
}

function selector(c: Cursor): LogSelector {
  c.expect('{');
  const matchers: Matcher[] = [];
  while (!c.peek('}')) {
    const name = c.ident();
    const op = (['=~', '!~', '!=', '='] as const).find((o) => c.eat(o));
    if (!op) c.fail(`unexpected ${c.next()}, expecting = or != or =~ or !~`);
    const value = c.string();
    matchers.push({ name, op, value, re: op.includes('~') ? regex(c, value) : undefined });
    if (!c.eat(',')) break;
  }
  c.expect('}');
  if (!matchers.some((m) => (m.op === '=' || m.op === '=~') && !(m.re?.test('') ?? m.value === ''))) {
    throw new LogQLParseError(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }
  const filters: LineFilter[] = [];
  for (;;) {
    const op = (['|=', '!=', '|~', '!~'] as const).find((o) => c.eat(o));
    if (!op) break;
    const value = c.string();
    filters.push({ op, value, re: op.includes('~') ? new RegExp(value) : undefined });
  }
  return { matchers, filters };
}

function duration(c: Cursor): number {
  c.expect('[');
  c.ws();
  const m = /^(\d+)(ms|s|m|h|d)/.exec(c.text.slice(c.pos));
  if (!m) c.fail(`unexpected ${c.next()}, expecting DURATION`);
  c.pos += m[0].length;
  c.expect(']');
  const n = Number(m[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600, d: n * 86400 }[m[2] as 'ms']!;
}

function rangeFn(c: Cursor): MetricQuery {
  const fn = c.ident();
  if (fn !== 'count_over_time' && fn !== 'rate') c.fail(`unexpected IDENTIFIER ${fn}`);
  c.expect('(');
  const sel = selector(c);
  const rangeSeconds = duration(c);
  c.expect(')');
  return { fn, selector: sel, rangeSeconds };
}

/** Parses a query of the subset above or throws a `LogQLParseError` with Loki's wording. */
export function parseLogQL(text: string): ParsedQuery {
  const c = new Cursor(text);
  let result: ParsedQuery;
  if (c.peek('{')) {
    result = { kind: 'log', selector: selector(c) };
  } else if (c.peek('sum')) {
    c.ident();
    let sumBy: string[] = [];
    if (c.eat('by')) {
      c.expect('(');
      while (!c.peek(')')) {
        sumBy.push(c.ident());
        if (!c.eat(',')) break;
      }
      c.expect(')');
    } else sumBy = [];
    c.expect('(');
    const metric = rangeFn(c);
    c.expect(')');
    result = { kind: 'metric', metric: { ...metric, sumBy } };
  } else if (c.peek('count_over_time') || c.peek('rate')) {
    result = { kind: 'metric', metric: rangeFn(c) };
  } else {
    return c.fail(`unexpected ${c.next()}`);
  }
  c.ws();
  if (c.pos < text.length) c.fail(`unexpected ${c.next()}`);
  return result;
}

/** True when a stream's labels satisfy every matcher. */
export function labelsMatch(labels: Record<string, string>, matchers: Matcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    if (m.op === '=') return v === m.value;
    if (m.op === '!=') return v !== m.value;
    const hit = m.re!.test(v);
    return m.op === '=~' ? hit : !hit;
  });
}

/** True when a line passes every line filter. */
export function lineMatches(line: string, filters: LineFilter[]): boolean {
  return filters.every((f) => {
    if (f.op === '|=') return line.includes(f.value);
    if (f.op === '!=') return !line.includes(f.value);
    const hit = f.re!.test(line);
    return f.op === '|~' ? hit : !hit;
  });
}
