import { stripAnsi } from '../../src/shared/ansi';
import { nsToMs } from '../../src/shared/nanoseconds';
import type { LogLevel, LogStream } from '../../src/shared/protocol';

/** One displayed line. `text` is the line with ANSI escapes removed (what a terminal would show). */
export interface LogRow {
  tsNs: string;
  tsMs: number;
  text: string;
  level: LogLevel;
  /** Index into `LogModel.labelSets`: labels are shared by every line of a stream. */
  stream: number;
  /** Lower-cased text, computed on the first filter only. */
  lower?: string;
}

// one ns → ms conversion for both sides (src/shared/nanoseconds.ts); details.ts takes it from here
export { nsToMs };

function compareNs(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The lines a logs panel shows, the current filter, and the view (indices of rows that pass it).
 * Tail mode caps rows at `capacity`, dropping the oldest.
 */
export class LogModel {
  rows: LogRow[] = [];
  labelSets: Array<Record<string, string>> = [];
  private labelKeys = new Map<string, number>();
  /** Row indices that pass the filter, in display order. */
  view: number[] = [];
  filter = '';

  clear(): void {
    this.rows = [];
    this.labelSets = [];
    this.labelKeys.clear();
    this.view = [];
  }

  /** Replaces the rows with a query result, ordered newest first (`backward`) or oldest first. */
  setStreams(streams: LogStream[], direction: 'backward' | 'forward'): void {
    this.clear();
    const rows = this.toRows(streams);
    const sign = direction === 'forward' ? 1 : -1;
    rows.sort((a, b) => sign * (a.tsMs - b.tsMs || compareNs(a.tsNs, b.tsNs)));
    this.rows = rows;
    this.applyFilter(this.filter);
  }

  /** Appends tailed lines (oldest first, newest at the bottom), keeping at most `capacity`. */
  appendStreams(streams: LogStream[], capacity: number): void {
    const rows = this.toRows(streams).sort((a, b) => a.tsMs - b.tsMs || compareNs(a.tsNs, b.tsNs));
    this.rows.push(...rows);
    if (this.rows.length > capacity) this.rows.splice(0, this.rows.length - capacity);
    this.applyFilter(this.filter);
  }

  /** Keeps rows whose text contains `needle` (case-insensitive); empty shows all. */
  applyFilter(needle: string): void {
    this.filter = needle;
    const rows = this.rows;
    if (!needle) {
      this.view = Array.from({ length: rows.length }, (_, i) => i);
      return;
    }
    const q = needle.toLowerCase();
    const view: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if ((r.lower ??= r.text.toLowerCase()).includes(q)) view.push(i);
    }
    this.view = view;
  }

  labelsOf(row: LogRow): Record<string, string> {
    return this.labelSets[row.stream] ?? {};
  }

  private toRows(streams: LogStream[]): LogRow[] {
    const rows: LogRow[] = [];
    for (const s of streams) {
      const key = JSON.stringify(s.labels);
      let stream = this.labelKeys.get(key);
      if (stream === undefined) {
        stream = this.labelSets.push(s.labels) - 1;
        this.labelKeys.set(key, stream);
      }
      for (const e of s.entries) {
        const text = stripAnsi(e.line);
        rows.push({ tsNs: e.tsNs, tsMs: nsToMs(e.tsNs), text, level: e.level, stream });
      }
    }
    return rows;
  }
}
