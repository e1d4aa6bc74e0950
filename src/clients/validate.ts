/**
 * Small hand-written response validators. Each throws an Error naming the path that was wrong;
 * `HttpTransport.json()` turns that into an `invalid-response` BackendError.
 */

/** A plain JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObject(v: unknown, path: string): JsonObject {
  if (!isObject(v)) throw new Error(`${path} should be an object, got ${describe(v)}`);
  return v;
}

export function expectArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${path} should be an array, got ${describe(v)}`);
  return v;
}

export function expectString(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new Error(`${path} should be a string, got ${describe(v)}`);
  return v;
}

export function expectNumber(v: unknown, path: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${path} should be a number, got ${describe(v)}`);
  return v;
}

export function expectBoolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new Error(`${path} should be a boolean, got ${describe(v)}`);
  return v;
}

export function optionalString(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : expectString(v, path);
}

/** Labels and annotations: an object whose values are all strings (missing → empty). */
export function stringRecord(v: unknown, path: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  const o = expectObject(v, path);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) out[k] = expectString(val, `${path}.${k}`);
  return out;
}

export function stringArray(v: unknown, path: string): string[] {
  if (v === undefined || v === null) return [];
  return expectArray(v, path).map((s, i) => expectString(s, `${path}[${i}]`));
}

/** An RFC 3339 timestamp as epoch ms. */
export function expectTime(v: unknown, path: string): number {
  const s = expectString(v, path);
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`${path} should be a timestamp, got ${JSON.stringify(s.slice(0, 40))}`);
  return ms;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.slice(0, 40))}`;
  return typeof v;
}
