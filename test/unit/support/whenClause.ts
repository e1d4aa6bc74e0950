/**
 * Evaluates a VS Code `when` clause the way the workbench does for the operators package.json uses:
 * `==`, `!=`, `=~ /re/flags`, `&&`, `||`, `!`, parentheses and bare keys (truthy). `||` binds
 * looser than `&&`, as in VS Code. Anything else throws, so a menu written with an operator this
 * does not know fails the test instead of passing unchecked.
 */
export type Context = Record<string, string | boolean | undefined>;

type Token = { kind: 'op'; value: string } | { kind: 'word'; value: string } | { kind: 're'; value: RegExp };

function tokenize(when: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < when.length) {
    const rest = when.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(&&|\|\||==|!=|=~|!|\(|\))/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[1] });
      i += op[1].length;
      if (op[1] === '=~') {
        const re = /^\s*\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(when.slice(i));
        if (!re) throw new Error(`=~ without a /regex/ in: ${when}`);
        tokens.push({ kind: 're', value: new RegExp(re[1], re[2]) });
        i += re[0].length;
      }
      continue;
    }
    const word = /^[\w.:-]+/.exec(rest) ?? /^'[^']*'/.exec(rest);
    if (!word) throw new Error(`cannot read "${rest}" in: ${when}`);
    tokens.push({ kind: 'word', value: word[0].replace(/^'|'$/g, '') });
    i += word[0].length;
  }
  return tokens;
}

/** True when `when` holds in `context`. */
export function evaluateWhen(when: string, context: Context): boolean {
  const tokens = tokenize(when);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => peek()?.kind === 'op' && peek()!.value === v;
  const or = (): boolean => {
    let v = and();
    while (isOp('||')) {
      pos++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const and = (): boolean => {
    let v = unary();
    while (isOp('&&')) {
      pos++;
      const r = unary();
      v = v && r;
    }
    return v;
  };
  const unary = (): boolean => {
    if (isOp('!')) {
      pos++;
      return !unary();
    }
    if (isOp('(')) {
      pos++;
      const v = or();
      if (!isOp(')')) throw new Error(`missing ) in: ${when}`);
      pos++;
      return v;
    }
    const key = tokens[pos++];
    if (key?.kind !== 'word') throw new Error(`expected a key in: ${when}`);
    const value = context[key.value];
    if (isOp('==') || isOp('!=')) {
      const op = tokens[pos++].value;
      const right = tokens[pos++];
      if (right?.kind !== 'word') throw new Error(`expected a value in: ${when}`);
      return (String(value) === right.value) === (op === '==');
    }
    if (isOp('=~')) {
      pos++;
      const re = tokens[pos++];
      if (re?.kind !== 're') throw new Error(`expected a regex in: ${when}`);
      return typeof value === 'string' && re.value.test(value);
    }
    return !!value;
  };
  const result = or();
  if (pos !== tokens.length) throw new Error(`unexpected "${JSON.stringify(tokens[pos])}" in: ${when}`);
  return result;
}

/** Every `viewItem =~ /…/` regex of a when clause (a menu test checks each matches some node). */
export function viewItemRegexes(when: string): RegExp[] {
  const tokens = tokenize(when);
  return tokens.flatMap((t, i) => (t.kind === 're' && tokens[i - 2]?.kind === 'word' && tokens[i - 2].value === 'viewItem' ? [t.value] : []));
}
