import type { RateLimiter } from '../core/rateLimiter';
import type { AuditTrail } from './auditTrail';

/**
 * An action is counted in the budget when issued but audited when it ends: a window reload in
 * between leaves it out of the audit trail. Records each such action (once) as interrupted, so
 * the trail accounts for everything the budget counts. Services with an action still running in
 * this window (`running(key)`) are skipped: that action is audited when it ends.
 */
export async function recordInterruptedActions(rateLimiter: RateLimiter, audit: AuditTrail, running: (key: string) => boolean): Promise<void> {
  for (const key of rateLimiter.keys()) {
    if (running(key)) continue;
    const times = rateLimiter.actionTimes(key);
    const ended = audit.entries().filter((e) => e.service === key && e.outcome !== 'skipped' && e.time >= times[0]).length;
    for (const time of times.slice(ended)) {
      await audit.record({
        time,
        trigger: { kind: 'recheck', after: 'reload' },
        service: key,
        outcome: 'failed',
        durationMs: 0,
        detail: 'interrupted: the window reloaded while this action ran; it was issued (and counted) but its outcome is unknown',
      });
    }
  }
}
