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
import { mergeTimeline, renderTimeline } from './timeline';

const session = new IncidentSession();
const channel = new MessageHandler<IncidentToWebview, IncidentToExtension>('incident', isIncidentToWebview);

const title = h('h1', { text: 'Incident' });
const status = h('div', { className: 'status', attrs: { role: 'status' } });
const reason = h('div', { className: 'reason' });
const message = h('div', { className: 'error', attrs: { role: 'alert' } });
const logSource = h('div', { className: 'log-source', attrs: { 'aria-live': 'polite' } });
const charts = h('div', { className: 'charts', attrs: { 'aria-label': 'Charts over the incident' } });
const timeline = h('ol', { className: 'timeline', attrs: { 'aria-label': 'Timeline, newest last' } });
let chartCards: ChartCard[] = [];

document.getElementById('app')!.append(
  h('header', { className: 'incident-head' }, title, status, reason),
  message,
  charts,
  h('h2', { text: 'Timeline' }),
  logSource,
  timeline,
);

function follow(link: IncidentLink): void {
  const id = session.saved.incidentId;
  if (id) channel.post({ type: 'follow', id, link });
}

function redrawTimeline(): void {
  if (session.view) renderTimeline(timeline, mergeTimeline(session.view.entries, session.logs), follow);
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
    chartCards = view.charts.map((c) => new ChartCard(c.title, c.unit === 'bytes' ? 'bytes' : 'none'));
    charts.replaceChildren(...chartCards.map((c) => c.element));
    charts.hidden = chartCards.length === 0;
  }
  view.charts.forEach((_, index) => {
    chartCards[index]?.showLoading();
    channel.request<Extract<IncidentReply, { type: 'incidentChart' }>>(`chart-${index}`, (requestId) => ({ type: 'loadChart', requestId, id: view.id, chart: index }), (m) => {
      if (m.error) chartCards[m.chart]?.showError(m.error);
      else chartCards[m.chart]?.render(m.times, m.series, []);
    });
  });
  channel.request<Extract<IncidentReply, { type: 'incidentLogs' }>>('logs', (requestId) => ({ type: 'loadLogs', requestId, id: view.id }), (m) => {
    session.logs = m.logs;
    logSource.textContent = m.logs.sourceText;
    redrawTimeline();
  });
}

function load(id: string): void {
  session.show(id);
  channel.request<Extract<IncidentReply, { type: 'incident' }>>('incident', (requestId) => ({ type: 'loadIncident', requestId, id }), (m) => {
    message.textContent = m.message ?? '';
    if (m.view) showView(m.view);
  });
}

channel.on('showIncident', (m) => load(m.id));
new ResizeObserver(() => chartCards.forEach((c) => c.resize())).observe(document.body);

channel.post({ type: 'ready' });
// After a reload the panel comes back with its incident: ask for it again (the extension has it).
if (session.saved.incidentId) load(session.saved.incidentId);
