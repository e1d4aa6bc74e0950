import type { RunLogsQuery } from '../../src/shared/logsProtocol';
import type { TimeRange } from '../../src/shared/protocol';
import { h } from '../common/dom';
import type { LogModel } from './logModel';

/** The most lines the view holds (and the most a query may ask for). */
export const MAX_LINES = 100_000;

interface Search {
  query: string;
  range: TimeRange;
  direction: 'backward' | 'forward';
  limit: number;
}

/**
 * "Older lines" / "Newer lines": the next page of the search shown, from its last line (the
 * extension reads it from Loki in pages of 5,000), until the view holds MAX_LINES.
 */
export class Pager {
  readonly button = h('button', { className: 'more secondary', text: 'Older lines', attrs: { type: 'button' } });
  /** The search whose lines are shown. */
  shown: Search | undefined;
  /** A page was asked for and not answered yet. */
  pending = false;

  constructor(private readonly model: LogModel) {
    this.button.hidden = true;
  }

  /** A new search: no page pending, the button hidden until its answer says there is more. */
  start(search: Search | undefined): void {
    this.shown = search;
    this.pending = false;
    this.button.hidden = true;
  }

  /** The request for the next page, or undefined when there is nothing to page from or no room. */
  next(requestId: number): RunLogsQuery | undefined {
    const cursorNs = this.model.pageCursor;
    const room = MAX_LINES - this.model.rows.length;
    if (!this.shown || !cursorNs || room <= 0) return undefined;
    this.pending = true;
    this.button.disabled = true;
    const s = this.shown;
    return { type: 'runLogsQuery', requestId, query: s.query, range: s.range, limit: Math.min(s.limit, room), direction: s.direction, cursorNs };
  }

  /** After an answer: offer more while the last one was cut at its limit and the view has room. */
  answered(truncated: boolean): void {
    this.pending = false;
    const full = this.model.rows.length >= MAX_LINES;
    this.button.hidden = !truncated || !this.shown;
    this.button.disabled = full;
    this.button.textContent = this.shown?.direction === 'forward' ? 'Newer lines' : 'Older lines';
    this.button.title = full ? `The view holds ${MAX_LINES.toLocaleString()} lines: narrow the query or the time range to see others.` : '';
  }
}
