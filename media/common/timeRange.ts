import { QUICK_RANGES, QuickRange, TimeRange } from '../../src/shared/protocol';
import { h, select, toDateTimeLocal } from './dom';

/** The range picker both panels use: last 5m…7d, or custom from/to (local time). */
export class TimeRangePicker {
  readonly element: HTMLElement;
  private readonly quick: HTMLSelectElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;

  constructor(
    initial: TimeRange,
    private readonly onChange: () => void,
  ) {
    this.quick = select('Time range', [...QUICK_RANGES.map((r): [string, string] => [r, `Last ${r}`]), ['custom', 'Custom…']]);
    this.from = h('input', { attrs: { type: 'datetime-local', 'aria-label': 'From (local time)' } });
    this.to = h('input', { attrs: { type: 'datetime-local', 'aria-label': 'To (local time)' } });
    const custom = h('span', { className: 'custom-range' }, this.from, ' – ', this.to);
    this.element = h('span', { className: 'range-picker' }, this.quick, custom);
    this.set(initial);
    const sync = () => {
      custom.hidden = this.quick.value !== 'custom';
      if (this.quick.value === 'custom' && !this.from.value) {
        this.from.value = toDateTimeLocal(Date.now() - 3_600_000);
        this.to.value = toDateTimeLocal(Date.now());
      }
    };
    this.quick.addEventListener('change', () => {
      sync();
      this.onChange();
    });
    this.from.addEventListener('change', () => this.onChange());
    this.to.addEventListener('change', () => this.onChange());
    sync();
  }

  set(range: TimeRange): void {
    if (range.kind === 'relative') {
      this.quick.value = range.last;
    } else {
      this.quick.value = 'custom';
      this.from.value = toDateTimeLocal(range.startMs);
      this.to.value = toDateTimeLocal(range.endMs);
    }
    (this.element.lastElementChild as HTMLElement).hidden = range.kind !== 'absolute';
  }

  /** The chosen range, or undefined (with a reason) when the custom one is incomplete or reversed. */
  get(): TimeRange | string {
    if (this.quick.value !== 'custom') return { kind: 'relative', last: this.quick.value as QuickRange };
    const startMs = Date.parse(this.from.value);
    const endMs = Date.parse(this.to.value);
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) return 'Choose both ends of the custom range.';
    if (startMs >= endMs) return 'The custom range must start before it ends.';
    return { kind: 'absolute', startMs, endMs };
  }
}
