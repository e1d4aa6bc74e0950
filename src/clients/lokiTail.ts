import type { Dispatcher, WebSocket } from 'undici';
import { undici } from '../platform/lazyModules';
import { Emitter } from '../platform/event';
import { Disposable, toDisposable } from '../platform/disposable';
import type { TailState } from '../shared/protocol';
import { LokiStream, parseStream, msToNs } from './lokiResponses';
import { Clock, systemClock } from '../platform/clock';

export interface TailOptions {
  /** `ws(s)://host/loki/api/v1/tail` (built by `LokiClient.tail`). */
  url: string;
  query: string;
  headers: Record<string, string>;
  dispatcher?: Dispatcher;
  /** First connection starts here (ns string). Default: one hour ago, as Loki does. */
  startNs?: string;
  /** Lines Loki replays on (re)connect. Default 100. */
  limit?: number;
  /** Backoff: first retry after `baseDelayMs`, doubling up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts in a row the tail gives up (state `disconnected`). Default 20. */
  maxAttempts?: number;
  /**
   * A connection counts as working (the failed-attempt count restarts) once a frame arrives or it
   * has stayed open this long. Merely opening is not enough: a Loki that accepts the websocket and
   * closes it at once must still reach the retry limit. Default 5,000 ms.
   */
  stableAfterMs?: number;
  clock?: Clock;
}

export interface TailStatus {
  state: TailState;
  /** Entries Loki reported as dropped (`dropped_entries`), since the tail started. */
  dropped: number;
  /** Failed attempts in a row (back to 0 once a connection has delivered a frame or stayed open a while). */
  attempt: number;
  message?: string;
}

/**
 * A live tail over Loki's websocket. Hands each frame's lines to `onEntries` (the Logs panel keeps
 * the newest `realm.logs.tailBufferLines` of them; the tail keeps none), reports
 * connecting / connected / reconnecting / disconnected, reconnects with exponential backoff and
 * resumes after the last line it saw (so a reconnect neither loses nor repeats lines Loki still has).
 */
export class LokiTail extends Disposable {
  private readonly entriesEmitter = this.register(new Emitter<LokiStream[]>());
  private readonly statusEmitter = this.register(new Emitter<TailStatus>());
  /** New streams as they arrive. */
  readonly onEntries = this.entriesEmitter.event;
  /** Every state change. */
  readonly onStatus = this.statusEmitter.event;

  private socket: WebSocket | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTsNs: bigint | undefined;
  private current: TailStatus = { state: 'connecting', dropped: 0, attempt: 0 };

  constructor(private readonly options: TailOptions) {
    super();
    this.register(toDisposable(() => this.close()));
    this.connect();
  }

  get status(): TailStatus {
    return { ...this.current };
  }

  private setStatus(patch: Partial<TailStatus>): void {
    this.current = { ...this.current, ...patch };
    if (patch.message === undefined && patch.state === 'connected') delete this.current.message;
    this.statusEmitter.fire(this.status);
  }

  private connect(): void {
    const now = (this.options.clock ?? systemClock).now();
    const start = this.lastTsNs !== undefined ? (this.lastTsNs + 1n).toString() : (this.options.startNs ?? msToNs(now - 3_600_000));
    const url = new URL(this.options.url);
    url.searchParams.set('query', this.options.query);
    url.searchParams.set('start', start);
    url.searchParams.set('limit', String(this.options.limit ?? 100));
    url.searchParams.set('delay_for', '0');
    let socket: WebSocket;
    try {
      socket = new (undici().WebSocket)(url.toString(), { headers: this.options.headers, dispatcher: this.options.dispatcher });
    } catch (err) {
      this.scheduleRetry(`cannot open ${url.origin}: ${(err as Error).message}`);
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.setStatus({ state: 'connected' });
      this.stableTimer = setTimeout(() => this.markWorking(socket), this.options.stableAfterMs ?? 5_000);
    });
    socket.addEventListener('message', (ev) => {
      this.markWorking(socket);
      this.onFrame(ev.data);
    });
    socket.addEventListener('close', (ev) => {
      if (this.socket !== socket) return; // superseded or disposed
      this.socket = undefined;
      this.clearStableTimer();
      // Loki closes with a reason when the query fails after the upgrade; 1006 means the link dropped.
      const why = ev.reason ? `Loki closed the tail: ${ev.reason}` : ev.code === 1006 ? 'connection to Loki lost' : `tail closed (code ${ev.code})`;
      this.scheduleRetry(why);
    });
  }

  /** The connection works (a frame came, or it stayed open): failed attempts start over. */
  private markWorking(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.clearStableTimer();
    if (this.current.attempt !== 0) this.current = { ...this.current, attempt: 0 };
  }

  private clearStableTimer(): void {
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = undefined;
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: { streams?: unknown; dropped_entries?: unknown };
    try {
      frame = JSON.parse(data);
    } catch {
      return; // a broken frame must not end the tail
    }
    const streams: LokiStream[] = [];
    if (Array.isArray(frame.streams)) {
      frame.streams.forEach((s, i) => {
        try {
          streams.push(parseStream(s, `streams[${i}]`));
        } catch {
          // skip a malformed stream, keep the rest
        }
      });
    }
    for (const s of streams) {
      for (const [tsNs] of s.entries) {
        const ts = BigInt(tsNs);
        if (this.lastTsNs === undefined || ts > this.lastTsNs) this.lastTsNs = ts;
      }
    }
    if (streams.length) this.entriesEmitter.fire(streams);
    if (Array.isArray(frame.dropped_entries) && frame.dropped_entries.length) {
      this.setStatus({ dropped: this.current.dropped + frame.dropped_entries.length });
    }
  }

  private scheduleRetry(message: string): void {
    if (this.isDisposed) return;
    const attempt = this.current.attempt + 1;
    if (attempt > (this.options.maxAttempts ?? 20)) {
      this.setStatus({ state: 'disconnected', attempt, message: `${message}; gave up after ${attempt - 1} attempts` });
      return;
    }
    const base = this.options.baseDelayMs ?? 500;
    const delay = Math.min(this.options.maxDelayMs ?? 30_000, base * 2 ** (attempt - 1));
    this.setStatus({ state: 'reconnecting', attempt, message: `${message}; retrying in ${(delay / 1000).toFixed(1)} s` });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.isDisposed) this.connect();
    }, delay);
  }

  private close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.clearStableTimer();
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    this.current = { ...this.current, state: 'disconnected', message: 'stopped' };
    // Emitters are disposed after this (registered earlier → disposed later), so listeners hear it.
    this.statusEmitter.fire(this.status);
  }
}
