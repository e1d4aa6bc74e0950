// The Metrics panel: a PromQL chart with history, completion, range and auto-refresh, plus the
// dashboard's preset panels. It never touches the network: the extension runs every query.
import 'uplot/dist/uPlot.min.css';
import './metrics.css';
import { isMetricsToWebview, MetricsPanelId, MetricsReply, MetricsToExtension, MetricsToWebview } from '../../src/shared/metricsProtocol';
import type { TimeRange } from '../../src/shared/protocol';
import { h, select } from '../common/dom';
import { MessageHandler } from '../common/messageHandler';
import { TimeRangePicker } from '../common/timeRange';
import { ChartCard } from './chart';
import { PRESETS } from './presets';
import { QueryInput } from './queryInput';
import { MetricsSaved, MetricsSession } from './state';
import { guessUnit } from './units';

const session = new MetricsSession();
const state = session.saved;
const channel = new MessageHandler<MetricsToWebview, MetricsToExtension>('metrics', isMetricsToWebview);
const post = (m: MetricsToExtension) => channel.post(m);

const queryInput = new QueryInput(
  state.history,
  () => runMain(),
  () => {
    if (!session.namesRequested) {
      session.namesRequested = true;
      post({ type: 'fetchMetricNames' });
    }
  },
);
queryInput.input.value = state.query;
const runButton = h('button', { text: 'Run query', attrs: { type: 'button' } });
const grafanaButton = h('button', { text: 'Open in Grafana Explore', attrs: { type: 'button' } });
const queryError = h('div', { className: 'error query-error', attrs: { role: 'alert', 'aria-live': 'assertive' } });
// Prometheus itself down: one message with the fix, instead of the same error on every chart
const bannerText = h('span', { className: 'banner-text' });
const stackUpButton = h('button', { text: 'Stack Up', attrs: { type: 'button' } });
const settingsButton = h('button', { className: 'secondary', text: 'Use Existing Prometheus…', attrs: { type: 'button' } });
const backendBanner = h('div', { className: 'backend-banner', attrs: { role: 'alert' } }, bannerText, stackUpButton, settingsButton);
backendBanner.hidden = true;
stackUpButton.addEventListener('click', () => post({ type: 'runCommand', command: 'stackUp' }));
settingsButton.addEventListener('click', () => post({ type: 'runCommand', command: 'openBackendSettings' }));
const range = new TimeRangePicker(state.range, () => {
  persist();
  runAll();
});
const refreshSelect = select(
  'Auto-refresh',
  [
    ['0', 'Auto-refresh off'],
    ['5', 'Every 5 s'],
    ['15', 'Every 15 s'],
    ['30', 'Every 30 s'],
    ['60', 'Every 1 min'],
  ],
  String(state.refreshSeconds),
);
const presetsToggle = h('input', { attrs: { type: 'checkbox', id: 'show-presets' } });
presetsToggle.checked = state.showPresets;
const mainChart = new ChartCard('Query result', guessUnit(state.query));
const presetCards = new Map(PRESETS.map((p) => [p.id, new ChartCard(p.title, p.unit)]));
const presetGrid = h('div', { className: 'preset-grid', attrs: { 'aria-label': 'Dashboard panels' } }, ...[...presetCards.values()].map((c) => c.element));

document
  .getElementById('app')!
  .append(
    h('div', { className: 'toolbar' }, queryInput.element, runButton, range.element, refreshSelect, grafanaButton),
    backendBanner,
    queryError,
    mainChart.element,
    h('div', { className: 'toolbar' }, presetsToggle, h('label', { text: 'Show dashboard panels', attrs: { for: 'show-presets' } })),
    presetGrid,
  );
presetGrid.hidden = !state.showPresets;

function currentRange(): TimeRange | undefined {
  const r = range.get();
  if (typeof r === 'string') {
    queryError.textContent = r;
    return undefined;
  }
  return r;
}

function persist(): void {
  const r = range.get();
  session.save({
    query: queryInput.input.value,
    history: queryInput.history,
    refreshSeconds: Number(refreshSelect.value),
    showPresets: presetsToggle.checked,
    range: typeof r === 'string' ? state.range : r,
  } satisfies MetricsSaved);
}

/** Runs one chart's query; a newer query for the same chart supersedes it (its late answer is dropped). */
function send(panelId: MetricsPanelId, query: string, r: TimeRange): void {
  channel.request<MetricsReply>(panelId, (requestId) => ({ type: 'runMetricsQuery', requestId, panelId, query, range: r }), show);
}

function runMain(): void {
  const query = queryInput.input.value.trim();
  const r = currentRange();
  if (!r || !query) return;
  queryError.textContent = '';
  queryInput.remember(query);
  mainChart.setUnit(guessUnit(query));
  mainChart.showLoading();
  persist();
  send('main', query, r);
}

function runPresets(): void {
  const r = currentRange();
  if (!r || !presetsToggle.checked) return;
  for (const p of PRESETS) send(p.id, p.query, r);
}

function runAll(): void {
  if (queryInput.input.value.trim()) runMain();
  runPresets();
}

function scheduleRefresh(): void {
  // Refresh only while the panel is visible: a hidden panel need not load Prometheus.
  session.scheduleRefresh(Number(refreshSelect.value), () => {
    if (document.visibilityState === 'visible') runAll();
  });
}

runButton.addEventListener('click', runMain);
refreshSelect.addEventListener('change', () => {
  persist();
  scheduleRefresh();
});
presetsToggle.addEventListener('change', () => {
  presetGrid.hidden = !presetsToggle.checked;
  persist();
  runPresets();
});
grafanaButton.addEventListener('click', () => {
  const r = currentRange();
  if (r) post({ type: 'openInGrafana', datasource: 'prometheus', query: queryInput.input.value.trim(), range: r });
});
new ResizeObserver(() => {
  mainChart.resize();
  presetCards.forEach((c) => c.resize());
}).observe(document.body);

channel
  .on('setQuery', (m) => {
    queryInput.input.value = m.query;
    // a link from the Incident panel names its window: every chart follows it
    if (m.range) range.set(m.range);
    persist();
    if (m.run && m.range) runAll();
    else if (m.run) runMain();
  })
  .on('metricNames', (m) => queryInput.setNames(m.names));

/** A chart's answer: its series, or its error (Prometheus down: said once, in the banner). */
function show(m: MetricsReply): void {
  const card = m.panelId === 'main' ? mainChart : presetCards.get(m.panelId);
  if (m.type === 'metricsResult') {
    card?.render(m.times, m.series, m.warnings);
    if (m.panelId === 'main') queryError.textContent = '';
    backendBanner.hidden = true;
  } else if (m.unreachable) {
    bannerText.textContent = `${m.message} Start the stack or point realm.prometheusUrl at a running Prometheus.`;
    backendBanner.hidden = false;
    if (m.panelId === 'main') queryError.textContent = '';
    card?.clear();
  } else if (m.panelId === 'main') {
    // the query's own error, once: next to the input, where the fix is typed
    queryError.textContent = m.message;
    card?.clear();
  } else {
    card?.showError(m.message);
  }
}

post({ type: 'ready' });
runAll();
scheduleRefresh();
queryInput.input.focus();
