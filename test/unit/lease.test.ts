import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HealerLease } from '../../src/healer/lease';

describe('HealerLease (two windows on one workspace)', () => {
  let dir: string;
  const leases: HealerLease[] = [];
  const make = (ownerId: string, staleMs = 200) => {
    const l = new HealerLease({ directory: dir, ownerId, heartbeatMs: 60_000, staleMs });
    leases.push(l);
    return l;
  };
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'realm-lease-'));
  });
  afterEach(async () => {
    for (const l of leases.splice(0)) l.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lets exactly one of two instances hold the lease', async () => {
    const a = make('window-a');
    const b = make('window-b');
    await Promise.all([a.start(), b.start()]);
    assert.equal([a.isHolder, b.isHolder].filter(Boolean).length, 1);
    await Promise.all([a.tick(), b.tick()]);
    assert.equal([a.isHolder, b.isHolder].filter(Boolean).length, 1, 'heartbeats do not flip it');
  });

  it('hands over at once when the holder releases', async () => {
    const a = make('window-a');
    const b = make('window-b');
    await a.start();
    await b.start();
    assert.equal(a.isHolder, true);
    assert.equal(b.isHolder, false);
    await a.release();
    await b.tick();
    assert.equal(b.isHolder, true);
    await a.tick();
    assert.equal(a.isHolder, false);
  });

  it('gives the lease up synchronously on dispose (a reloading window exits right after), so the next window heals at once', async () => {
    const a = make('window-a', 60_000);
    await a.start();
    assert.equal(a.isHolder, true);
    a.dispose();
    // no await between dispose and the check: the extension host may be gone by the next tick
    assert.equal(existsSync(path.join(dir, 'healer.lock')), false, 'the lock file is gone');
    const b = make('window-b', 60_000);
    await b.start();
    assert.equal(b.isHolder, true, 'the next window holds it without waiting for staleness');
  });

  it('leaves no lock behind when a heartbeat runs while dispose() deletes it', async () => {
    const a = make('window-a', 60_000);
    await a.start();
    assert.equal(a.isHolder, true);
    // hold the heartbeat's first file operation until dispose() has deleted the lock
    const realOpen = fs.open;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fs.open = (async (...args: Parameters<typeof fs.open>) => {
      await gate;
      return realOpen(...args);
    }) as typeof fs.open;
    let tick: Promise<void>;
    try {
      tick = a.tick();
      a.dispose();
      assert.equal(existsSync(path.join(dir, 'healer.lock')), false, 'dispose deleted the lock');
      release();
      await tick;
    } finally {
      fs.open = realOpen;
    }
    assert.equal(existsSync(path.join(dir, 'healer.lock')), false, 'the racing heartbeat did not re-create it');
    assert.equal(a.isHolder, false, 'a disposed lease never holds');
  });

  it('takes over a stale lock (the holder stopped heartbeating) but not a fresh one', async () => {
    const a = make('window-a');
    const b = make('window-b');
    await a.start();
    await b.start();
    await b.tick();
    assert.equal(b.isHolder, false, 'fresh lock is respected');
    const old = new Date(Date.now() - 10_000);
    await fs.utimes(path.join(dir, 'healer.lock'), old, old); // the holder crashed 10 s ago
    const changes: boolean[] = [];
    b.onDidChange((held) => changes.push(held));
    await b.tick();
    assert.equal(b.isHolder, true);
    assert.deepEqual(changes, [true]);
    await a.tick();
    assert.equal(a.isHolder, false, 'the old holder notices it lost the lease');
  });

  it('of two waiters racing for a stale lock, one wins', async () => {
    await fs.writeFile(path.join(dir, 'healer.lock'), 'crashed-window');
    const old = new Date(Date.now() - 10_000);
    await fs.utimes(path.join(dir, 'healer.lock'), old, old);
    const a = make('window-a');
    const b = make('window-b');
    await Promise.all([a.start(), b.start()]);
    await Promise.all([a.tick(), b.tick()]);
    assert.equal([a.isHolder, b.isHolder].filter(Boolean).length, 1);
    assert.match(await fs.readFile(path.join(dir, 'healer.lock'), 'utf8'), /^window-[ab]$/);
  });
});
