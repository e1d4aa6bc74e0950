import type { EntryKind, IncidentEntryView, IncidentLink, IncidentLogsView } from '../../src/shared/incidentProtocol';
import { formatLocalTime, h } from '../common/dom';

/** The words of each entry kind (a badge before its text). */
const KIND_LABEL: Record<EntryKind, string> = {
  die: 'died',
  oom: 'OOM',
  start: 'started',
  unhealthy: 'unhealthy',
  healthy: 'healthy',
  stopped: 'stopped',
  'alert-pending': 'alert pending',
  'alert-firing': 'alert firing',
  'alert-silenced': 'alert silenced',
  'alert-resolved': 'alert resolved',
  healer: 'healer',
  recovering: 'recovering',
  closed: 'recovered',
  log: 'log',
};

const LINK_LABEL: Record<IncidentLink['kind'], string> = {
  logs: 'Logs at this time',
  metrics: 'Query in Metrics',
  memory: 'Memory in Metrics',
  alertmanager: 'Open in Alertmanager',
};

/** The incident's entries and the log window's lines, one list by time (newest last); log lines go before events of the same instant. */
export function mergeTimeline(entries: readonly IncidentEntryView[], logs: IncidentLogsView | undefined): IncidentEntryView[] {
  const lines: IncidentEntryView[] = (logs?.entries ?? []).map((l) => ({
    time: l.time,
    kind: 'log',
    text: l.line,
    level: l.level,
    links: [{ kind: 'logs', atMs: l.time }],
  }));
  const out: IncidentEntryView[] = [];
  let a = 0;
  let b = 0;
  while (a < entries.length || b < lines.length) {
    if (b >= lines.length || (a < entries.length && entries[a].time < lines[b].time)) out.push(entries[a++]);
    else out.push(lines[b++]);
  }
  return out;
}

/**
 * The timeline as an ordered list. Every text (container names, alert labels, log lines, health
 * check output) goes in as text; links are buttons that ask the extension to follow them, through
 * one listener on the list (a thousand log lines must not mean a thousand listeners).
 */
/** Rows built before the first paint: a screenful and some (a row is about 22 px high). */
const FIRST_PAINT_ROWS = 60;
/**
 * Rows appended per task after it. Measured in headless Chromium (bench/incident-render): appending
 * the rest of 1,000 lines (880 rows) in one task took 39–53 ms right after the first frame and held
 * back its presentation; tasks of this size took 4–15 ms each.
 */
const ROWS_PER_TASK = 150;

/** The timeline's list element; `render` replaces its rows (a render still appending is superseded). */
export class TimelineList {
  private generation = 0;
  private links: IncidentLink[] = [];

  constructor(
    readonly element: HTMLOListElement,
    follow: (link: IncidentLink) => void,
  ) {
    element.addEventListener('click', (event: MouseEvent) => {
      const index = (event.target as HTMLElement).closest('button[data-link]')?.getAttribute('data-link');
      const link = index === null || index === undefined ? undefined : this.links[Number(index)];
      if (link) follow(link);
    });
  }

  render(items: readonly IncidentEntryView[]): void {
    const links: IncidentLink[] = (this.links = []);
    const logRow = logRowTemplate();
    const laterLogRow = logRow.cloneNode(true) as HTMLElement;
    laterLogRow.classList.add('later');
    const generation = ++this.generation;
    this.element.replaceChildren(buildRows(items.slice(0, FIRST_PAINT_ROWS), links, logRow));
    // a long log window: the first screenful paints now, the rest follows a chunk per task after
    // each frame (a newer render stops an older one's appending)
    const appendFrom = (start: number) => {
      if (start >= items.length) return;
      requestAnimationFrame(() =>
        setTimeout(() => {
          if (generation !== this.generation) return;
          this.element.append(buildRows(items.slice(start, start + ROWS_PER_TASK), links, laterLogRow));
          appendFrom(start + ROWS_PER_TASK);
        }, 0),
      );
    };
    appendFrom(FIRST_PAINT_ROWS);
  }
}

function buildRows(items: readonly IncidentEntryView[], links: IncidentLink[], logRow: HTMLElement): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const e of items) {
    let li: HTMLElement;
    if (e.kind === 'log' && e.links.length === 1) {
      // log lines: a clone of one prepared row (a thousand of them open in one frame), one quiet link each
      li = logRow.cloneNode(true) as HTMLElement;
      if (e.level) li.classList.add(`level-${e.level}`);
      li.children[0].textContent = formatLocalTime(e.time);
      li.children[2].textContent = e.text;
      li.children[3].setAttribute('data-link', String(links.length));
      links.push(e.links[0]);
    } else {
      li = h(
        'li',
        { className: `entry kind-${e.kind}${e.level ? ` level-${e.level}` : ''}` },
        h('time', { className: 'time', text: formatLocalTime(e.time) }),
        h('span', { className: 'badge', text: KIND_LABEL[e.kind] }),
        h('span', { className: 'text', text: e.text }),
      );
      for (const link of e.links) {
        li.append(h('button', { className: 'link secondary', text: LINK_LABEL[link.kind], attrs: { type: 'button', 'data-link': String(links.length) } }));
        links.push(link);
      }
      if (e.detail) li.append(h('pre', { className: 'detail', text: e.detail }));
    }
    fragment.append(li);
  }
  return fragment;
}

function logRowTemplate(): HTMLElement {
  return h(
    'li',
    { className: 'entry kind-log' },
    h('time', { className: 'time' }),
    h('span', { className: 'badge', text: KIND_LABEL.log }),
    h('span', { className: 'text' }),
    h('button', { className: 'link quiet', text: '↗', attrs: { type: 'button', title: LINK_LABEL.logs, 'aria-label': LINK_LABEL.logs } }),
  );
}
