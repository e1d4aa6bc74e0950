import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import { readFileSync, rmSync } from 'node:fs';
import { Clock, systemClock } from '../platform/clock';

/** What the healer asks of a lease: whether this window may heal now. */
export interface HealerLeaseLike {
  readonly isHolder: boolean;
  /** Fires with the new holder state when this window gains or loses the lease. */
  readonly onDidChange?: Event<boolean>;
}

export interface HealerLeaseOptions {
  /** Directory shared by every window of the workspace (the extension's workspace storage). */
  directory: string;
  /** Identity of this window; default: a random id. */
  ownerId?: string;
  /** How often the holder touches the file and a waiter tries to take over (ms). */
  heartbeatMs?: number;
  /** A lock file whose last heartbeat is older than this is taken over (ms). */
  staleMs?: number;
  logger?: Logger;
  /** Judges a heartbeat's age (the extension's one clock; the file's mtime is wall time, so is this). */
  clock?: Clock;
}

const LOCK_FILE = 'healer.lock';

/**
 * Decides which of several VS Code windows on one workspace heals: a lock file holding the
 * owner's id, its mtime refreshed as a heartbeat. Another window takes over only when the
 * heartbeat is stale (the holder crashed or was closed without releasing).
 */
export class HealerLease extends Disposable implements HealerLeaseLike {
  readonly ownerId: string;
  private readonly file: string;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly clock: Clock;
  private holder = false;
  private ticking: Promise<void> | undefined;
  private readonly changed = this.register(new Emitter<boolean>());
  /** Fires with the new holder state when this window gains or loses the lease. */
  readonly onDidChange: Event<boolean> = this.changed.event;

  constructor(private readonly options: HealerLeaseOptions) {
    super();
    this.ownerId = options.ownerId ?? randomUUID();
    this.file = path.join(options.directory, LOCK_FILE);
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.staleMs = options.staleMs ?? Math.max(3 * this.heartbeatMs, 15_000);
    this.clock = options.clock ?? systemClock;
  }

  get isHolder(): boolean {
    return this.holder;
  }

  /** Tries once now, then keeps heartbeating (holder) or watching for a stale lock (waiter). */
  async start(): Promise<void> {
    await fs.mkdir(this.options.directory, { recursive: true });
    await this.tick();
    const timer = setInterval(() => void this.tick(), this.heartbeatMs);
    timer.unref?.();
    this.register(toDisposable(() => clearInterval(timer)));
  }

  /** One heartbeat / takeover attempt (public so tests can drive it without waiting). */
  tick(): Promise<void> {
    this.ticking ??= this.tryHold()
      .then(
        (held) => this.set(held),
        (e: unknown) => {
          this.options.logger?.warn(`[healer] lease check failed: ${String(e)}`);
          this.set(false);
        },
      )
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Gives the lease up (deletes the file if it is still ours) so another window can take it at once. */
  async release(): Promise<void> {
    if (this.holder && (await this.readOwner()) === this.ownerId) await fs.rm(this.file, { force: true });
    this.set(false);
  }

  /**
   * Releases synchronously: on a window reload or close the extension host exits right after
   * deactivation, before an async release could finish, and the next window would then wait for
   * the lock to go stale (≈15 s without healing).
   */
  override dispose(): void {
    if (this.holder) {
      try {
        if (readFileSync(this.file, 'utf8').trim() === this.ownerId) rmSync(this.file, { force: true });
      } catch {
        // already gone, or unreadable: the heartbeat stops anyway and the lock goes stale
      }
      this.set(false);
    }
    super.dispose();
  }

  private async tryHold(): Promise<boolean> {
    if (this.isDisposed) return false;
    if (await this.create()) return true;
    const owner = await this.readOwner();
    if (owner === this.ownerId) {
      const now = new Date(this.clock.now());
      await fs.utimes(this.file, now, now);
      return true;
    }
    const stat = await fs.stat(this.file).catch(() => undefined);
    if (!stat) return this.create();
    if (this.clock.now() - stat.mtimeMs < this.staleMs) return false;
    return this.takeOver(owner, stat.mtimeMs);
  }

  /** Moves the stale file aside first: of two windows racing for it, only one rename succeeds. */
  private async takeOver(staleOwner: string | undefined, staleMtime: number): Promise<boolean> {
    const aside = `${this.file}.${this.ownerId}.stale`;
    try {
      await fs.rename(this.file, aside);
    } catch {
      return false;
    }
    const moved = await fs.stat(aside).catch(() => undefined);
    const movedOwner = await fs.readFile(aside, 'utf8').catch(() => '');
    if (!moved || moved.mtimeMs !== staleMtime || movedOwner.trim() !== (staleOwner ?? '')) {
      // we moved a fresh lock another window had just created: put it back and stand by
      await fs.link(aside, this.file).catch(() => undefined);
      await fs.rm(aside, { force: true });
      return false;
    }
    await fs.rm(aside, { force: true });
    this.options.logger?.info(`[healer] took over the stale healing lease of ${staleOwner ?? 'an unknown window'}`);
    return this.create();
  }

  private async create(): Promise<boolean> {
    try {
      const handle = await fs.open(this.file, 'wx');
      try {
        await handle.writeFile(this.ownerId, 'utf8');
      } finally {
        await handle.close();
      }
      if (this.isDisposed) {
        // a heartbeat that raced the synchronous dispose() re-created the lock it had just deleted:
        // leave none behind, or the next window waits for it to go stale
        await fs.rm(this.file, { force: true });
        return false;
      }
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  private async readOwner(): Promise<string | undefined> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => undefined);
    return text?.trim() || undefined;
  }

  private set(held: boolean): void {
    // a heartbeat finishing after dispose() must not make a disposed lease the holder again
    if (held === this.holder || this.isDisposed) return;
    this.holder = held;
    this.options.logger?.info(held ? '[healer] this window now heals the workspace' : '[healer] another window heals this workspace');
    this.changed.fire(held);
  }
}
