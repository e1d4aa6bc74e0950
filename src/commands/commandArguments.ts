import { userInfo } from 'node:os';
import type { TimeRange } from '../shared/protocol';

// What commands run from a tree node receive, turned into what their handlers take.

/** "Open Metrics" on a Services-tree node charts that service's scrape health; a string is PromQL. */
export function metricsQuery(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const query = (arg as { query?: unknown } | undefined)?.query;
  if (typeof query === 'string') return query;
  const service = (arg as { group?: { service?: string } } | undefined)?.group?.service;
  // label values are quoted with JSON escaping, which PromQL string literals accept
  return typeof service === 'string' ? `up{job=${JSON.stringify(service)}} or up{service=${JSON.stringify(service)}}` : undefined;
}

/** "Show logs" on a Services-tree node passes the node; the panel wants `{ service }` or LogQL. */
export function logsArgument(arg: unknown): string | { service: string } | undefined {
  if (typeof arg === 'string') return arg;
  const query = (arg as { query?: unknown } | undefined)?.query;
  if (typeof query === 'string') return query;
  const group = (arg as { group?: { service?: string } } | undefined)?.group;
  const container = (arg as { container?: { service?: string } } | undefined)?.container;
  const service = group?.service ?? container?.service ?? (arg as { service?: unknown } | undefined)?.service;
  return typeof service === 'string' ? { service } : undefined;
}

/** `{ query, startMs, endMs }` (the Incident panel's links): the time range to show it over. */
export function rangeArgument(arg: unknown): TimeRange | undefined {
  const a = arg as { startMs?: unknown; endMs?: unknown } | undefined;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return ok(a?.startMs) && ok(a?.endMs) && a.startMs < a.endMs ? { kind: 'absolute', startMs: a.startMs, endMs: a.endMs } : undefined;
}

/** Who creates silences (`createdBy`): the OS user, or "vscode" where it cannot be read. */
export function silenceAuthor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'vscode';
  }
}
