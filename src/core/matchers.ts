/**
 * Matchers as text, for the "Silence…" input box: `alertname="ServiceDown", instance=~"127.*"`.
 * The same syntax Alertmanager's UI and amtool use, so users can paste from either.
 */

/** A silence or filter matcher: `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"`. */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** False for negative matchers (`!=`, `!~`). Missing in older servers: treated as true. */
  isEqual: boolean;
}

/** `name="value"` in Alertmanager's matcher syntax (used for `filter` parameters and the UI). */
export function formatMatcher(m: Matcher): string {
  const op = (m.isEqual ? '=' : '!') + (m.isRegex ? '~' : m.isEqual ? '' : '=');
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}

/** Comma-separated matchers, in order. */
export function formatMatchers(matchers: Matcher[]): string {
  return matchers.map(formatMatcher).join(', ');
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,"\s]*)\s*(,|$)/;

/**
 * Parses matcher text (optionally wrapped in `{…}`; values quoted or bare). Returns the matchers or
 * an error message a user can act on.
 */
export function parseMatchers(text: string): { matchers: Matcher[] } | { error: string } {
  let rest = text.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1);
  const matchers: Matcher[] = [];
  while (rest.trim() !== '') {
    const m = MATCHER.exec(rest);
    if (!m) return { error: `cannot read a matcher at "${rest.trim().slice(0, 30)}" (expected name="value", name!="value", name=~"regex" or name!~"regex")` };
    let value = m[3];
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        return { error: `bad quoting in ${m[3].slice(0, 30)}` };
      }
    }
    matchers.push({ name: m[1], value, isRegex: m[2].endsWith('~'), isEqual: m[2].startsWith('=') });
    rest = rest.slice(m[0].length);
  }
  if (matchers.length === 0) return { error: 'a silence needs at least one matcher' };
  if (!matchers.some((m) => m.isEqual && !(m.isRegex && /^(\.\*)?$/.test(m.value)) && m.value !== '')) {
    // Alertmanager refuses silences whose matchers all match the empty string.
    return { error: 'at least one matcher must match a non-empty value (for example alertname="…")' };
  }
  return { matchers };
}

/**
 * What a silence silences, for its row: the alert name it matches (`alertname="X"`) as the title,
 * the other matchers' values as the detail (`service=web`), so a row reads "ServiceDown · web"
 * instead of raw matchers cut before the name. Without an alert name, the matchers are the title.
 */
export function describeSilenced(matchers: Matcher[]): { title: string; detail: string } {
  const name = matchers.find((m) => m.name === 'alertname' && m.isEqual && !m.isRegex);
  const others = matchers.filter((m) => m !== name && !['severity'].includes(m.name));
  if (!name) return { title: formatMatchers(matchers), detail: '' };
  const detail = others.map((m) => (m.isEqual && !m.isRegex ? `${m.name}=${m.value}` : formatMatcher(m))).join(', ');
  return { title: name.value, detail };
}
