/**
 * Byte counts in messages ("refusing more than 32 MB", "reclaimed 1.2 MB"): 1024-based, one decimal
 * below 10 of a unit ("340 B", "1.5 KB", "20 KB"). The charts label axes in KiB/MiB instead
 * (media/metrics/units.ts): three significant digits for values that move, a different job.
 */
export function formatBytes(n: number, options: { iec?: boolean } = {}): string {
  if (n < 1024) return `${n} B`;
  // `iec`: the same figure with its honest unit name ("512 MiB"), as the engine's memory limits are written
  const units = options.iec ? ['KiB', 'MiB', 'GiB', 'TiB'] : ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
