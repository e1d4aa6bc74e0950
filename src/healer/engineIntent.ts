import type { Clock } from '../platform/clock';
import { Emitter, Event } from '../platform/event';
import type { MementoLike } from '../platform/memento';

/** Where the "stopped by the user" episodes live in workspace state (a reload keeps them). */
export const USER_STOPS_STORAGE_KEY = 'realm.healer.userStops';

/** A `die` this soon after a `kill` through the API is that kill's (a stop's timeout is at most this). */
const KILL_TO_DIE_MS = 120_000;
/**
 * The healer's own kill and die (restarting a running container) may arrive just after the call
 * returned; any later kill is someone else's (a user stopping it right after the healer's restart).
 */
const OWN_EVENTS_MS = 2_000;

/** A service someone stopped: left alone by every trigger until it is started again. */
export interface UserStop {
  /** Epoch ms (clock) of the stop. */
  at: number;
  /** The audit entry that recorded it ("left alone"), once recorded. */
  recordedId?: string;
}

/** What a `die` was: a crash, the end of someone's stop or kill, or the healer's own restart. */
export type DeathCause = 'crash' | 'user' | 'own';

/**
 * Tells a crash from someone's hand. A stop or kill through the engine API (Stop Service, App Down,
 * `docker stop`/`kill`, `compose stop`) sends `kill` before `die`; a crash sends `die` alone. Such a
 * service is left alone until any of its containers starts again, by anyone. The healer's own
 * restarts also send `kill` then `die`: kills of the containers it acts on are marked as its own.
 */
export class EngineIntent {
  private readonly kills = new Map<string, number>();
  private readonly ownKills = new Set<string>();
  private readonly own = new Map<string, number>();
  private stops: Record<string, UserStop>;
  private readonly changed = new Emitter<void>();
  /** A service entered or left the "stopped by the user" state. */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(
    private readonly clock: Clock,
    private readonly memento?: MementoLike,
  ) {
    const stored = memento?.get<Record<string, UserStop>>(USER_STOPS_STORAGE_KEY);
    this.stops = stored && typeof stored === 'object' ? { ...stored } : {};
  }

  /** The healer is about to stop or restart these running containers: kills of them until the action ends are its own. */
  markOwn(containerIds: readonly string[]): void {
    for (const id of containerIds) this.own.set(id, Number.POSITIVE_INFINITY);
  }

  /** The action on these containers ended: their late events still count as its own for a few seconds. */
  releaseOwn(containerIds: readonly string[]): void {
    const until = this.clock.now() + OWN_EVENTS_MS;
    for (const id of containerIds) if (this.own.has(id)) this.own.set(id, until);
  }

  /** A `kill` event: the healer's own, or someone's (then the `die` that follows is intended). */
  noteKill(containerId: string): void {
    const now = this.clock.now();
    const ownUntil = this.own.get(containerId);
    if (ownUntil !== undefined && ownUntil >= now) {
      this.ownKills.add(containerId);
      return;
    }
    this.own.delete(containerId);
    for (const [id, at] of this.kills) if (now - at > KILL_TO_DIE_MS) this.kills.delete(id);
    this.kills.set(containerId, now);
  }

  /** A `die`: after someone's kill the service `key` is stopped by the user; after the healer's, it is its own. */
  noteDie(containerId: string, key: string): DeathCause {
    if (this.ownKills.delete(containerId)) {
      this.own.delete(containerId); // its one kill and die came: the next kill is someone's again
      return 'own';
    }
    const killedAt = this.kills.get(containerId);
    if (killedAt === undefined || this.clock.now() - killedAt > KILL_TO_DIE_MS) return 'crash';
    this.kills.delete(containerId);
    if (!this.stops[key]) {
      this.stops[key] = { at: killedAt };
      this.save();
    }
    return 'user';
  }

  /** A `start`, by anyone: the service runs again; returns the stop it ends. */
  noteStart(key: string): UserStop | undefined {
    const ended = this.stops[key];
    if (!ended) return undefined;
    delete this.stops[key];
    this.save();
    return ended;
  }

  stopOf(key: string): UserStop | undefined {
    return this.stops[key];
  }

  /** Every service stopped by the user, with its stop. */
  all(): ReadonlyArray<[string, UserStop]> {
    return Object.entries(this.stops);
  }

  markRecorded(key: string, entryId: string): void {
    const stop = this.stops[key];
    if (!stop || stop.recordedId) return;
    stop.recordedId = entryId;
    this.save();
  }

  /** Containers remembered (tests check old kills are forgotten). */
  get remembered(): number {
    return this.kills.size + this.ownKills.size;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private save(): void {
    this.changed.fire();
    void this.memento?.update(USER_STOPS_STORAGE_KEY, { ...this.stops });
  }
}
