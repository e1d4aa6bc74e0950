import type { LokiStream } from '../clients/lokiResponses';
import type { Clock } from '../platform/clock';
import { Disposable, toDisposable } from '../platform/disposable';
import type { Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { MementoLike } from '../platform/memento';
import type { AuditEntry } from './auditTrail';
import { decisionRecord, DecisionRecord } from './decisionRecord';

/** What the log needs from Loki (LokiClient satisfies it). */
export interface LokiPusher {
  push(streams: LokiStream[], signal?: AbortSignal): Promise<void>;
}

export interface LokiDecisionLogOptions {
  /** New decisions: the audit trail's `onDidChange` (undefined = trail cleared, ignored). */
  decisions: Event<AuditEntry | undefined>;
  /** The Loki to write to, read on every send so a changed `realm.lokiUrl` applies at once. */
  loki: () => LokiPusher;
  clock: Clock;
  logger: Logger;
  /** Secret values that must never leave (backend credentials…), masked in every line. */
  knownSecrets?: () => readonly string[];
  /** With both: the last delivered decision is remembered, and a reload resends what Loki never got. */
  state?: MementoLike;
  backlog?: () => readonly AuditEntry[];
  /** Bounds (defaults: 10,000 buffered, 500 per push, retry 1 s doubling to 60 s, 10 s per push). */
  maxBuffered?: number;
  batchSize?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  timeoutMs?: number;
}

export const LOKI_SENT_KEY = 'realm.healer.lokiDeliveredUpTo';

interface Queued extends DecisionRecord {
  id: string;
  tsNs: string;
}
interface Delivered {
  id: string;
  time: number;
}

/**
 * Writes every healer decision to Loki as one JSON line (`POST /loki/api/v1/push`, stream labels
 * from `decisionRecord`), so Grafana's "Self-healing actions" panel and the Logs panel show them.
 * The listener only queues: an action never waits for Loki. While Loki is down or slow, decisions
 * stay queued (bounded, oldest dropped first and counted) and are retried with backoff; one warning
 * per outage. Each decision keeps the timestamp it was queued with, so a retry after an ambiguous
 * failure is deduplicated by Loki instead of written twice.
 */
export class LokiDecisionLog extends Disposable {
  private readonly queue: Queued[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending = false;
  private failures = 0;
  private downSince: number | undefined;
  private dropped = 0;
  private lastNs = 0n;
  private abort: AbortController | undefined;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: LokiDecisionLogOptions) {
    super();
    this.register(
      options.decisions((e) => {
        if (e) this.enqueue(e);
      }),
    );
    this.register(
      toDisposable(() => {
        clearTimeout(this.timer);
        this.abort?.abort();
        this.notifyIdle();
      }),
    );
    this.resumeBacklog();
  }

  /** Decisions queued and not yet accepted by Loki. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once the queue is empty (or the log is disposed): for tests and benchmarks. */
  drained(): Promise<void> {
    if (!this.queue.length || this.isDisposed) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  /** Queues one decision; cheap and synchronous, never throws into the audit trail. */
  enqueue(entry: AuditEntry): void {
    if (this.isDisposed) return;
    let record: DecisionRecord;
    try {
      record = decisionRecord(entry, this.options.knownSecrets?.() ?? []);
    } catch (e) {
      this.options.logger.warn(`[healer→loki] could not encode decision ${entry.id}: ${String(e)}`);
      return;
    }
    // unique, increasing nanosecond timestamps within this window: same-ms decisions keep their order
    let ns = BigInt(Math.trunc(entry.time)) * 1_000_000n;
    if (ns <= this.lastNs) ns = this.lastNs + 1n;
    this.lastNs = ns;
    this.queue.push({ ...record, id: entry.id, tsNs: ns.toString() });
    const max = this.options.maxBuffered ?? 10_000;
    if (this.queue.length > max) {
      const n = this.queue.length - max;
      this.queue.splice(0, n);
      if (this.dropped === 0)
        this.options.logger.warn(`[healer→loki] more than ${max} decisions waiting for Loki: dropping the oldest (they stay in the audit trail)`);
      this.dropped += n;
    }
    if (!this.failures) this.schedule(0);
  }

  private resumeBacklog(): void {
    const { state, backlog } = this.options;
    if (!state || !backlog) return;
    const entries = backlog();
    const sent = state.get<Delivered>(LOKI_SENT_KEY);
    if (!sent || typeof sent.id !== 'string') {
      // first run: history before this version is not replayed; from now on nothing is lost across reloads
      const last = entries[entries.length - 1];
      void state.update(LOKI_SENT_KEY, { id: last?.id ?? '', time: last?.time ?? this.options.clock.now() });
      return;
    }
    // found: what came after it; an empty id: everything since the first run; gone (trail trimmed): newer ones
    const index = sent.id ? entries.findIndex((e) => e.id === sent.id) : -1;
    const resend = index >= 0 ? entries.slice(index + 1) : entries.filter((x) => (sent.id ? x.time > sent.time : x.time >= sent.time));
    for (const e of resend) this.enqueue(e);
  }

  private schedule(ms: number): void {
    if (this.timer || this.sending || this.isDisposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, ms);
  }

  private async send(): Promise<void> {
    if (this.sending || this.isDisposed) return;
    if (!this.queue.length) return this.notifyIdle();
    this.sending = true;
    const batch = this.queue.slice(0, this.options.batchSize ?? 500);
    this.abort = new AbortController();
    const timeout = setTimeout(() => this.abort?.abort(), this.options.timeoutMs ?? 10_000);
    let retryIn: number | undefined;
    try {
      await this.options.loki().push(toStreams(batch), this.abort.signal);
      this.delivered(batch, 'sent');
    } catch (err) {
      if (this.isDisposed) return;
      if (isPermanent(err)) {
        // Loki refused the content (too old, malformed): it keeps the valid entries, retrying cannot help
        this.options.logger.warn(`[healer→loki] Loki refused ${batch.length} decision(s): ${(err as Error).message}`);
        this.delivered(batch, 'refused');
      } else {
        this.failures++;
        if (this.failures === 1) {
          this.downSince = this.options.clock.now();
          this.options.logger.warn(`[healer→loki] cannot write healer decisions to Loki (${(err as Error).message}); keeping them and retrying`);
        }
        const min = this.options.retryMinMs ?? 1_000;
        retryIn = Math.min(this.options.retryMaxMs ?? 60_000, min * 2 ** Math.min(this.failures - 1, 16));
      }
    } finally {
      clearTimeout(timeout);
      this.sending = false;
    }
    if (retryIn !== undefined) this.schedule(retryIn);
    else if (this.queue.length) this.schedule(0);
    else this.notifyIdle();
  }

  private delivered(batch: readonly Queued[], how: 'sent' | 'refused'): void {
    // entries dropped for overflow while the push ran are no longer at the front: remove by identity
    const ids = new Set(batch.map((q) => q.tsNs));
    while (this.queue.length && ids.has(this.queue[0].tsNs)) this.queue.shift();
    if (how === 'sent' && this.failures) {
      const s = Math.round((this.options.clock.now() - (this.downSince ?? this.options.clock.now())) / 1000);
      this.options.logger.info(
        `[healer→loki] Loki accepts healer decisions again after ${s} s${this.dropped ? `; ${this.dropped} were dropped meanwhile` : ''}`,
      );
    }
    if (how === 'sent') {
      this.failures = 0;
      this.dropped = 0;
    }
    const last = batch[batch.length - 1];
    if (last) void this.options.state?.update(LOKI_SENT_KEY, { id: last.id, time: last.time } satisfies Delivered);
  }

  private notifyIdle(): void {
    for (const resolve of [...this.idle]) resolve();
    this.idle.clear();
  }
}

/** Groups records by label set into Loki push streams, in queue order. */
export function toStreams(batch: readonly Queued[]): LokiStream[] {
  const streams = new Map<string, LokiStream>();
  for (const q of batch) {
    const key = JSON.stringify(Object.entries(q.labels).sort());
    let s = streams.get(key);
    if (!s) streams.set(key, (s = { labels: q.labels, entries: [] }));
    s.entries.push([q.tsNs, q.line]);
  }
  return [...streams.values()];
}

/** 4xx other than 401/403/408/429: the content is the problem, not Loki's availability or our credentials. */
function isPermanent(err: unknown): boolean {
  const e = err as { kind?: string; status?: number };
  if (e?.kind !== 'http' || e.status === undefined) return false;
  return e.status >= 400 && e.status < 500 && ![401, 403, 408, 429].includes(e.status);
}
