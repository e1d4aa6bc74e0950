/**
 * The one time-of-day formatter: `10:42` (local time), with the date in front when `ms` is not on
 * `now`'s day ("until 2026-12-02 00:29", "stopped by the user at 2026-11-30 23:58"). Text recorded
 * at the moment it describes leaves `now` out: that is the same day by definition.
 */
export function clockTime(ms: number, now: number = ms): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return new Date(now).toDateString() === d.toDateString() ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}
