import type { HealAction, HealTrigger, SkipReason } from '../core/healPolicy';
import { describeDecision } from './decisionWording';
import type { Clock } from '../platform/clock';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { MementoLike } from '../platform/memento';

export const AUDIT_STORAGE_KEY = 'realm.healer.auditTrail';
export const AUDIT_LIMIT = 1000;

export type AuditOutcome = 'done' | 'failed' | 'skipped';

/** One healer decision, as recorded, shown and exported. */
export interface AuditEntry {
  /** Monotonic id within this trail (time + sequence), for tree item ids. */
  id: string;
  /** Epoch ms when the decision was made. */
  time: number;
  trigger: HealTrigger;
  /** `project/service` (or `(cleanup)`); absent when the trigger matched no watched service. */
  service?: string;
  action?: HealAction;
  outcome: AuditOutcome;
  /** For skipped: why. */
  reason?: SkipReason;
  /** Human text: the failure message, the skip detail, or what was done (bytes reclaimed…). */
  detail?: string;
  /** How long the action took (0 for skips). */
  durationMs: number;
  /** Heal Now / Heal This: the user asked (not refused by grace, back-off or a spent budget; still counted). */
  manual?: boolean;
  /** How many identical decisions were folded into this one since (Heal Now repeating the same skip). */
  repeats?: number;
  /** Epoch ms of the latest folded repeat. */
  lastRepeatAt?: number;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'time'> & { time?: number };

/** "alert ArcanumNeedsRestart (3f2a…)", "die of realm-web-1 (exit 137)", "Heal Now: exited". */
export function describeTrigger(t: HealTrigger): string {
  switch (t.kind) {
    case 'event':
      return `${t.event} of ${t.containerName}${t.exitCode !== undefined ? ` (exit ${t.exitCode})` : ''}`;
    case 'alert':
      return `alert ${t.alertname} (${t.fingerprint.slice(0, 8)})`;
    case 'manual':
      return `Heal Now: ${t.why}`;
    case 'recheck':
      return `re-check after ${t.after}`;
  }
}

/** One line for the output channel, tooltips and notifications: *service: action — outcome (reason)*. */
export function describeEntry(e: AuditEntry): string {
  return `${describeDecision(e)}${e.durationMs ? ` in ${e.durationMs} ms` : ''}`;
}

/**
 * Every healer decision, newest last, bounded to the last `limit` entries and kept in workspace
 * state so a reload keeps the history. Each entry is also written to the logger (the output
 * channel). `onDidChange` lets the Healer view refresh.
 */
export class AuditTrail {
  private readonly changed = new Emitter<AuditEntry | undefined>();
  /** Fires with the new entry, or undefined when the trail was cleared. */
  readonly onDidChange: Event<AuditEntry | undefined> = this.changed.event;
  private readonly repeated = new Emitter<AuditEntry>();
  /** Fires when an identical decision was folded into an existing entry (its count and latest time changed). */
  readonly onDidRepeat: Event<AuditEntry> = this.repeated.event;
  private cache: AuditEntry[];
  private seq = 0;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly memento: MementoLike,
    private readonly clock: Clock,
    private readonly logger?: Logger,
    private readonly limit = AUDIT_LIMIT,
    private readonly storageKey = AUDIT_STORAGE_KEY,
  ) {
    const stored = memento.get<AuditEntry[]>(storageKey);
    this.cache = Array.isArray(stored) ? stored.slice(-limit) : [];
  }

  /** Records a decision; resolves when it is persisted. */
  record(entry: NewAuditEntry): Promise<AuditEntry> {
    const time = entry.time ?? this.clock.now();
    const full: AuditEntry = { ...entry, time, id: `${time}-${this.seq++}` };
    this.cache.push(full);
    if (this.cache.length > this.limit) this.cache.splice(0, this.cache.length - this.limit);
    const line = `[healer] ${describeEntry(full)}`;
    if (full.outcome === 'failed') this.logger?.warn(line);
    else this.logger?.info(line);
    this.changed.fire(full);
    return this.persist().then(() => full);
  }

  /**
   * Folds a decision identical to `entry` into it: one more repeat at `time`, instead of a new row.
   * Resolves to the updated entry (undefined when it has left the trail).
   */
  repeat(entry: Pick<AuditEntry, 'id'>, time = this.clock.now()): Promise<AuditEntry | undefined> {
    const i = this.cache.findIndex((e) => e.id === entry.id);
    if (i < 0) return Promise.resolve(undefined);
    const updated: AuditEntry = { ...this.cache[i], repeats: (this.cache[i].repeats ?? 0) + 1, lastRepeatAt: time };
    this.cache[i] = updated;
    this.logger?.info(`[healer] again: ${describeEntry(updated)}`);
    this.repeated.fire(updated);
    return this.persist().then(() => updated);
  }

  /** All entries, oldest first. */
  entries(): readonly AuditEntry[] {
    return this.cache;
  }

  /** The newest `n` entries, newest first. */
  recent(n: number): AuditEntry[] {
    return this.cache.slice(-n).reverse();
  }

  /** The whole trail as pretty JSON (what "Export Audit Trail" writes). */
  toJSON(): string {
    return JSON.stringify(
      {
        exportedAt: new Date(this.clock.now()).toISOString(),
        entries: this.cache.map((e) => ({ ...e, isoTime: new Date(e.time).toISOString(), text: describeEntry(e) })),
      },
      null,
      2,
    );
  }

  async clear(): Promise<void> {
    this.cache = [];
    this.changed.fire(undefined);
    await this.persist();
  }

  dispose(): void {
    this.changed.dispose();
    this.repeated.dispose();
  }

  /** Writes are chained so a slow memento never reorders them. */
  private persist(): Promise<void> {
    const snapshot = this.cache.slice();
    this.writes = this.writes
      .then(() => this.memento.update(this.storageKey, snapshot))
      .catch((e: unknown) => {
        this.logger?.error(`could not persist the healer audit trail: ${String(e)}`);
      });
    return this.writes;
  }
}
