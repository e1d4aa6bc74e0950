import { h, formatLocalTime } from '../common/dom';
import type { LogModel, LogRow } from './logModel';

/** Row height in px: fixed, so the list can place any of 100,000 rows without measuring. */
export const ROW_HEIGHT = 20;
const OVERSCAN = 8;
/** Characters of a line drawn in its row; the full line is in the details pane. */
const ROW_CHARS = 2_000;

interface PooledRow {
  el: HTMLElement;
  time: HTMLElement;
  level: HTMLElement;
  chip: HTMLElement;
  text: HTMLElement;
  index: number;
}

/**
 * A virtualized list: a tall spacer keeps the scrollbar honest, and only the rows in view (plus a
 * small overscan) exist in the DOM, reused as the user scrolls. Keyboard: ↑/↓, PgUp/PgDn,
 * Home/End move the selection; Enter opens the details.
 */
export class VirtualLogList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: PooledRow[] = [];
  private frame = 0;
  selected = -1;

  constructor(
    private readonly model: LogModel,
    private readonly onOpen: (row: LogRow) => void,
  ) {
    this.spacer = h('div', { className: 'spacer' });
    this.element = h('div', { className: 'log-list', attrs: { role: 'listbox', tabindex: '0', 'aria-label': 'Log lines' } }, this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => {
      const rowEl = (e.target as HTMLElement).closest('.row') as HTMLElement | null;
      const pooled = this.pool.find((p) => p.el === rowEl);
      if (pooled && pooled.index >= 0) this.select(pooled.index, true);
    });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  /** Call after the model changed: resets height and redraws every row (the same index may now hold another line). */
  refresh(keepBottom = false): void {
    for (const p of this.pool) p.index = -1;
    const atBottom = this.element.scrollTop + this.element.clientHeight >= this.element.scrollHeight - ROW_HEIGHT;
    this.spacer.style.height = `${this.model.view.length * ROW_HEIGHT}px`;
    // one column as wide as the longest chip (capped), or none when every line is from one stream
    const chipChars = Math.min(
      28,
      this.model.streams.reduce((n, s) => Math.max(n, s.chip.length), 0),
    );
    this.element.classList.toggle('has-chips', chipChars > 0);
    this.element.style.setProperty('--chip-width', `${chipChars + 1}ch`);
    if (this.selected >= this.model.view.length) this.selected = -1;
    if (keepBottom && atBottom) this.element.scrollTop = this.element.scrollHeight;
    this.render();
  }

  /** Draws now (used by tests and the bench to measure a frame). */
  render(): void {
    this.frame = 0;
    const view = this.model.view;
    const height = this.element.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((this.element.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = last - first;
    while (this.pool.length < needed) this.pool.push(this.createRow());
    for (let k = 0; k < this.pool.length; k++) {
      const p = this.pool[k];
      const i = first + k;
      if (i >= last) {
        if (!p.el.hidden) {
          p.el.hidden = true;
          p.index = -1;
        }
        continue;
      }
      p.el.hidden = false;
      if (p.index !== i || p.el.dataset.row !== String(view[i])) this.fill(p, i);
      p.el.classList.toggle('selected', i === this.selected);
      p.el.setAttribute('aria-selected', String(i === this.selected));
    }
    const active = this.pool.find((p) => p.index === this.selected && this.selected >= 0);
    if (active) this.element.setAttribute('aria-activedescendant', active.el.id);
    else this.element.removeAttribute('aria-activedescendant');
  }

  /** Selects view index `i`, scrolls it into view, and optionally opens its details. */
  select(i: number, open = false): void {
    if (!this.model.view.length) return;
    this.selected = Math.max(0, Math.min(this.model.view.length - 1, i));
    const top = this.selected * ROW_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + this.element.clientHeight) this.element.scrollTop = top + ROW_HEIGHT - this.element.clientHeight;
    this.render();
    if (open) this.onOpen(this.model.rows[this.model.view[this.selected]]);
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  private createRow(): PooledRow {
    const time = h('span', { className: 'time' });
    const level = h('span', { className: 'level' });
    const chip = h('span', { className: 'chip' });
    const text = h('span', { className: 'text' });
    const el = h('div', { className: 'row', attrs: { role: 'option', id: `log-row-${this.pool.length}` } }, time, level, chip, text);
    this.element.append(el);
    return { el, time, level, chip, text, index: -1 };
  }

  private fill(p: PooledRow, i: number): void {
    const rowIndex = this.model.view[i];
    const row = this.model.rows[rowIndex];
    p.index = i;
    p.el.dataset.row = String(rowIndex);
    p.el.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    p.el.className = `row level-${row.level}`;
    p.time.textContent = formatLocalTime(row.tsMs);
    p.level.textContent = row.level === 'unknown' ? '' : row.level.toUpperCase();
    // which stream (service, container…) the line came from, in its service's colour
    const info = this.model.streams[row.stream];
    p.chip.textContent = info?.chip ?? '';
    p.chip.className = `chip svc-${info?.colour ?? 0}`;
    p.chip.title = info?.title ?? '';
    const shown = row.text.length > ROW_CHARS ? row.text.slice(0, ROW_CHARS) + '…' : row.text;
    p.text.textContent = shown.includes('\n') ? shown.replace(/\r?\n/g, ' ⏎ ') : shown;
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) this.select((this.selected < 0 ? -1 : this.selected) + moves[e.key]);
    else if (e.key === 'Home') this.select(0);
    else if (e.key === 'End') this.select(this.model.view.length - 1);
    else if (e.key === 'Enter' && this.selected >= 0) this.select(this.selected, true);
    else return;
    e.preventDefault();
  }
}
