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

/** What tells one stream's lines from the others': its unique labels and the colour of its service. */
export interface StreamInfo {
  /** Values of the labels not common to every stream, service first (`web app-web-1`); '' with one stream. */
  chip: string;
  /** `compose_service="web", container="app-web-1"`: the same labels with their keys (details, aria). */
  title: string;
  /** Colour slot 0…7 of its service (compose_service, service_name, container or job). */
  colour: number;
}

/** Labels that name a service, most telling first: they lead the chip and pick the colour. */
const SERVICE_KEYS = ['compose_service', 'service_name', 'service', 'container', 'container_name', 'job'];
export const COLOURS = 8;

/**
 * Colours handed out in the order services first appear and kept for the page's life: the first
 * eight services never share one, and a service keeps its colour from one query to the next.
 */
export class ServiceColours {
  private readonly slots = new Map<string, number>();
  of(service: string): number {
    let slot = this.slots.get(service);
    if (slot === undefined) this.slots.set(service, (slot = this.slots.size % COLOURS));
    return slot;
  }
}

/** Grafana's "unique labels": per stream, the labels whose value is not the same in every stream. */
export function describeStreams(labelSets: Array<Record<string, string>>, colours = new ServiceColours()): StreamInfo[] {
  const keys = [...new Set(labelSets.flatMap((l) => Object.keys(l)))];
  const common = new Set(keys.filter((k) => labelSets.every((l) => l[k] !== undefined && l[k] === labelSets[0][k])));
  const rank = (k: string) => (SERVICE_KEYS.includes(k) ? SERVICE_KEYS.indexOf(k) : SERVICE_KEYS.length);
  return labelSets.map((l) => {
    const unique = Object.keys(l)
      .filter((k) => !common.has(k))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const service = SERVICE_KEYS.map((k) => l[k]).find((v) => v !== undefined) ?? unique.map((k) => l[k]).join(' ');
    // compose_service and service_name often carry the same value: show it once
    return {
      chip: [...new Set(unique.map((k) => l[k]))].join(' '),
      title: unique.map((k) => `${k}=${JSON.stringify(l[k])}`).join(', '),
      colour: colours.of(service),
    };
  });
}

/**
 * The lines a logs panel shows, the filters (text, and one stream's chip), and the view (indices of
 * rows that pass them). Tail mode caps rows at `capacity`, dropping the oldest.
 */
export class LogModel {
  rows: LogRow[] = [];
  labelSets: Array<Record<string, string>> = [];
  /** Per stream (index as LogRow.stream): its chip and colour, recomputed when a stream is added. */
  streams: StreamInfo[] = [];
  private labelKeys = new Map<string, number>();
  private readonly colours = new ServiceColours();
  /** Row indices that pass the filter, in display order. */
  view: number[] = [];
  filter = '';
  /** Show only lines whose stream has this chip ('' = every stream). */
  chipFilter = '';

  clear(): void {
    this.rows = [];
    this.labelSets = [];
    this.streams = [];
    this.labelKeys.clear();
    this.view = [];
  }

  /** Each distinct chip with its line count, most lines first (the stream filter's choices). */
  chips(): Array<{ chip: string; title: string; colour: number; lines: number }> {
    const counts = new Map<string, { chip: string; title: string; colour: number; lines: number }>();
    for (const r of this.rows) {
      const info = this.streams[r.stream];
      if (!info?.chip) continue;
      const c = counts.get(info.chip) ?? { ...info, lines: 0 };
      c.lines++;
      counts.set(info.chip, c);
    }
    return [...counts.values()].sort((a, b) => b.lines - a.lines || a.chip.localeCompare(b.chip));
  }

  setChipFilter(chip: string): void {
    this.chipFilter = chip;
    this.applyFilter(this.filter);
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

  /**
   * Adds tailed lines in the order the order control says: newest at the top (`backward`, "Newest
   * first") or at the bottom (`forward`), keeping the newest `capacity`.
   */
  appendStreams(streams: LogStream[], capacity: number, direction: 'backward' | 'forward' = 'forward'): void {
    const rows = this.toRows(streams).sort((a, b) => a.tsMs - b.tsMs || compareNs(a.tsNs, b.tsNs));
    if (direction === 'forward') {
      this.rows.push(...rows);
      if (this.rows.length > capacity) this.rows.splice(0, this.rows.length - capacity);
    } else {
      this.rows.unshift(...rows.reverse());
      if (this.rows.length > capacity) this.rows.length = capacity;
    }
    this.applyFilter(this.filter);
  }

  /**
   * Appends the next page ("Older lines" / "Newer lines") after the last row, skipping the lines the
   * page repeats at the boundary timestamp (the page starts at it, inclusive), keeping at most `max`.
   * Returns how many new lines were added.
   */
  appendPage(streams: LogStream[], direction: 'backward' | 'forward', max: number): number {
    const last = this.rows[this.rows.length - 1];
    const sign = direction === 'forward' ? 1 : -1;
    const rows = this.toRows(streams).sort((a, b) => sign * (a.tsMs - b.tsMs || compareNs(a.tsNs, b.tsNs)));
    const boundary = new Map<string, number>();
    if (last) {
      for (let i = this.rows.length - 1; i >= 0 && this.rows[i].tsNs === last.tsNs; i--) {
        const key = `${this.rows[i].stream}\u0000${this.rows[i].text}`;
        boundary.set(key, (boundary.get(key) ?? 0) + 1);
      }
    }
    let added = 0;
    for (const r of rows) {
      if (this.rows.length >= max) break;
      if (last && r.tsNs === last.tsNs) {
        const key = `${r.stream}\u0000${r.text}`;
        const left = boundary.get(key) ?? 0;
        if (left > 0) {
          boundary.set(key, left - 1);
          continue;
        }
      }
      this.rows.push(r);
      added++;
    }
    this.applyFilter(this.filter);
    return added;
  }

  /** The timestamp the next page starts from: the last row's (the oldest when newest first). */
  get pageCursor(): string | undefined {
    return this.rows[this.rows.length - 1]?.tsNs;
  }

  /** Keeps rows whose text contains `needle` (case-insensitive); empty shows all. */
  applyFilter(needle: string): void {
    this.filter = needle;
    const rows = this.rows;
    const chip = this.chipFilter;
    if (!needle && !chip) {
      this.view = Array.from({ length: rows.length }, (_, i) => i);
      return;
    }
    const q = needle.toLowerCase();
    const streamOk = this.streams.map((s) => !chip || s.chip === chip);
    const view: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (streamOk[r.stream] && (!q || (r.lower ??= r.text.toLowerCase()).includes(q))) view.push(i);
    }
    this.view = view;
  }

  labelsOf(row: LogRow): Record<string, string> {
    return this.labelSets[row.stream] ?? {};
  }

  private toRows(streams: LogStream[]): LogRow[] {
    const rows: LogRow[] = [];
    const before = this.labelSets.length;
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
    // a new stream can change which labels are unique to each
    if (this.labelSets.length !== before || this.streams.length !== this.labelSets.length) this.streams = describeStreams(this.labelSets, this.colours);
    return rows;
  }
}
