import { h } from '../common/dom';

const MAX_HISTORY = 50;
const MAX_SUGGESTIONS = 12;

/**
 * The PromQL input: Enter runs, ↑/↓ walk the history (or the suggestion list when it is open),
 * Tab accepts a suggestion. Suggestions are metric names (label values of `__name__`, fetched by
 * the extension) matching the word under the cursor.
 */
export class QueryInput {
  readonly input: HTMLInputElement;
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private names: string[] = [];
  private suggestions: string[] = [];
  private active = -1;
  private historyPos = -1;

  constructor(
    public history: string[],
    private readonly onRun: (query: string) => void,
    private readonly onFirstFocus: () => void,
  ) {
    this.input = h('input', {
      className: 'query',
      attrs: {
        type: 'text',
        'aria-label': 'PromQL query',
        placeholder: 'rate(arcanum_requests_total[5m])',
        spellcheck: 'false',
        autocomplete: 'off',
        role: 'combobox',
        'aria-autocomplete': 'list',
        'aria-controls': 'metric-suggestions',
        'aria-expanded': 'false',
      },
    });
    this.list = h('ul', { className: 'suggestions', attrs: { id: 'metric-suggestions', role: 'listbox', 'aria-label': 'Metric names' } });
    this.list.hidden = true;
    this.element = h('span', { className: 'query-wrap' }, this.input, this.list);
    this.input.addEventListener('focus', () => this.onFirstFocus(), { once: true });
    this.input.addEventListener('input', () => {
      this.historyPos = -1;
      this.suggest();
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.list.addEventListener('mousedown', (e) => {
      const li = (e.target as HTMLElement).closest('li');
      if (li) {
        e.preventDefault();
        this.accept(this.suggestions[Number(li.dataset.i)]);
      }
    });
  }

  setNames(names: string[]): void {
    this.names = [...names].sort();
    if (document.activeElement === this.input) this.suggest();
  }

  /** Records a run query at the top of the history (no duplicates, bounded). */
  remember(query: string): void {
    this.history = [query, ...this.history.filter((q) => q !== query)].slice(0, MAX_HISTORY);
    this.historyPos = -1;
  }

  private wordAtCursor(): { start: number; end: number; word: string } {
    const v = this.input.value;
    const pos = this.input.selectionStart ?? v.length;
    let start = pos;
    while (start > 0 && /[A-Za-z0-9_:]/.test(v[start - 1])) start--;
    return { start, end: pos, word: v.slice(start, pos) };
  }

  private suggest(): void {
    const { word } = this.wordAtCursor();
    this.suggestions = word.length < 1 ? [] : this.names.filter((n) => n.startsWith(word) && n !== word).slice(0, MAX_SUGGESTIONS);
    this.active = -1;
    // the typed prefix highlighted, as the editor's suggest widget does
    this.list.replaceChildren(
      ...this.suggestions.map((s, i) =>
        h(
          'li',
          { attrs: { role: 'option', id: `metric-suggestion-${i}`, 'data-i': String(i) } },
          h('span', { className: 'match', text: s.slice(0, word.length) }),
          s.slice(word.length),
        ),
      ),
    );
    this.list.hidden = !this.suggestions.length;
    this.input.setAttribute('aria-expanded', String(!this.list.hidden));
  }

  private close(): void {
    this.list.hidden = true;
    this.suggestions = [];
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private accept(name: string): void {
    const { start, end } = this.wordAtCursor();
    const v = this.input.value;
    this.input.value = v.slice(0, start) + name + v.slice(end);
    this.input.setSelectionRange(start + name.length, start + name.length);
    this.close();
  }

  private highlight(i: number): void {
    this.active = (i + this.suggestions.length) % this.suggestions.length;
    [...this.list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === this.active)));
    this.input.setAttribute('aria-activedescendant', `metric-suggestion-${this.active}`);
  }

  private onKey(e: KeyboardEvent): void {
    const open = !this.list.hidden && this.suggestions.length > 0;
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      this.highlight(this.active + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (open && (e.key === 'Tab' || e.key === 'Enter') && this.active >= 0) {
      this.accept(this.suggestions[this.active]);
    } else if (open && e.key === 'Escape') {
      this.close();
    } else if (e.key === 'Enter') {
      this.close();
      this.onRun(this.input.value.trim());
    } else if (e.key === 'ArrowUp' && this.history.length) {
      this.historyPos = Math.min(this.history.length - 1, this.historyPos + 1);
      this.input.value = this.history[this.historyPos];
    } else if (e.key === 'ArrowDown' && this.historyPos >= 0) {
      this.historyPos--;
      this.input.value = this.historyPos >= 0 ? this.history[this.historyPos] : '';
    } else {
      return;
    }
    e.preventDefault();
  }
}
