import type { LogLevel } from '../../src/shared/protocol';
import { h, formatLocalTime } from '../common/dom';
import type { LogModel } from './logModel';

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug', 'unknown'];
const BUCKETS = 60;
const TICKS = 5;

const pad = (n: number) => String(n).padStart(2, '0');

/** A time-axis label, as precise as the span needs: `12:05:30`, `12:05`, or `01-15 12:05`. */
export function axisLabel(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (spanMs <= 5 * 60_000) return `${hm}:${pad(d.getSeconds())}`;
  if (spanMs <= 2 * 86_400_000) return hm;
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

/**
 * The log-volume histogram above the list: lines per time bucket, stacked by level, over a time
 * axis (five labels, start to end). Bars and labels are placed through CSSOM (allowed by the CSP,
 * unlike inline style attributes).
 */
export class VolumeHistogram {
  private readonly bars = h('div', { className: 'histogram', attrs: { role: 'img', 'aria-label': 'Log volume by level' } });
  private readonly axis = h('div', { className: 'histogram-axis', attrs: { 'aria-hidden': 'true' } });
  readonly element = h('div', { className: 'volume' }, this.bars, this.axis);

  render(model: LogModel, range?: { startMs: number; endMs: number }): void {
    const rows = model.rows;
    if (!rows.length) {
      this.bars.replaceChildren();
      this.axis.replaceChildren();
      this.bars.setAttribute('aria-label', 'Log volume: no lines');
      return;
    }
    let start = range?.startMs ?? Infinity;
    let end = range?.endMs ?? -Infinity;
    if (!range)
      for (const r of rows) {
        if (r.tsMs < start) start = r.tsMs;
        if (r.tsMs > end) end = r.tsMs;
      }
    const width = Math.max(1, end - start);
    const counts = LEVELS.map(() => new Uint32Array(BUCKETS));
    const totals: Record<LogLevel, number> = { error: 0, warn: 0, info: 0, debug: 0, unknown: 0 };
    for (const i of model.view) {
      const r = rows[i];
      const b = Math.min(BUCKETS - 1, Math.max(0, Math.floor(((r.tsMs - start) / width) * BUCKETS)));
      counts[LEVELS.indexOf(r.level)][b]++;
      totals[r.level]++;
    }
    let max = 1;
    for (let b = 0; b < BUCKETS; b++)
      max = Math.max(
        max,
        LEVELS.reduce((n, _, l) => n + counts[l][b], 0),
      );
    const bars: HTMLElement[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const bar = h('div', { className: 'bar' });
      const parts: string[] = [];
      LEVELS.forEach((level, l) => {
        const n = counts[l][b];
        if (!n) return;
        const seg = h('div', { className: `seg level-${level}` });
        seg.style.height = `${(n / max) * 100}%`;
        bar.append(seg);
        parts.push(`${n} ${level}`);
      });
      bar.title = `${formatLocalTime(start + (b * width) / BUCKETS)}: ${parts.join(', ') || 'no lines'}`;
      bars.push(bar);
    }
    this.bars.replaceChildren(...bars);
    this.axis.replaceChildren(
      ...Array.from({ length: TICKS }, (_, k) => {
        const tick = h('span', {
          className: `tick${k === 0 ? ' first' : k === TICKS - 1 ? ' last' : ''}`,
          text: axisLabel(start + (width * k) / (TICKS - 1), width),
        });
        tick.style.left = `${(100 * k) / (TICKS - 1)}%`;
        return tick;
      }),
    );
    const summary = LEVELS.filter((l) => totals[l])
      .map((l) => `${totals[l]} ${l}`)
      .join(', ');
    this.bars.setAttribute('aria-label', `Log volume: ${summary}`);
  }
}
