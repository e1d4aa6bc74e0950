import { select, setOptions } from '../common/dom';
import type { LogModel } from './logModel';

/**
 * "Show lines of": each stream's chip (its distinguishing labels) with its line count, to show
 * one stream only; hidden while every line comes from one stream.
 */
export class StreamFilter {
  readonly element = select('Show lines of', [['', 'All streams']]);

  constructor(
    private readonly model: LogModel,
    onChange: () => void,
  ) {
    this.element.classList.add('stream-filter');
    this.element.hidden = true;
    this.element.addEventListener('change', () => {
      model.setChipFilter(this.element.value);
      onChange();
    });
  }

  update(): void {
    const chips = this.model.chips();
    this.element.hidden = chips.length < 2;
    const chosen = this.model.chipFilter;
    const options: Array<[string, string]> = [
      ['', `All streams (${this.model.rows.length.toLocaleString()})`],
      ...chips.map((c): [string, string] => [c.chip, `${c.chip} (${c.lines.toLocaleString()})`]),
    ];
    if (chosen && !chips.some((c) => c.chip === chosen)) options.push([chosen, `${chosen} (0)`]);
    const key = options.map((o) => o.join('\u0000')).join('\u0001');
    if (this.element.dataset.key !== key) {
      setOptions(this.element, options);
      this.element.dataset.key = key;
    }
    this.element.value = chosen;
  }
}
