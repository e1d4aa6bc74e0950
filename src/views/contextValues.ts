/**
 * Builds a tree item's `contextValue`: its kind, then order-free tokens, each closed by `;`
 * (`realm.service;exited;crashed;start;restart;logs;`). A menu tests the kind with
 * `viewItem =~ /^realm\.service;/` and one word with `viewItem =~ /;start;/`, whatever else the node
 * carries and in whatever order, so adding a token never breaks a menu (positional dotted values did:
 * issue 14). Tokens say what a node is (`running`, `stoppedByUser`) and what it offers (`start`,
 * `stop`), so package.json asks "can it start?" instead of listing states.
 */
export function contextValue(kind: string, ...tokens: ReadonlyArray<string | false | undefined | null>): string {
  const words = tokens.filter((t): t is string => typeof t === 'string' && t.length > 0);
  for (const w of [kind, ...words]) if (w.includes(';')) throw new Error(`contextValue token "${w}" contains ";"`);
  return `${kind};${[...new Set(words)].map((w) => `${w};`).join('')}`;
}

/** The tokens of a contextValue built by `contextValue` (tests, and code that reads a node's value). */
export function contextTokens(value: string): { kind: string; tokens: string[] } {
  const [kind, ...rest] = value.split(';');
  return { kind, tokens: rest.filter(Boolean) };
}
