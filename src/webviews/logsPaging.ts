import type { LokiQueryResult, LokiStream, RangeQuery } from '../clients/lokiClient';

/**
 * Loki refuses a `limit` above its `max_entries_limit_per_query` (5,000 by default: "max entries
 * limit per query exceeded"). The panel asks for up to 100,000 lines, so it reads them in pages of
 * this size, each ending at the oldest line read so far (or starting at the newest, forward).
 */
export const LOKI_PAGE_LINES = 5_000;

/**
 * A range query of any `limit`, as consecutive pages. Loki's range is [start, end): a page ends one
 * nanosecond past the last page's oldest timestamp, so lines sharing that timestamp are not lost,
 * and the lines read twice at it are dropped. Stops at `limit`, at a short page, or when a page adds
 * nothing new. A metric query returns its first answer as is.
 */
export async function queryPaged(
  loki: { queryRange(q: RangeQuery): Promise<LokiQueryResult> },
  q: RangeQuery & { limit: number },
  pageLines = LOKI_PAGE_LINES,
): Promise<LokiQueryResult> {
  const backward = (q.direction ?? 'backward') === 'backward';
  const streams = new Map<string, LokiStream>();
  let total = 0;
  let startNs = BigInt(q.startNs);
  let endNs = BigInt(q.endNs);
  /** Lines at the boundary timestamp already read: `labels\0ts\0line` → count. */
  let boundary = new Map<string, number>();
  for (;;) {
    const want = Math.min(pageLines, q.limit - total + boundaryCount(boundary));
    const page = await loki.queryRange({ ...q, startNs: startNs.toString(), endNs: endNs.toString(), limit: want });
    if (page.resultType !== 'streams') return page;
    let added = 0;
    let read = 0;
    let edge: string | undefined;
    const seenAtEdge = new Map(boundary);
    for (const s of page.streams) {
      const labelsKey = JSON.stringify(s.labels);
      let target = streams.get(labelsKey);
      for (const [ts, line] of s.entries) {
        read++;
        const key = `${labelsKey}\u0000${ts}\u0000${line}`;
        const left = seenAtEdge.get(key) ?? 0;
        if (left > 0) {
          seenAtEdge.set(key, left - 1);
          continue;
        }
        if (total + added >= q.limit) continue;
        if (!target) streams.set(labelsKey, (target = { labels: s.labels, entries: [] }));
        target.entries.push([ts, line]);
        added++;
        if (edge === undefined || (backward ? compareNs(ts, edge) < 0 : compareNs(ts, edge) > 0)) edge = ts;
      }
    }
    total += added;
    if (total >= q.limit || read < want || added === 0 || edge === undefined) break;
    // the next page: everything up to and including the edge timestamp, minus what was read at it
    boundary = new Map();
    for (const s of streams.values()) {
      for (const [ts, line] of s.entries) {
        if (ts !== edge) continue;
        const key = `${JSON.stringify(s.labels)}\u0000${ts}\u0000${line}`;
        boundary.set(key, (boundary.get(key) ?? 0) + 1);
      }
    }
    if (backward) endNs = BigInt(edge) + 1n;
    else startNs = BigInt(edge);
    if (startNs >= endNs) break;
  }
  for (const s of streams.values()) s.entries.sort(([a], [b]) => (backward ? -1 : 1) * compareNs(a, b));
  return { resultType: 'streams', streams: [...streams.values()] };
}

/** Nanosecond timestamps as decimal strings, compared without BigInt. */
function compareNs(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function boundaryCount(b: Map<string, number>): number {
  let n = 0;
  for (const v of b.values()) n += v;
  return n;
}
