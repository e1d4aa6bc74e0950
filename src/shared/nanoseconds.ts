/**
 * Loki's timestamps are nanosecond strings: too big for a double, so they stay strings. One pair of
 * conversions for the extension (queries, tail resume) and the Logs webview (100,000 rows). No vscode, no DOM.
 */

/** Epoch milliseconds → Loki's nanosecond string (BigInt keeps it exact). */
export function msToNs(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

/**
 * Loki's nanosecond string → epoch milliseconds, precision below 1 ms dropped. Cutting the last six
 * digits equals BigInt division for these non-negative integer strings, without BigInt's cost per row.
 */
export function nsToMs(ns: string): number {
  return ns.length > 6 ? Number(ns.slice(0, -6)) : 0;
}
