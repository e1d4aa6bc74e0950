// The Logs panel: LogQL search, volume histogram, virtualized results, details, live tail.
// It never touches the network: every query goes to the extension as a protocol message.
import './logs.css';
import { ContextReply, isLogsToWebview, LogsReply, LogsToExtension, LogsToWebview } from '../../src/shared/logsProtocol';
import type { TailState } from '../../src/shared/protocol';
import { h, select } from '../common/dom';
import { MessageHandler } from '../common/messageHandler';
import { TimeRangePicker } from '../common/timeRange';
import { LineDetails } from './details';
import { VolumeHistogram } from './histogram';
import { LabelPickers } from './labelPickers';
import { LogModel } from './logModel';
import { MAX_LINES, Pager } from './pager';
import { StreamFilter } from './streamFilter';
import { LogsSaved, LogsSession } from './state';
import { VirtualLogList } from './virtualList';

type LogsState = LogsSaved;
const session = new LogsSession();
const state = session.saved;
const model = new LogModel();
const channel = new MessageHandler<LogsToWebview, LogsToExtension>('logs', isLogsToWebview);
const post = (m: LogsToExtension) => channel.post(m);

// ---- toolbar -------------------------------------------------------------------------------
const queryInput = h('input', {
  className: 'query',
  attrs: { type: 'text', 'aria-label': 'LogQL query', placeholder: `${session.example} |= "error"`, spellcheck: 'false' },
});
queryInput.value = state.query;
const runButton = h('button', { text: 'Show logs', attrs: { type: 'button' } });
const tailButton = h('button', { text: 'Live tail', attrs: { type: 'button', 'aria-pressed': 'false' } });
const grafanaButton = h('button', { text: 'Open in Grafana Explore', attrs: { type: 'button' } });
const pickers = new LabelPickers(
  queryInput,
  { labels: () => post({ type: 'fetchLabels' }), values: (label) => post({ type: 'fetchLabelValues', label }) },
  () => persist(),
  (m) => showError(m),
);
const range = new TimeRangePicker(state.range, () => persist());
const limitInput = h('input', { attrs: { type: 'number', min: '1', max: '100000', 'aria-label': 'Line limit' } });
limitInput.value = String(state.limit);
const directionSelect = select(
  'Direction',
  [
    ['backward', 'Newest first'],
    ['forward', 'Oldest first'],
  ],
  state.direction,
);
const errorBox = h('div', { className: 'error', attrs: { role: 'alert', 'aria-live': 'assertive' } });
const statusBox = h('span', { className: 'status', attrs: { 'aria-live': 'polite' } });
const tailStateBox = h('span', { className: 'tail-state state-disconnected', attrs: { role: 'status' } });
const filterInput = h('input', { className: 'filter', attrs: { type: 'search', 'aria-label': 'Filter results', placeholder: 'Find in results' } });
filterInput.value = state.filter;
const filterCount = h('span', { className: 'filter-count', attrs: { 'aria-live': 'polite' } });
const streams = new StreamFilter(model, () => {
  list.selected = -1;
  redraw();
});
const pager = new Pager(model);

const histogram = new VolumeHistogram();
const details = new LineDetails(
  model,
  {
    copy: (text) => post({ type: 'copy', text }),
    showContext: (row) => {
      channel.request<ContextReply>(
        'context',
        (requestId) => ({ type: 'showContext', requestId, labels: model.labelsOf(row), tsNs: row.tsNs, count: 10 }),
        (m) => (m.type === 'context' ? details.showContext(m.before, m.after) : details.showContextError(m.message)),
      );
    },
  },
  () => list.element.focus(),
);
const list = new VirtualLogList(model, (row) => details.show(row));

document
  .getElementById('app')!
  .append(
    h('div', { className: 'toolbar' }, queryInput, runButton, tailButton, tailStateBox, grafanaButton),
    h('div', { className: 'toolbar' }, pickers.element, range.element, limitInput, directionSelect),
    errorBox,
    histogram.element,
    h('div', { className: 'toolbar' }, filterInput, streams.element, filterCount, statusBox),
    list.element,
    pager.button,
    details.element,
  );

function persist(): void {
  const r = range.get();
  session.save({
    query: queryInput.value,
    limit: Number(limitInput.value) || 1000,
    filter: filterInput.value,
    direction: directionSelect.value as LogsState['direction'],
    range: typeof r === 'string' ? state.range : r,
  } satisfies LogsState);
}

function showError(message: string): void {
  errorBox.textContent = message;
}

function redraw(keepBottom = false): void {
  list.refresh(keepBottom);
  histogram.render(model, session.tailing ? undefined : session.lastRange);
  filterCount.textContent = model.filter || model.chipFilter ? `${model.view.length.toLocaleString()} of ${model.rows.length.toLocaleString()} lines` : '';
  streams.update();
}

// ---- actions -------------------------------------------------------------------------------
function runQuery(): void {
  const query = queryInput.value.trim();
  const r = range.get();
  if (!query) return showError(`Type a LogQL query, for example ${session.example}.`);
  if (typeof r === 'string') return showError(r);
  const limit = Math.min(MAX_LINES, Math.max(1, Math.floor(Number(limitInput.value) || 1000)));
  if (session.tailing) stopTail();
  showError('');
  statusBox.textContent = 'Searching…';
  const direction = directionSelect.value as LogsState['direction'];
  pager.start({ query, range: r, direction, limit });
  persist();
  // one search at a time: a newer search (or page) supersedes this one, whose late answer is dropped
  channel.request<LogsReply>('query', (requestId) => ({ type: 'runLogsQuery', requestId, query, range: r, limit, direction }), showAnswer);
}

