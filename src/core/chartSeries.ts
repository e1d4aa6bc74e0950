import type { ChartSeries } from '../shared/protocol';

/** A range-query series as the Prometheus client returns it: [seconds, value] samples. */
export interface SampledSeries {
  metric: Record<string, string>;
  values: Array<[number, number]>;
}

/** Most series a chart draws; beyond that a legend is unreadable and the webview slows down. */
export const MAX_CHART_SERIES = 50;

/**
 * Puts every series on one shared time axis (what uPlot draws): the sorted union of their sample
 * times, with `null` where a series has no sample (a gap, not a zero). NaN/±Inf become gaps too:
 * they cannot be drawn and JSON would turn them into null anyway.
 */
export function alignSeries(series: SampledSeries[], maxSeries = MAX_CHART_SERIES): { times: number[]; series: ChartSeries[]; dropped: number } {
  const kept = series.slice(0, maxSeries);
  const timeSet = new Set<number>();
  for (const s of kept) for (const [t] of s.values) timeSet.add(t);
  const times = [...timeSet].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const out = kept.map((s) => {
    const values: Array<number | null> = new Array(times.length).fill(null);
    for (const [t, v] of s.values) values[index.get(t)!] = Number.isFinite(v) ? v : null;
    return { labels: s.metric, values };
  });
  return { times, series: out, dropped: series.length - kept.length };
}
