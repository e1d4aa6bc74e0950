import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanupRotatedLogs, isRotatedLog } from '../../src/healer/cleanupLogs';

const DAY = 24 * 60 * 60 * 1000;

describe('cleanupRotatedLogs', () => {
  let root: string;
  let listed: string;
  let outside: string;
  const now = Date.now();
  async function file(p: string, ageDays: number, size = 100): Promise<string> {
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, 'x'.repeat(size));
    const t = new Date(now - ageDays * DAY);
    await fs.utimes(p, t, t);
    return p;
  }
  const exists = (p: string) =>
    fs.lstat(p).then(
      () => true,
      () => false,
    );

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'realm-logs-'));
    listed = path.join(root, 'listed');
    outside = path.join(root, 'outside');
    await fs.mkdir(listed);
    await fs.mkdir(outside);
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('deletes only old rotated logs inside the listed directory and reports the bytes', async () => {
    const oldRotated = await file(path.join(listed, 'app.log.1'), 10, 300);
    const oldGz = await file(path.join(listed, 'nested', 'app.log.2.gz'), 10, 200);
    const fresh = await file(path.join(listed, 'app.log.3'), 1);
    const live = await file(path.join(listed, 'app.log'), 30);
    const other = await file(path.join(listed, 'data.db'), 30);
    const r = await cleanupRotatedLogs({ directories: [listed], maxAgeDays: 7, now });
    assert.deepEqual(r.deleted.sort(), [oldRotated, oldGz].sort());
    assert.equal(r.bytes, 500);
    for (const kept of [fresh, live, other]) assert.equal(await exists(kept), true, kept);
  });

  it('never follows or deletes symlinks out of the listed directory', async () => {
    const victim = await file(path.join(outside, 'precious.log.1'), 30);
    const victimDir = await file(path.join(outside, 'dir', 'deep.log.1'), 30);
    await fs.symlink(victim, path.join(listed, 'link.log.1'));
    await fs.symlink(path.dirname(victimDir), path.join(listed, 'linkdir'));
    const r = await cleanupRotatedLogs({ directories: [listed], maxAgeDays: 7, now });
    assert.deepEqual(r.deleted, []);
    assert.equal(await exists(victim), true);
    assert.equal(await exists(victimDir), true);
    assert.equal(await exists(path.join(listed, 'link.log.1')), true, 'the symlink itself is left alone');
    assert.equal(r.refused.length, 2);
  });

  it('refuses listed paths with "..", the filesystem root and relative paths without a base', async () => {
    const victim = await file(path.join(outside, 'x.log.1'), 30);
    const r = await cleanupRotatedLogs({ directories: [`${listed}/../outside`, '/', 'logs'], maxAgeDays: 7, now });
    assert.equal(await exists(victim), true);
    assert.deepEqual(r.deleted, []);
    assert.ok(r.refused.some((x) => x.path === `${listed}/../outside` && /\.\./.test(x.reason)));
    assert.ok(r.refused.some((x) => x.path === '/'));
    assert.ok(r.refused.some((x) => x.path === 'logs'));
  });

  it('resolves relative directories against the workspace folder and supports a dry run', async () => {
    const old = await file(path.join(listed, 'a.log.1'), 30, 42);
    const r = await cleanupRotatedLogs({ directories: ['listed'], baseDir: root, maxAgeDays: 7, now, dryRun: true });
    assert.deepEqual(r.deleted, [old]);
    assert.equal(r.bytes, 42);
    assert.equal(await exists(old), true);
  });

  it('recognises rotated names only', () => {
    for (const n of ['a.log.1', 'a.log.12.gz', 'a.log.gz', 'a.log-20260101', 'a.log-20260101.gz']) assert.equal(isRotatedLog(n), true, n);
    for (const n of ['a.log', 'a.txt', 'a.log.bak', 'log.1x', 'x.gz', 'db-backup.sql.gz', 'site.tar.gz']) assert.equal(isRotatedLog(n), false, n);
  });

  it('leaves old non-log archives (backups, tarballs) in a listed directory alone', async () => {
    const rotated = await file(path.join(listed, 'app.log.gz'), 30);
    const backup = await file(path.join(listed, 'db-backup.sql.gz'), 30);
    const tarball = await file(path.join(listed, 'nested', 'site.tar.gz'), 30);
    const r = await cleanupRotatedLogs({ directories: [listed], maxAgeDays: 7, now });
    assert.deepEqual(r.deleted, [rotated]);
    assert.equal(await exists(backup), true);
    assert.equal(await exists(tarball), true);
  });

  it('refuses a listed directory it cannot stat (EACCES) and still cleans the others', async () => {
    const second = path.join(root, 'second');
    const old = await file(path.join(second, 'b.log.1'), 30);
    const realListed = await fs.realpath(listed);
    const realStat = fs.stat;
    // the module reads fs.promises.stat at call time: fail it for the first listed directory only
    const failing = (async (p: Parameters<typeof fs.stat>[0], ...rest: unknown[]) => {
      if (String(p) === realListed) throw Object.assign(new Error(`EACCES: permission denied, stat '${listed}'`), { code: 'EACCES' });
      return (realStat as (...a: unknown[]) => unknown)(p, ...rest);
    }) as typeof fs.stat;
    fs.stat = failing;
    let r;
    try {
      r = await cleanupRotatedLogs({ directories: [listed, second], maxAgeDays: 7, now });
    } finally {
      fs.stat = realStat;
    }
    assert.deepEqual(r.refused, [{ path: listed, reason: 'unreadable: EACCES' }]);
    assert.deepEqual(r.deleted, [old]);
  });
});
