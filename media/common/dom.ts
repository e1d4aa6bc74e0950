/**
 * Tiny DOM helpers for the webviews. Text always goes in through `textContent`/text nodes: log lines,
 * labels and errors are untrusted, and nothing here ever parses HTML.
 */

export interface ElementProps {
  className?: string;
  text?: string;
  /** Constant attributes only (aria-*, role, type…): never untrusted values. */
  attrs?: Record<string, string>;
}

/** Creates an element with a class, text and attributes, and appends children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** A `<select>` with (value, label) options, labels set as text. */
export function select(ariaLabel: string, options: Array<[string, string]>, value?: string): HTMLSelectElement {
  const s = h('select', { attrs: { 'aria-label': ariaLabel } });
  setOptions(s, options);
  if (value !== undefined) s.value = value;
  return s;
}

/** Replaces a select's options (values and labels are untrusted: set as properties/text). */
export function setOptions(s: HTMLSelectElement, options: Array<[string, string]>): void {
  s.replaceChildren(
    ...options.map(([value, label]) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = label;
      return o;
    }),
  );
}

/** `{a="b", c="d"}` as Prometheus and Loki print label sets. */
export function formatLabels(labels: Record<string, string>): string {
  return (
    '{' +
    Object.entries(labels)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ') +
    '}'
  );
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch ms → `YYYY-MM-DD HH:MM:SS.mmm` in the viewer's local time zone. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Value for a `datetime-local` input (local time, minutes). */
export function toDateTimeLocal(ms: number): string {
  return formatLocalTime(ms).slice(0, 16).replace(' ', 'T');
}
