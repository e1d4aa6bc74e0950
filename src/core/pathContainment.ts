import * as path from 'node:path';

/**
 * True when `p` lies strictly inside `base` (both absolute, already resolved or real paths). A
 * name that merely starts with two dots (`..foo.yml`) is inside; only `..` as a whole segment leaves.
 */
export function isWithin(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
}
