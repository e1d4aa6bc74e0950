import type { HealTrigger } from '../core/healPolicy';
import type { Clock } from '../platform/clock';
import type { AuditEntry, AuditTrail, NewAuditEntry } from './auditTrail';

/** How long an identical skip is remembered (a repeat after this is recorded again). */
export const SKIP_MEMORY_MS = 10 * 60_000;

/** What makes two triggers the same for de-duplication: one alert firing episode, or the trigger's kind. */
function triggerIdentity(t: HealTrigger): string {
  return t.kind === 'alert' ? `${t.fingerprint}@${t.startsAt ?? ''}` : t.kind;
}

/**
 * Records skips once. Alerts re-fire on every poll, a crash-looping service dies again and again:
 * a background skip that repeats the last one for the same service and trigger is not recorded again
 * (until the reason changes, an action happens, or it stops repeating for SKIP_MEMORY_MS). A manual
 * one (Heal Now) that repeats an identical earlier skip is folded into it: a count and the latest time.
 */
export class SkipRecorder {
  private readonly last = new Map<string, { reason: string; at: number }>();
  private readonly manual = new Map<string, { entry: AuditEntry; at: number }>();

  constructor(
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  /** Records `entry` (a skip) unless it repeats; resolves to the recorded or folded entry, undefined when silent. */
  async record(entry: NewAuditEntry & { outcome: 'skipped' }, manual: boolean): Promise<AuditEntry | undefined> {
    const now = this.clock.now();
    this.prune(now);
    const subject = entry.service ?? (entry.trigger.kind === 'alert' ? entry.trigger.alertname : '');
    if (manual) {
      const identity = `${subject}|${triggerIdentity(entry.trigger)}|${entry.action ?? ''}|${entry.reason ?? ''}|${entry.detail ?? ''}`;
      const earlier = this.manual.get(identity);
      if (earlier) {
        const folded = await this.audit.repeat(earlier.entry, now);
        if (folded) {
          this.manual.set(identity, { entry: folded, at: now });
          return folded;
        }
      }
      const recorded = await this.audit.record(entry);
      this.manual.set(identity, { entry: recorded, at: now });
      return recorded;
    }
    const identity = `${subject}|${triggerIdentity(entry.trigger)}`;
    const last = this.last.get(identity);
    if (last && last.reason === entry.reason) {
      last.at = now;
      return undefined;
    }
    this.last.set(identity, { reason: entry.reason ?? '', at: now });
    return this.audit.record(entry);
  }

  /** An action happened on the service: its next skip is news again. */
  forget(service: string): void {
    for (const k of [...this.last.keys()]) if (k.startsWith(`${service}|`)) this.last.delete(k);
    for (const k of [...this.manual.keys()]) if (k.startsWith(`${service}|`)) this.manual.delete(k);
  }

  /** How many skips are remembered (tests check that old ones are forgotten). */
  get remembered(): number {
    return this.last.size + this.manual.size;
  }

  private prune(now: number): void {
    for (const [k, v] of this.last) if (now - v.at > SKIP_MEMORY_MS) this.last.delete(k);
    for (const [k, v] of this.manual) if (now - v.at > SKIP_MEMORY_MS) this.manual.delete(k);
  }
}
