import type { PromTarget } from '../clients/prometheusTypes';

/** A service's scrape health as the Services tree shows it. */
export interface ServiceScrapeHealth {
  health: 'up' | 'down' | 'unknown';
  /** How many of its targets are up / in all. */
  up: number;
  total: number;
  /** The last scrape error of a down target, for the tooltip. */
  lastError?: string;
}

/**
 * Which targets belong to a compose service: a target names its service through the `service` or
 * `compose_service` label (the stack's Prometheus config sets one), else through its job name.
 * Returns service name → health (down wins over unknown, unknown over up).
 */
export function scrapeHealthByService(targets: readonly PromTarget[]): Map<string, ServiceScrapeHealth> {
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
    } else if (t.health === 'unknown' && h.health === 'up') {
      h.health = 'unknown';
    }
    out.set(name, h);
  }
  return out;
}
