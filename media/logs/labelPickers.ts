import { matcherValue, setMatcher } from '../../src/shared/logqlSelector';
import { h, select, setOptions } from '../common/dom';

const ANY = '';

/**
 * The Label / Value pickers above the Logs panel's list. They reflect the typed query (the value
 * picker shows the value the selector has for the chosen label) and edit it in place: picking a
 * value replaces that label's matcher, "Any value" removes it — never a second matcher on the same
 * label, which could never match.
 */
export class LabelPickers {
  readonly label = select('Label', [['', 'Label…']]);
  readonly value = select('Label value', [['', 'Value…']]);
  readonly element = h('span', { className: 'label-pickers' }, this.label, this.value);
  private values: string[] = [];

  constructor(
    private readonly query: HTMLInputElement,
    private readonly post: { labels(): void; values(label: string): void },
    private readonly onEdited: () => void,
    private readonly onError: (message: string) => void,
  ) {
    // asked on focus while the list holds only its placeholder: a Loki that was down (empty answer) is asked again
    this.label.addEventListener('focus', () => {
      if (this.label.options.length <= 1) this.post.labels();
    });
    this.label.addEventListener('change', () => {
      this.values = [];
      this.render();
      if (this.label.value) this.post.values(this.label.value);
    });
    this.value.addEventListener('change', () => this.pick());
    this.query.addEventListener('input', () => this.render());
  }

  setLabels(names: string[]): void {
    const current = this.label.value;
    setOptions(this.label, [['', 'Label…'], ...names.map((n): [string, string] => [n, n])]);
    if (names.includes(current)) this.label.value = current;
  }

  setValues(label: string, values: string[]): void {
    if (label !== this.label.value) return;
    this.values = values;
    this.render();
  }

  /** The value picker for the chosen label, showing the value the typed selector has for it. */
  private render(): void {
    const label = this.label.value;
    if (!label) {
      setOptions(this.value, [['', 'Value…']]);
      return;
    }
    const typed = matcherValue(this.query.value, label);
    const values = typed !== undefined && !this.values.includes(typed) ? [typed, ...this.values] : this.values;
    setOptions(this.value, [[ANY, `Any ${label}`], ...values.map((v): [string, string] => [`=${v}`, v])]);
    this.value.value = typed === undefined ? ANY : `=${typed}`;
  }

  private pick(): void {
    const label = this.label.value;
    if (!label) return;
    const value = this.value.value === ANY ? undefined : this.value.value.slice(1);
    const next = setMatcher(this.query.value, label, value);
    if (next === undefined) {
      this.onError('Finish the stream selector ({label="value", …}) before picking a value: it does not parse yet.');
      this.render();
      return;
    }
    this.query.value = next;
    this.onEdited();
  }
}
