import type { LogLevel } from '../../src/shared/protocol';
import { h, formatLocalTime } from '../common/dom';
import type { LogModel } from './logModel';

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug', 'unknown'];
const BUCKETS = 60;

/**
 * The log-volume histogram above the list: lines per time bucket, stacked by level. Bars are divs
 * sized through CSSOM (allowed by the CSP, unlike inline style attributes).
 */
export class VolumeHistogram {
  readonly element = h('div', { className: 'histogram', attrs: { role: 'img', 'aria-label': 'Log volume by level' } });

  render(model: LogModel, range?: { startMs: number; endMs: number }): void {
    const rows = model.rows;
    if (!rows.length) {
      this.element.replaceChildren();
      this.element.setAttribute('aria-label', 'Log volume: no lines');
      return;
    }
    let start = range?.startMs ?? Infinity;
    let end = range?.endMs ?? -Infinity;
    if (!range) for (const r of rows) { if (r.tsMs < start) start = r.tsMs; if (r.tsMs > end) end = r.tsMs; }
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
    for (let b = 0; b < BUCKETS; b++) max = Math.max(max, LEVELS.reduce((n, _, l) => n + counts[l][b], 0));
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
    this.element.replaceChildren(...bars);
    const summary = LEVELS.filter((l) => totals[l]).map((l) => `${totals[l]} ${l}`).join(', ');
    this.element.setAttribute('aria-label', `Log volume: ${summary}`);
  }
}
