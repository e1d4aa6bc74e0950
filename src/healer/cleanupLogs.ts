import { promises as fs, Stats } from 'node:fs';
import * as path from 'node:path';
import { isWithin } from '../core/pathContainment';

/**
 * Rotated (not live) log files: `app.log.1`, `app.log.2.gz`, `app.log.gz`, `app.log-20260101(.gz)`.
 * Only `*.log` names: any `.gz` would take `db-backup.sql.gz` or `site.tar.gz` kept in a log directory.
 */
export const ROTATED_LOG_PATTERNS: readonly RegExp[] = [/\.log\.\d+$/, /\.log\.\d+\.gz$/, /\.log\.gz$/, /\.log-\d{8}(\.gz)?$/];

export interface LogCleanupOptions {
  /** The directories the user listed (`realm.healer.logDirectories`); relative ones resolve against `baseDir`. */
  directories: readonly string[];
  /** Only files last modified more than this many days ago are deleted. */
  maxAgeDays: number;
  /** Epoch ms ("now", injected for tests). */
  now: number;
  baseDir?: string;
  /** How deep below a listed directory to look (default 4). */
  maxDepth?: number;
  /** Report what would be deleted without deleting (dry-run). */
  dryRun?: boolean;
}

export interface LogCleanupResult {
  deleted: string[];
  bytes: number;
  /** Paths not touched, with why (symlinks, escapes, unreadable dirs). */
  refused: Array<{ path: string; reason: string }>;
}

/**
 * Deletes old rotated log files, only inside the listed directories. It never follows or deletes
 * a symlink, refuses listed paths with `..` segments or the filesystem root, and checks every
 * file's real path is still below its listed directory's real path before deleting it.
 */
export async function cleanupRotatedLogs(options: LogCleanupOptions): Promise<LogCleanupResult> {
  const result: LogCleanupResult = { deleted: [], bytes: 0, refused: [] };
  const cutoff = options.now - options.maxAgeDays * 24 * 60 * 60 * 1000;
  for (const listed of options.directories) {
    const root = await resolveListedDirectory(listed, options.baseDir);
    if (typeof root !== 'string') {
      result.refused.push({ path: listed, reason: root.reason });
      continue;
    }
    await walk(root, root, 0, options.maxDepth ?? 4, cutoff, options.dryRun ?? false, result);
  }
  return result;
}

async function resolveListedDirectory(listed: string, baseDir?: string): Promise<string | { reason: string }> {
  if (!listed.trim()) return { reason: 'empty path' };
  // `..` in a listed path hides where it points: refuse it rather than guess the user's intent
  if (listed.split(/[\\/]+/).includes('..')) return { reason: 'listed path contains ".."' };
  if (!path.isAbsolute(listed) && !baseDir) return { reason: 'relative path without a workspace folder' };
  const absolute = path.resolve(baseDir ?? '/', listed);
  let real: string;
  try {
    real = await fs.realpath(absolute);
  } catch {
    return { reason: 'does not exist' };
  }
  if (real === path.parse(real).root) return { reason: 'refusing the filesystem root' };
  let stat: Stats;
  try {
    stat = await fs.stat(real);
  } catch (e) {
    // EACCES and the like: refuse this one listed path, keep cleaning the others
    return { reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  if (!stat.isDirectory()) return { reason: 'not a directory' };
  return real;
}

async function walk(root: string, dir: string, depth: number, maxDepth: number, cutoff: number, dryRun: boolean, result: LogCleanupResult): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    result.refused.push({ path: dir, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    const stat = await fs.lstat(full).catch(() => undefined);
    if (!stat) continue;
    if (stat.isSymbolicLink()) {
      if (isRotatedLog(name) || (await fs.stat(full).catch(() => undefined))?.isDirectory())
        result.refused.push({ path: full, reason: 'symlink (never followed or deleted)' });
      continue;
    }
    if (stat.isDirectory()) {
      if (depth < maxDepth) await walk(root, full, depth + 1, maxDepth, cutoff, dryRun, result);
      continue;
    }
    if (!stat.isFile() || !isRotatedLog(name) || stat.mtimeMs >= cutoff) continue;
    if (!(await isInside(root, full))) {
      result.refused.push({ path: full, reason: 'resolves outside the listed directory' });
      continue;
    }
    if (!dryRun) {
      try {
        await fs.unlink(full);
      } catch (e) {
        result.refused.push({ path: full, reason: `delete failed: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
        continue;
      }
    }
    result.deleted.push(full);
    result.bytes += stat.size;
  }
}

/** True when `name` looks like a rotated log file, never a live `*.log`. */
export function isRotatedLog(name: string): boolean {
  return ROTATED_LOG_PATTERNS.some((p) => p.test(name));
}

async function isInside(root: string, file: string): Promise<boolean> {
  const real = await fs.realpath(file).catch(() => undefined);
  if (!real) return false;
  return isWithin(root, real);
}
