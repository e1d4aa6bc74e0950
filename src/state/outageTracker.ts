import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';

/**
 * Counts a backend's consecutive failures and logs an outage once: a warning when it becomes
 * "down" (after `threshold` failures in a row, so one blip stays quiet) and one info line when
 * it answers again. Individual failures go to the debug level only.
 */
export class OutageTracker {
  failures = 0;
  private downSince: number | undefined;

  constructor(
    private readonly name: string,
    private url: string,
    readonly threshold: number,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  /** True once `threshold` polls in a row have failed, until one succeeds. */
  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  /**
   * The settings now point at another URL: a new backend, so the old one's outage and failure count
   * (and its backoff) no longer apply, and later log lines name the new URL.
   */
  retarget(url: string): boolean {
    if (url === this.url) return false;
    this.logger.info(`${this.name}: now using ${url} (was ${this.url})`);
    this.url = url;
    this.failures = 0;
    this.downSince = undefined;
    return true;
  }

  /** Records one poll: `undefined` for success, the error for a failure. */
  record(error: Error | undefined): void {
    if (!error) {
      if (this.downSince !== undefined) {
        this.logger.info(`${this.name} at ${this.url} answers again (unreachable for ${Math.round((this.clock.now() - this.downSince) / 1000)} s)`);
      }
      this.failures = 0;
      this.downSince = undefined;
      return;
    }
    this.failures++;
    if (this.failures === this.threshold) {
      this.downSince = this.clock.now();
      this.logger.warn(
        `${this.name} unreachable after ${this.threshold} attempts: ${error.message}. Retrying in the background with backoff; this is logged once per outage.`,
      );
    } else if (this.failures < this.threshold) {
      this.logger.debug(`${this.name} poll failed (${this.failures}/${this.threshold}): ${error.message}`);
    }
  }
}
