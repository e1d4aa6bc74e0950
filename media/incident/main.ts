// The Incident panel: one incident's timeline (engine events, alerts, the healer, the log window
// around the start), its reason and the charts over its window. It never touches the network:
// the extension answers every request, and follows every link with its own commands.
import 'uplot/dist/uPlot.min.css';
import './incident.css';
import { IncidentLink, IncidentReply, IncidentToExtension, IncidentToWebview, IncidentView, isIncidentToWebview } from '../../src/shared/incidentProtocol';
import { formatLocalTime, h } from '../common/dom';
import { MessageHandler } from '../common/messageHandler';
import { ChartCard } from '../metrics/chart';
import { IncidentSession } from './state';
import { mergeTimeline, TimelineList } from './timeline';

const session = new IncidentSession();
const channel = new MessageHandler<IncidentToWebview, IncidentToExtension>('incident', isIncidentToWebview);

const title = h('h1', { text: 'Incident' });
const status = h('div', { className: 'status', attrs: { role: 'status' } });
const reason = h('div', { className: 'reason' });
const message = h('div', { className: 'error', attrs: { role: 'alert' } });
const logSource = h('div', { className: 'log-source', attrs: { 'aria-live': 'polite' } });
const charts = h('div', { className: 'charts', attrs: { 'aria-label': 'Charts over the incident' } });
const timeline = new TimelineList(h('ol', { className: 'timeline', attrs: { 'aria-label': 'Timeline, newest last' } }), follow);

document
  .getElementById('app')!
  .append(h('header', { className: 'incident-head' }, title, status, reason), message, charts, h('h2', { text: 'Timeline' }), logSource, timeline.element);

function follow(link: IncidentLink): void {
  const id = session.saved.incidentId;
  if (id) channel.post({ type: 'follow', id, link });
}

function redrawTimeline(): void {
  if (session.view) timeline.render(mergeTimeline(session.view.entries, session.logs));
}

function showView(view: IncidentView): void {
  const sameCharts = session.view?.id === view.id && JSON.stringify(session.view.charts) === JSON.stringify(view.charts);
  session.view = view;
  title.textContent = view.title;
  status.textContent = `${formatLocalTime(view.openedAt)} · ${view.status}`;
  reason.textContent = view.reason ?? '';
  reason.hidden = !view.reason;
  redrawTimeline();
  if (!sameCharts) {
    session.charts = view.charts.map((c) => new ChartCard(c.title, c.unit === 'bytes' ? 'bytes' : 'none'));
    charts.replaceChildren(...session.charts.map((c) => c.element));
    charts.hidden = session.charts.length === 0;
  }
  view.charts.forEach((_, index) => {
    session.charts[index]?.showLoading();
    channel.request<Extract<IncidentReply, { type: 'incidentChart' }>>(
      `chart-${index}`,
      (requestId) => ({ type: 'loadChart', requestId, id: view.id, chart: index }),
      (m) => {
        if (m.error) session.charts[m.chart]?.showError(m.error);
        else session.charts[m.chart]?.render(m.times, m.series, []);
      },
    );
  });
}

/** The log window around the start; asked for with the incident (one round trip, not two, to first paint). */
function requestLogs(id: string): void {
  channel.request<Extract<IncidentReply, { type: 'incidentLogs' }>>(
    'logs',
    (requestId) => ({ type: 'loadLogs', requestId, id }),
    (m) => {
      session.logs = m.logs;
      logSource.textContent = m.logs.sourceText;
      redrawTimeline();
    },
  );
}

function load(id: string): void {
  session.show(id);
  requestLogs(id);
  channel.request<Extract<IncidentReply, { type: 'incident' }>>(
    'incident',
    (requestId) => ({ type: 'loadIncident', requestId, id }),
    (m) => {
      message.textContent = m.message ?? '';
      if (m.view) showView(m.view);
    },
  );
}

channel.on('showIncident', (m) => load(m.id));
new ResizeObserver(() => session.charts.forEach((c) => c.resize())).observe(document.body);

channel.post({ type: 'ready' });
// After a reload the panel comes back with its incident: ask for it again (the extension has it).
if (session.saved.incidentId) load(session.saved.incidentId);
