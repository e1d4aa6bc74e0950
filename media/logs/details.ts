import type { LogEntry } from '../../src/shared/protocol';
import { h, formatLabels, formatLocalTime } from '../common/dom';
import { nsToMs, type LogModel, type LogRow } from './logModel';

/** The full line is drawn up to this many characters; Copy always copies all of it. */
const DETAIL_CHARS = 100_000;

export interface DetailsActions {
  copy(text: string): void;
  showContext(row: LogRow): void;
}

/** The pane under the list: one line's full text, its labels, Copy, and "Show context". */
export class LineDetails {
  readonly element = h('section', { className: 'details', attrs: { 'aria-label': 'Line details' } });
  private row: LogRow | undefined;
  private contextBox = h('div', { className: 'context' });

  constructor(
    private readonly model: LogModel,
    private readonly actions: DetailsActions,
    private readonly onClose: () => void,
  ) {
    this.element.hidden = true;
  }

  get current(): LogRow | undefined {
    return this.row;
  }

  show(row: LogRow): void {
    this.row = row;
    const labels = this.model.labelsOf(row);
    const table = h(
      'table',
      { className: 'labels', attrs: { 'aria-label': 'Labels' } },
      ...Object.entries(labels).map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', { text: v }))),
    );
    const text =
      row.text.length > DETAIL_CHARS ? `${row.text.slice(0, DETAIL_CHARS)}\n… (${row.text.length - DETAIL_CHARS} more characters: use Copy)` : row.text;
    const copy = h('button', { text: 'Copy line', attrs: { type: 'button' } });
    copy.addEventListener('click', () => this.actions.copy(row.text));
    const copyLabels = h('button', { text: 'Copy labels', attrs: { type: 'button' } });
    copyLabels.addEventListener('click', () => this.actions.copy(formatLabels(labels)));
    const context = h('button', { text: 'Show context', attrs: { type: 'button' } });
    context.addEventListener('click', () => {
      this.contextBox.replaceChildren(h('p', { className: 'muted', text: 'Loading context…' }));
      this.actions.showContext(row);
    });
    const close = h('button', { text: 'Close', attrs: { type: 'button', 'aria-label': 'Close line details' } });
    close.addEventListener('click', () => this.hide());
    this.contextBox = h('div', { className: 'context', attrs: { 'aria-live': 'polite' } });
    this.element.replaceChildren(
      h(
        'div',
        { className: 'details-head' },
        h('span', { className: `level level-${row.level}`, text: row.level.toUpperCase() }),
        h('span', { className: 'time', text: `${formatLocalTime(row.tsMs)} (${row.tsNs} ns)` }),
        copy,
        copyLabels,
        context,
        close,
      ),
      table,
      h('pre', { className: 'full-line', text }),
      this.contextBox,
    );
    this.element.hidden = false;
  }

  /** Shows the lines before and after the current one, from the same stream. */
  showContext(before: LogEntry[], after: LogEntry[]): void {
    const line = (e: LogEntry, current = false) =>
      h(
        'div',
        { className: `context-line level-${e.level}${current ? ' current' : ''}` },
        h('span', { className: 'time', text: formatLocalTime(nsToMs(e.tsNs)) }),
        h('span', { className: 'text', text: e.line.slice(0, 2_000) }),
      );
    const row = this.row;
    if (!row) return;
    this.contextBox.replaceChildren(
      h('h3', { text: `Context: ${before.length} before, ${after.length} after` }),
      ...before.map((e) => line(e)),
      line({ tsNs: row.tsNs, line: row.text, level: row.level }, true),
      ...after.map((e) => line(e)),
    );
  }

  showContextError(message: string): void {
    this.contextBox.replaceChildren(h('p', { className: 'error', text: message, attrs: { role: 'alert' } }));
  }

  hide(): void {
    this.row = undefined;
    this.element.hidden = true;
    this.onClose();
  }
}
