import type { DockerClient, EngineEvent, EventStreamHandle } from '../clients/dockerClient';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';

/** An event stream that stayed open this long was healthy: its backoff starts over (ms). */
const STABLE_STREAM_MS = 5_000;

export interface EngineConnectionDeps {
  docker: Pick<DockerClient, 'streamEvents' | 'ping'>;
  logger: Logger;
  clock: Clock;
  options: { fallbackPollMs: number; minBackoffMs: number; maxBackoffMs: number };
  /** The compose projects whose events to stream. */
  projects: () => string[];
  onEvent: (e: EngineEvent) => void;
  /** Lists every container again (what happened while no stream was open is unknown). */
  relist: () => Promise<void>;
  /** The engine does not answer (not even a ping): the store says so. */
  unreachable: (err: unknown) => void;
}

/**
 * The service store's line to the engine: the event stream, opened before each full list so nothing between
 * the two is missed; reconnects with back-off while the engine is away (at once after a stream that lived);
 * polls at a low rate while the engine answers but its events do not flow.
 */
export class EngineConnection {
  private stream: EventStreamHandle | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private active = false;
  private backoffMs: number;
  private generation = 0;
  private pollingFallback = false;

  constructor(private readonly deps: EngineConnectionDeps) {
    this.backoffMs = deps.options.minBackoffMs;
  }

  start(): void {
    this.active = true;
    // connect on the next tick: the first listener is often created during activation, which
    // should not wait for the engine (or even for loading dockerode)
    this.scheduleReconnect(0);
  }

  stop(): void {
    this.active = false;
    this.generation++;
    this.stream?.dispose();
    this.stream = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** A list failed while no stream is open: try again after the back-off. */
  retryAfterFailure(): void {
    if (this.active && !this.stream) this.scheduleReconnect(this.backoffMs);
  }

  /** Opens the event stream first (so nothing between list and subscribe is missed), then lists. */
  private async connect(): Promise<void> {
    const generation = ++this.generation;
    try {
      const names = this.deps.projects();
      const stream = await this.deps.docker.streamEvents((e) => this.deps.onEvent(e), names);
      if (generation !== this.generation) {
        stream.dispose();
        return;
      }
      this.stream = stream;
      const openedAt = this.deps.clock.now();
      void stream.closed.then((err) => {
        if (generation !== this.generation) return;
        this.stream = undefined;
        // a stream that lived a while reconnects at once; one closed right after opening (a proxy
        // with a short timeout, an engine restarting) backs off instead of looping
        const lived = this.deps.clock.now() - openedAt >= STABLE_STREAM_MS;
        const delay = lived ? 0 : this.backoffMs;
        this.backoffMs = lived ? this.deps.options.minBackoffMs : Math.min(this.backoffMs * 2, this.deps.options.maxBackoffMs);
        // info, not warn: if the engine is gone, the reconnect logs the one outage warning
        this.deps.logger.info(`Docker event stream closed${err ? `: ${err.message}` : ''}; reconnecting${delay ? ` in ${delay / 1000} s` : ''}`);
        this.scheduleReconnect(delay);
      });
      if (this.pollingFallback) this.deps.logger.info('Docker events are back; polling stopped');
      this.pollingFallback = false;
      // what happened while no stream was open is unknown: one full list, then events
      await this.deps.relist();
    } catch (err) {
      if (generation !== this.generation) return;
      const pingError = await this.pingError();
      if (!pingError) {
        // Only the event stream fails (a proxy that does not stream, an overloaded engine): poll at
        // a low rate — each reconnect attempt refreshes — until events flow again.
        if (!this.pollingFallback)
          this.deps.logger.warn(
            `Docker events unavailable (${err instanceof Error ? err.message : String(err)}); polling every ${this.deps.options.fallbackPollMs / 1000} s instead`,
          );
        this.pollingFallback = true;
        await this.deps.relist();
        this.scheduleReconnect(this.deps.options.fallbackPollMs);
        return;
      }
      this.deps.unreachable(pingError);
      this.scheduleReconnect(this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, this.deps.options.maxBackoffMs);
    }
  }

  /** Why the engine does not answer a ping, or undefined when it does. */
  private async pingError(): Promise<unknown> {
    try {
      await this.deps.docker.ping();
      return undefined;
    } catch (e) {
      return e;
    }
  }

  private scheduleReconnect(delayMs: number): void {
    clearTimeout(this.retryTimer);
    if (!this.active) return;
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
  }
}