/** "Older lines" / "Newer lines": the next page of the same search, from the last line shown. */
function loadMore(): void {
  if (session.tailing) return;
  if (channel.request<LogsReply>('query', (requestId) => pager.next(requestId), showAnswer)) statusBox.textContent = 'Loading more…';
}

function startTail(): void {
  const query = queryInput.value.trim();
  if (!query) return showError('Type a LogQL query to tail.');
  showError('');
  session.tailing = true;
  tailButton.textContent = 'Stop tail';
  tailButton.setAttribute('aria-pressed', 'true');
  model.clear();
  details.hide();
  pager.start(undefined);
  redraw();
  post({ type: 'startTail', query });
}

function stopTail(): void {
  session.tailing = false;
  tailButton.textContent = 'Live tail';
  tailButton.setAttribute('aria-pressed', 'false');
  post({ type: 'stopTail' });
}

function setTailState(s: TailState, dropped: number, message?: string): void {
  tailStateBox.className = `tail-state state-${s}`;
  tailStateBox.textContent = `● ${s}${dropped ? ` · ${dropped.toLocaleString()} dropped` : ''}`;
  tailStateBox.title = message ?? '';
  if (s === 'disconnected' && session.tailing && message && message !== 'stopped') showError(message);
}

runButton.addEventListener('click', runQuery);
queryInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    runQuery();
  }
});
queryInput.addEventListener('change', persist);
tailButton.addEventListener('click', () => (session.tailing ? stopTail() : startTail()));
grafanaButton.addEventListener('click', () => {
  const r = range.get();
  post({ type: 'openInGrafana', datasource: 'loki', query: queryInput.value.trim(), range: typeof r === 'string' ? state.range : r });
});
limitInput.addEventListener('change', persist);
directionSelect.addEventListener('change', () => {
  persist();
  // the live tail follows the order control at once: newest at the top for "Newest first"
  if (session.tailing) {
    model.rows.reverse();
    model.applyFilter(model.filter);
    list.selected = -1;
    redraw();
  }
});
pager.button.addEventListener('click', loadMore);
filterInput.addEventListener('input', () => {
  model.applyFilter(filterInput.value);
  list.selected = -1;
  redraw();
  persist();
});

// ---- messages from the extension -----------------------------------------------------------
channel
  .on('setQuery', (m) => {
    queryInput.value = m.query;
    // a link from the Incident panel names the time around an entry
    if (m.range) range.set(m.range);
    persist();
    if (m.run) runQuery();
  })
  .on('services', (m) => {
    if (!m.names.length) return;
    session.example = `{compose_service=${JSON.stringify(m.names[0])}}`;
    queryInput.placeholder =
      m.names.length > 1 ? `${session.example} |= "error"  ·  or {compose_service=~"${m.names.slice(0, 3).join('|')}"}` : `${session.example} |= "error"`;
  })
  .on('labels', (m) => pickers.setLabels(m.names))
  .on('labelValues', (m) => pickers.setValues(m.label, m.values))
  .on('tailLines', (m) => {
    if (!session.tailing) return;
    model.appendStreams(m.streams, session.tailCapacity, directionSelect.value as LogsState['direction']);
    redraw(directionSelect.value === 'forward');
    statusBox.textContent = `${model.rows.length.toLocaleString()} lines (live, newest ${session.tailCapacity.toLocaleString()} kept)`;
  })
  .on('tailState', (m) => {
    session.tailCapacity = m.capacity;
    setTailState(m.state, m.dropped, m.message);
    if (m.state === 'disconnected' && session.tailing && m.message !== 'stopped') {
      session.tailing = false;
      tailButton.textContent = 'Live tail';
      tailButton.setAttribute('aria-pressed', 'false');
    }
  });

/** The answer to the current search (or its next page). */
function showAnswer(m: LogsReply): void {
  if (m.type === 'logsError') {
    statusBox.textContent = '';
    if (pager.pending) pager.answered(true);
    showError(m.message);
    return;
  }
  const direction = pager.shown?.direction ?? (directionSelect.value as LogsState['direction']);
  if (m.cursorNs && pager.pending) {
    const added = model.appendPage(m.streams, direction, MAX_LINES);
    redraw();
    statusBox.textContent = `${model.rows.length.toLocaleString()} lines (${added.toLocaleString()} more)`;
    pager.answered(m.truncated && added > 0);
    return;
  }
  session.lastRange = { startMs: m.startMs, endMs: m.endMs };
  model.setStreams(m.streams, direction);
  list.selected = -1;
  list.element.scrollTop = 0;
  redraw();
  statusBox.textContent = model.rows.length
    ? `${model.rows.length.toLocaleString()} lines${m.truncated ? ` (the ${direction === 'forward' ? 'oldest' : 'newest'} ${m.limit.toLocaleString()}: ${direction === 'forward' ? 'Newer' : 'Older'} lines reads further)` : ''}`
    : m.lokiEmpty
      ? "No logs match: Loki holds no logs at all in this time range, so Promtail is probably not shipping them. Run Realm: Stack Up and check the stack's promtail service."
      : 'No logs match this query in this time range.';
  pager.answered(m.truncated);
}

setTailState('disconnected', 0);
model.applyFilter(state.filter);
post({ type: 'ready' });
// After a reload the panel comes back with its last query: run it again (the extension fetches).
if (state.query) runQuery();
queryInput.focus();
