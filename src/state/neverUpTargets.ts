import type { PromInstantResult, PromTarget } from '../clients/prometheusTypes';
import { everUpQuery, findNeverUp, NeverUpTarget } from '../core/scrapeTargets';

/** What the never-up check asks Prometheus (PrometheusClient satisfies it). */
export interface InstantQuerySource {
  query(expr: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<PromInstantResult>;
}

/** Seconds since Prometheus started, from its own `process_start_time_seconds` (it scrapes itself). */
export const UPTIME_QUERY = 'time() - max(process_start_time_seconds{job="prometheus"})';

function firstValue(r: PromInstantResult): number | undefined {
  if (r.resultType === 'scalar') return r.result[1];
  if (r.resultType === 'vector') return r.result[0]?.value[1];
  return undefined;
}

/**
 * The down targets that have not been up once since Prometheus started: two instant queries, only
 * when some target is down. Without Prometheus' own start time (a Prometheus that does not scrape
 * itself as job "prometheus") nothing is judged: better to heal as before than to guess.
 */
export async function queryNeverUp(
  prometheus: InstantQuerySource,
  targets: readonly PromTarget[],
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<NeverUpTarget[]> {
  const down = targets.filter((t) => t.health === 'down' && t.labels.job && t.labels.instance);
  if (!down.length) return [];
  const uptime = firstValue(await prometheus.query(UPTIME_QUERY, options));
  if (uptime === undefined || !Number.isFinite(uptime) || uptime <= 0) return [];
  const ever = await prometheus.query(everUpQuery(down, uptime), options);
  const everUp = new Map<string, number>();
  if (ever.resultType === 'vector') for (const s of ever.result) everUp.set(`${s.metric.job}|${s.metric.instance}`, s.value[1]);
  return findNeverUp(down, everUp);
}
