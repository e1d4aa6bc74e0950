/**
 * Range-query steps. Prometheus refuses a range query whose series would hold more than 11,000
 * points (`bad_data: exceeded maximum resolution of 11,000 points per timeseries`), counting
 * `floor((end - start) / step) + 1` points. `chooseStep` picks a readable step that stays under it.
 */

/** Prometheus' hard limit of points per series in one range query. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** Points per series a chart needs by default: enough for a panel a few hundred pixels wide. */
export const DEFAULT_TARGET_POINTS = 300;

/** Steps people read easily (seconds); beyond a day, whole days are used. */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** How many points Prometheus returns per series for this range and step. */
export function pointCount(startSec: number, endSec: number, stepSec: number): number {
  return Math.floor((endSec - startSec) / stepSec) + 1;
}

/**
 * A step (whole seconds, at least 1) that gives at most about `targetPoints` points between
 * `startSec` and `endSec`, rounded up to a readable value, and never more than 11,000 points.
 * `targetPoints` is clamped to 1…11,000.
 */
export function chooseStep(startSec: number, endSec: number, targetPoints: number = DEFAULT_TARGET_POINTS): number {
  if (!Number.isFinite(startSec) || !Number.isFinite(endSec)) throw new RangeError('chooseStep: start and end must be finite numbers of seconds');
  const range = Math.max(0, endSec - startSec);
  const target = Math.min(MAX_POINTS_PER_SERIES, Math.max(1, Math.floor(Number.isFinite(targetPoints) ? targetPoints : DEFAULT_TARGET_POINTS)));
  // target - 1 intervals give target points (the +1 in pointCount).
  const raw = target <= 1 ? Math.max(range, 1) : range / (target - 1);
  let step = NICE_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
  // A safety net for odd inputs: the limit is the server's, not a preference.
  while (pointCount(startSec, startSec + range, step) > MAX_POINTS_PER_SERIES) step = Math.ceil(range / (MAX_POINTS_PER_SERIES - 1));
  return Math.max(1, step);
}
