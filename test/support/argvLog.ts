import fs from 'node:fs';

/** The argv of each call a fake CLI recorded in `file` (one JSON array per line), oldest first; none before the first call. */
export function readArgvLog(file: string): string[][] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);
}
