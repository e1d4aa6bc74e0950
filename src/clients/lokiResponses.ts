/**
 * Loki's response shapes and their validators (query, query_range, tail frames), plus nanosecond
 * time helpers. Hand-written checks: a wrong shape is an `invalid-response` error naming the path.
 */

/** One entry: Loki's nanosecond timestamp (a string: it exceeds 2^53) and the raw line. */
export type LokiEntry = [tsNs: string, line: string];

export interface LokiStream {
  labels: Record<string, string>;
  entries: LokiEntry[];
}

/** A metric query's series (`count_over_time`, `rate`…): seconds and string values, as Prometheus. */
export interface LokiSeries {
  metric: Record<string, string>;
  values: Array<[seconds: number, value: string]>;
}

export type LokiQueryResult =
  | { resultType: 'streams'; streams: LokiStream[] }
  | { resultType: 'matrix'; series: LokiSeries[] }
  | { resultType: 'vector'; samples: Array<{ metric: Record<string, string>; value: [number, string] }> };

// ---- response validation -------------------------------------------------------------------

function fail(path: string, what: string): never {
  throw new Error(`${path} should be ${what}`);
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object');
  return v as Record<string, unknown>;
}

function labelsOf(v: unknown, path: string): Record<string, string> {
  const o = obj(v ?? {}, path);
  for (const [k, val] of Object.entries(o)) if (typeof val !== 'string') fail(`${path}.${k}`, 'a string');
  return o as Record<string, string>;
}

/** `{status: 'success', data: string[]}` (labels, label values). */
export function parseStringList(v: unknown): string[] {
  const body = obj(v, 'body');
  if (body.status !== 'success') fail('status', '"success"');
  const data = body.data ?? [];
  if (!Array.isArray(data) || !data.every((s) => typeof s === 'string')) fail('data', 'an array of strings');
  return data as string[];
}

/** Validates a query/query_range body; exported for the tail parser and tests. */
export function parseQueryResponse(v: unknown): LokiQueryResult {
  const body = obj(v, 'body');
  if (body.status !== 'success') fail('status', '"success"');
  const data = obj(body.data, 'data');
  const result = data.result;
  if (!Array.isArray(result)) fail('data.result', 'an array');
  if (data.resultType === 'streams') return { resultType: 'streams', streams: result.map((s, i) => parseStream(s, `data.result[${i}]`)) };
  if (data.resultType === 'matrix') {
    return {
      resultType: 'matrix',
      series: result.map((s, i) => {
        const o = obj(s, `data.result[${i}]`);
        const values = o.values;
        if (!Array.isArray(values)) fail(`data.result[${i}].values`, 'an array');
        return { metric: labelsOf(o.metric, `data.result[${i}].metric`), values: values.map((p, j) => samplePair(p, `data.result[${i}].values[${j}]`)) };
      }),
    };
  }
  if (data.resultType === 'vector') {
    return {
      resultType: 'vector',
      samples: result.map((s, i) => {
        const o = obj(s, `data.result[${i}]`);
        return { metric: labelsOf(o.metric, `data.result[${i}].metric`), value: samplePair(o.value, `data.result[${i}].value`) };
      }),
    };
  }
  return fail('data.resultType', '"streams", "matrix" or "vector"');
}

/** One `{stream, values}` object, as in query results and tail frames. */
export function parseStream(v: unknown, path: string): LokiStream {
  const o = obj(v, path);
  const values = o.values;
  if (!Array.isArray(values)) fail(`${path}.values`, 'an array');
  const entries = values.map((e, j): LokiEntry => {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'string' || !/^\d+$/.test(e[0])) fail(`${path}.values[${j}]`, '["<ns>", "<line>"]');
    return [e[0], e[1]];
  });
  return { labels: labelsOf(o.stream, `${path}.stream`), entries };
}

function samplePair(p: unknown, path: string): [number, string] {
  if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'string') fail(path, '[<seconds>, "<value>"]');
  return [p[0], p[1]];
}

// the conversions are shared with the Logs webview; re-exported for the clients' callers
export { msToNs, nsToMs } from '../shared/nanoseconds';
