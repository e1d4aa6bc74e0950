import uPlot from 'uplot';
import type { ChartSeries } from '../../src/shared/protocol';
import { formatLabels, h } from '../common/dom';
import { formatValue, Unit } from './units';

/** Distinguishable line colours that read on dark and light themes. */
const PALETTE = ['#3794ff', '#f14c4c', '#cca700', '#89d185', '#b180d7', '#f69d50', '#4ec9b0', '#d670d6', '#75beff', '#e2c08d'];

/** A series' legend label: its labels without `__name__` when other labels tell series apart. */
export function seriesLabel(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const body = Object.keys(rest).length ? formatLabels(rest) : '';
  return (name ?? '') + body || '{}';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An x-axis label for tick `t` (epoch s) when ticks are `incr` seconds apart: `14:05`, `14:05:30`, or `01-15` for days. */
export function timeTick(t: number, incr: number): string {
  const d = new Date(t * 1000);
  if (incr >= 86_400) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return incr < 60 ? `${hm}:${pad(d.getSeconds())}` : hm;
}

/**
 * One chart card: title, the query's error or "no data", and a uPlot time-series chart with a
 * legend (series labels, values under the cursor) and unit-aware axes. uPlot draws on a canvas
 * and writes legend text with textContent, so untrusted labels stay text.
 */
export class ChartCard {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly message: HTMLElement;
  private plot: uPlot | undefined;

  constructor(
    private readonly title: string,
    private unit: Unit,
  ) {
    this.message = h('div', { className: 'chart-message', attrs: { role: 'status' } });
    this.body = h('div', { className: 'chart-body' });
    this.element = h('section', { className: 'chart-card', attrs: { 'aria-label': title } }, h('h2', { text: title }), this.message, this.body);
  }

  setUnit(unit: Unit): void {
    this.unit = unit;
  }

  showLoading(): void {
    this.element.setAttribute('aria-busy', 'true');
  }

  showError(message: string): void {
    this.element.removeAttribute('aria-busy');
    this.destroyPlot();
    this.message.className = 'chart-message error';
    this.message.textContent = message;
  }

  /** No chart and no message: the panel says why elsewhere (the query error, or Prometheus being down). */
  clear(): void {
    this.element.removeAttribute('aria-busy');
    this.destroyPlot();
    this.message.className = 'chart-message muted';
    this.message.textContent = '';
  }

  render(times: number[], series: ChartSeries[], warnings: string[]): void {
    this.element.removeAttribute('aria-busy');
    this.destroyPlot();
    if (!series.length || !times.length) {
      this.message.className = 'chart-message muted';
      this.message.textContent = 'No data: the query matched no series in this time range.';
      return;
    }
    this.message.className = 'chart-message muted';
    this.message.textContent = warnings.join(' ');
    const unit = this.unit;
    const width = Math.max(300, this.body.clientWidth || this.element.clientWidth - 16 || 600);
    const opts: uPlot.Options = {
      width,
      height: 220,
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      scales: { x: { time: true } },
      axes: [
        // at least 64 px per tick and compact 24-hour labels: they never touch, even on a narrow dashboard card
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          space: 64,
          values: (_u, ticks, _axis, _space, incr) => ticks.map((t) => timeTick(t, incr)),
        },
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, size: 70, values: (_u, ticks) => ticks.map((t) => formatValue(t, unit)) },
      ],
      series: [
        {},
        ...series.map((s, i): uPlot.Series => ({
          label: seriesLabel(s.labels),
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          points: { show: false },
          value: (_u, v) => formatValue(v, unit),
        })),
      ],
    };
    this.plot = new uPlot(opts, [times, ...series.map((s) => s.values)] as uPlot.AlignedData, this.body);
    // The legend scrolls in its own box (tall enough for eight series), so a long list never hides
    // the chart and no series is cut off; Tab reaches it with a name and a focus ring.
    const legend = this.plot.root.querySelector('.u-legend');
    if (legend) {
      const box = h('div', { className: 'legend-box', attrs: { tabindex: '0', role: 'group', 'aria-label': `Legend: ${this.title}` } });
      legend.replaceWith(box);
      box.append(legend);
    }
  }

  /** Keeps the chart as wide as its card. */
  resize(): void {
    if (this.plot) this.plot.setSize({ width: Math.max(300, this.body.clientWidth), height: 220 });
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.body.replaceChildren();
  }
}
