/**
 * Reads and edits the stream selector (`{a="x", b=~"y"}`) at the start of a LogQL query, so the
 * Logs panel's label pickers reflect what is typed and change it in place: picking
 * `compose_service="web"` replaces `compose_service="worker"` instead of building
 * `{compose_service="worker", compose_service="web"}`, which can never match. No vscode, no DOM:
 * the webview and the extension both use it.
 */

export interface SelectorMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  /** Offsets of the whole matcher in the query (`name op "value"`). */
  start: number;
  end: number;
}

export interface StreamSelector {
  /** Offsets of `{` and one past `}`. */
  start: number;
  end: number;
  matchers: SelectorMatcher[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const OP = /=~|!~|!=|=/y;

/** Reads a LogQL string literal at `i` ("…" with escapes, or `…` raw); returns its value and end. */
function readString(q: string, i: number): { value: string; end: number } | undefined {
  const quote = q[i];
  if (quote === '`') {
    const close = q.indexOf('`', i + 1);
    return close < 0 ? undefined : { value: q.slice(i + 1, close), end: close + 1 };
  }
  if (quote !== '"') return undefined;
  let value = '';
  for (let k = i + 1; k < q.length; k++) {
    const c = q[k];
    if (c === '"') return { value, end: k + 1 };
    if (c === '\\' && k + 1 < q.length) {
      const n = q[++k];
      value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else {
      value += c;
    }
  }
  return undefined;
}

/** The query's stream selector, or undefined when it has none (or it does not parse yet: the user is typing). */
export function findSelector(query: string): StreamSelector | undefined {
  const open = query.search(/\S/);
  if (open < 0 || query[open] !== '{') return undefined;
  const matchers: SelectorMatcher[] = [];
  let i = open + 1;
  const skip = () => {
    while (i < query.length && /\s/.test(query[i])) i++;
  };
  for (;;) {
    skip();
    if (query[i] === '}') return { start: open, end: i + 1, matchers };
    const start = i;
    NAME.lastIndex = i;
    const name = NAME.exec(query)?.[0];
    if (!name) return undefined;
    i += name.length;
    skip();
    OP.lastIndex = i;
    const op = OP.exec(query)?.[0] as SelectorMatcher['op'] | undefined;
    if (!op) return undefined;
    i += op.length;
    skip();
    const str = readString(query, i);
    if (!str) return undefined;
    i = str.end;
    matchers.push({ name, op, value: str.value, start, end: i });
    skip();
    if (query[i] === ',') i++;
    else if (query[i] !== '}') return undefined;
  }
}

/** The value of an equality matcher for `label` in the typed selector (what the value picker shows). */
export function matcherValue(query: string, label: string): string | undefined {
  return findSelector(query)?.matchers.find((m) => m.name === label && m.op === '=')?.value;
}

/** `label="value"` as LogQL writes it (the value quoted with escapes). */
export function formatMatcher(label: string, value: string): string {
  return `${label}=${JSON.stringify(value)}`;
}

/**
 * Sets `label="value"` in the query's selector: replaces any matcher on that label, or adds one;
 * `value` undefined removes it. A query without a selector gets one in front. A selector that does
 * not parse yet is left alone (undefined): the caller says so rather than guess.
 */
export function setMatcher(query: string, label: string, value: string | undefined): string | undefined {
  const sel = findSelector(query);
  if (!sel) {
    if (query.trim().startsWith('{')) return undefined;
    if (value === undefined) return query;
    return `{${formatMatcher(label, value)}}${query.trim() ? ` ${query.trim()}` : ''}`;
  }
  const kept = sel.matchers.filter((m) => m.name !== label).map((m) => query.slice(m.start, m.end));
  const position = sel.matchers.findIndex((m) => m.name === label);
  if (value !== undefined) kept.splice(position < 0 ? kept.length : position, 0, formatMatcher(label, value));
  return `${query.slice(0, sel.start)}{${kept.join(', ')}}${query.slice(sel.end)}`;
}
