import type { EntryKind, IncidentEntryView, IncidentLink, IncidentLogsView } from '../../src/shared/incidentProtocol';
import { formatLocalTime, h } from '../common/dom';

/** The words of each entry kind (a badge before its text). */
const KIND_LABEL: Record<EntryKind, string> = {
  die: 'died', oom: 'OOM', start: 'started', unhealthy: 'unhealthy', healthy: 'healthy', stopped: 'stopped',
  'alert-pending': 'alert pending', 'alert-firing': 'alert firing', 'alert-silenced': 'alert silenced', 'alert-resolved': 'alert resolved',
  healer: 'healer', recovering: 'recovering', closed: 'recovered', log: 'log',
};

const LINK_LABEL: Record<IncidentLink['kind'], string> = {
  logs: 'Logs at this time', metrics: 'Query in Metrics', memory: 'Memory in Metrics', alertmanager: 'Open in Alertmanager',
};

/** The incident's entries and the log window's lines, one list by time (newest last); log lines go before events of the same instant. */
export function mergeTimeline(entries: readonly IncidentEntryView[], logs: IncidentLogsView | undefined): IncidentEntryView[] {
  const lines: IncidentEntryView[] = (logs?.entries ?? []).map((l) => ({ time: l.time, kind: 'log', text: l.line, level: l.level, links: [{ kind: 'logs', atMs: l.time }] }));
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
 * Renders the timeline as an ordered list. Every text (container names, alert labels, log lines,
 * health check output) goes in as text; links are buttons that ask the extension to follow them.
 */
export function renderTimeline(list: HTMLOListElement, items: readonly IncidentEntryView[], follow: (link: IncidentLink) => void): void {
  const fragment = document.createDocumentFragment();
  for (const e of items) {
    const li = h('li', { className: `entry kind-${e.kind}${e.level ? ` level-${e.level}` : ''}` },
      h('time', { className: 'time', text: formatLocalTime(e.time) }),
      h('span', { className: 'badge', text: KIND_LABEL[e.kind] }),
      h('span', { className: 'text', text: e.text }));
    if (e.links.length) {
      const links = h('span', { className: 'links' });
      for (const link of e.links) {
        // log lines link quietly (one small button) so a thousand of them stay readable
        const b = h('button', { className: e.kind === 'log' ? 'link quiet' : 'link secondary', text: e.kind === 'log' ? '↗' : LINK_LABEL[link.kind], attrs: { type: 'button', title: LINK_LABEL[link.kind], 'aria-label': LINK_LABEL[link.kind] } });
        b.addEventListener('click', () => follow(link));
        links.append(b);
      }
      li.append(links);
    }
    if (e.detail) li.append(h('pre', { className: 'detail', text: e.detail }));
    fragment.append(li);
  }
  list.replaceChildren(fragment);
}
