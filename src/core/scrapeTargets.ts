/** A Prometheus scrape target, as far as service health reads it (clients' `PromTarget` carries more). */
export interface ScrapeTarget {
  labels: Record<string, string>;
  scrapePool: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** A service's scrape health as the Services tree shows it. */
export interface ServiceScrapeHealth {
  health: 'up' | 'down' | 'unknown';
  /** How many of its targets are up / in all. */
  up: number;
  total: number;
  /** The last scrape error of a down target, for the tooltip. */
  lastError?: string;
  /** Set when a down target has never been up since Prometheus started: what to do about it. */
  neverUp?: string;
}

/**
 * Which targets belong to a compose service: a target names its service through the `service` or
 * `compose_service` label (the stack's Prometheus config sets one), else through its job name.
 * Returns service name → health (down wins over unknown, unknown over up).
 */
export function scrapeHealthByService(targets: readonly ScrapeTarget[], neverUp: readonly NeverUpTarget[] = []): Map<string, ServiceScrapeHealth> {
  const out = new Map<string, ServiceScrapeHealth>();
  for (const t of targets) {
    const name = t.labels.service || t.labels.compose_service || t.labels.job || t.scrapePool;
    if (!name) continue;
    const h = out.get(name) ?? { health: 'up', up: 0, total: 0 };
    h.total++;
    if (t.health === 'up') h.up++;
    if (t.health === 'down') {
      h.health = 'down';
      h.lastError ??= t.lastError || undefined;
      const never = neverUpTargetOf(t.labels, neverUp);
      if (never) h.neverUp ??= neverUpAdvice(never);
    } else if (t.health === 'unknown' && h.health === 'up') {
      h.health = 'unknown';
    }
    out.set(name, h);
  }
  return out;
}

/** A target that is down and has not been up once since Prometheus started: a wrong address, not a crash. */
export interface NeverUpTarget {
  job: string;
  instance: string;
  /** The service the target names (its `service` label), when it has one. */
  service?: string;
  lastError?: string;
}

/** What to do about a target that was never up, as the Services tree and the Alerts view show it. */
export function neverUpAdvice(t: NeverUpTarget): string {
  if (t.job === 'arcanum') {
    return (
      `${t.instance} has never answered Prometheus since the stack started: a configuration problem, not a crash, so Realm does not restart anything. ` +
      'Prometheus runs in a container and cannot reach a port published on 127.0.0.1: publish the port on 0.0.0.0, or set `realm.arcanumTarget`.'
    );
  }
  return `${t.job} target ${t.instance} has never answered Prometheus since it started: a configuration problem, not a crash. Check the target's address and that it listens where Prometheus can reach it.`;
}

/** The never-up target an alert or a stream is about, matched by its `job` and `instance` labels. */
export function neverUpTargetOf(labels: Readonly<Record<string, string>>, neverUp: readonly NeverUpTarget[]): NeverUpTarget | undefined {
  if (!labels.job || !labels.instance) return undefined;
  return neverUp.find((t) => t.job === labels.job && t.instance === labels.instance);
}

/** `max by (job, instance) (max_over_time(up{job=~"a|b"}[Ns]))` for the jobs of the down targets. */
export function everUpQuery(down: readonly ScrapeTarget[], sinceSeconds: number): string {
  const jobs = [...new Set(down.map((t) => t.labels.job).filter(Boolean))].map((j) => j.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&').replace(/["\\]/g, '\\$&'));
  return `max by (job, instance) (max_over_time(up{job=~"${jobs.join('|')}"}[${Math.max(1, Math.floor(sinceSeconds))}s]))`;
}

/**
 * The down targets whose `up` never was 1 since Prometheus started (`everUp`: job|instance → the
 * max of `up` over that time). A target without samples yet is not judged: too early to tell.
 */
export function findNeverUp(targets: readonly ScrapeTarget[], everUp: ReadonlyMap<string, number>): NeverUpTarget[] {
  return targets
    .filter((t) => t.health === 'down' && everUp.get(`${t.labels.job}|${t.labels.instance}`) === 0)
    .map((t) => ({
      job: t.labels.job,
      instance: t.labels.instance,
      service: t.labels.service || t.labels.compose_service || undefined,
      lastError: t.lastError || undefined,
    }));
}
