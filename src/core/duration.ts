/**
 * How a duration reads where it is shown:
 * - `exact` (default) "45s", "3m 5s", "1h 5m", "2d 3h": the two largest units, for "firing for 3m 5s" and a post-mortem's
 *   time to recovery;
 * - `age` "45s", "3m", "2h 5m": seconds only under a minute, for tree rows ("up 3m", "5m ago"), which are not redrawn
 *   every second and would show a stale seconds figure;
 * - `countdown` "30 s", "42 min", "1 h 5 min": rounded up and in words, for "restart in 8 s" and "next slot in 42 min",
 *   so a wait that has not passed never reads "0 s".
 */
export type DurationStyle = 'exact' | 'age' | 'countdown';

const UNITS = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
] as const;
const WORDS: Record<(typeof UNITS)[number][0], string> = { d: ' d', h: ' h', m: ' min', s: ' s' };

/** The one duration formatter: `ms` (negative reads as 0) in the given style. */
export function formatDuration(ms: number, style: DurationStyle = 'exact'): string {
  const round = style === 'countdown' ? Math.ceil : Math.floor;
  const seconds = Math.max(0, round(ms / 1000));
  const unit = (u: (typeof UNITS)[number][0]) => (style === 'countdown' ? WORDS[u] : u);
  if (seconds < 60) return `${seconds}${unit('s')}`;
  // past a minute, `age` and `countdown` count whole minutes (rounded the same way) and drop the seconds
  let rest = style === 'exact' ? seconds : round(seconds / 60) * 60;
  const values = UNITS.map(([u, size]) => {
    const v = Math.floor(rest / size);
    rest -= v * size;
    return { u, v };
  });
  const first = values.findIndex((x) => x.v > 0);
  return values
    .slice(first, first + 2)
    .filter((x) => x.v > 0)
    .map((x) => `${x.v}${unit(x.u)}`)
    .join(' ');
}
