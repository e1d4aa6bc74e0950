// The Logs panel: LogQL search, volume histogram, virtualized results, details, live tail.
// It never touches the network: every query goes to the extension as a protocol message.
import './logs.css';
import type { ExtensionMessage, TailState, TimeRange } from '../../src/shared/protocol';
import { h, select, setOptions } from '../common/dom';
import { LabelPickers } from './labelPickers';
import { TimeRangePicker } from '../common/timeRange';
import { loadState, onExtensionMessage, post, saveState } from '../common/vscodeApi';
import { LineDetails } from './details';
import { VolumeHistogram } from './histogram';
import { LogModel } from './logModel';
import { VirtualLogList } from './virtualList';

interface LogsState {
  query: string;
  range: TimeRange;
  limit: number;
  direction: 'backward' | 'forward';
  filter: string;
}

const state = loadState<LogsState>({ query: '', range: { kind: 'relative', last: '1h' }, limit: 1000, direction: 'backward', filter: '' });
const model = new LogModel();
let requestId = 0;
let pendingQuery = 0;
let pendingContext = 0;
let tailing = false;
let tailCapacity = 5_000;
let lastRange: { startMs: number; endMs: number } | undefined;
/** The query and range of the lines shown, for "Older lines" (the next page of the same search). */
let shown: { query: string; range: TimeRange; direction: LogsState['direction']; limit: number } | undefined;
let pendingPage = false;
/** The most lines the view holds (and the most a query may ask for). */
const MAX_LINES = 100_000;
/** An example selector naming one of the workspace's services (until they are known: a generic one). */
let example = '{compose_service="web"}';

// ---- toolbar -------------------------------------------------------------------------------
const queryInput = h('input', { className: 'query', attrs: { type: 'text', 'aria-label': 'LogQL query', placeholder: `${example} |= "error"`, spellcheck: 'false' } });
queryInput.value = state.query;
const runButton = h('button', { text: 'Show logs', attrs: { type: 'button' } });
const tailButton = h('button', { text: 'Live tail', attrs: { type: 'button', 'aria-pressed': 'false' } });
const grafanaButton = h('button', { text: 'Open in Grafana Explore', attrs: { type: 'button' } });
const pickers = new LabelPickers(queryInput, { labels: () => post({ type: 'fetchLabels' }), values: (label) => post({ type: 'fetchLabelValues', label }) }, () => persist(), (m) => showError(m));
const range = new TimeRangePicker(state.range, () => persist());
const limitInput = h('input', { attrs: { type: 'number', min: '1', max: '100000', 'aria-label': 'Line limit' } });
limitInput.value = String(state.limit);
const directionSelect = select('Direction', [['backward', 'Newest first'], ['forward', 'Oldest first']], state.direction);
const errorBox = h('div', { className: 'error', attrs: { role: 'alert', 'aria-live': 'assertive' } });
const statusBox = h('span', { className: 'status', attrs: { 'aria-live': 'polite' } });
const tailStateBox = h('span', { className: 'tail-state state-disconnected', attrs: { role: 'status' } });
const filterInput = h('input', { className: 'filter', attrs: { type: 'search', 'aria-label': 'Filter results', placeholder: 'Find in results' } });
filterInput.value = state.filter;
const filterCount = h('span', { className: 'filter-count', attrs: { 'aria-live': 'polite' } });
const streamSelect = select('Show lines of', [['', 'All streams']]);
streamSelect.classList.add('stream-filter');
streamSelect.hidden = true;
const moreButton = h('button', { className: 'more secondary', text: 'Older lines', attrs: { type: 'button' } });
moreButton.hidden = true;

const histogram = new VolumeHistogram();
const details = new LineDetails(model, {
  copy: (text) => post({ type: 'copy', text }),
  showContext: (row) => {
    pendingContext = ++requestId;
    post({ type: 'showContext', requestId: pendingContext, labels: model.labelsOf(row), tsNs: row.tsNs, count: 10 });
  },
}, () => list.element.focus());
const list = new VirtualLogList(model, (row) => details.show(row));

document.getElementById('app')!.append(
  h('div', { className: 'toolbar' }, queryInput, runButton, tailButton, tailStateBox, grafanaButton),
  h('div', { className: 'toolbar' }, pickers.element, range.element, limitInput, directionSelect),
  errorBox,
  histogram.element,
  h('div', { className: 'toolbar' }, filterInput, streamSelect, filterCount, statusBox),
  list.element,
  moreButton,
  details.element,
);

function persist(): void {
  const r = range.get();
  saveState({
    query: queryInput.value, limit: Number(limitInput.value) || 1000, filter: filterInput.value,
    direction: directionSelect.value as LogsState['direction'], range: typeof r === 'string' ? state.range : r,
  } satisfies LogsState);
}

function showError(message: string): void {
  errorBox.textContent = message;
}

function redraw(keepBottom = false): void {
  list.refresh(keepBottom);
  histogram.render(model, tailing ? undefined : lastRange);
  filterCount.textContent = model.filter || model.chipFilter ? `${model.view.length.toLocaleString()} of ${model.rows.length.toLocaleString()} lines` : '';
  updateStreamFilter();
}

/** The stream filter lists each stream's chip with its line count; hidden while every line is from one stream. */
function updateStreamFilter(): void {
  const chips = model.chips();
  streamSelect.hidden = chips.length < 2;
  const options: Array<[string, string]> = [['', `All streams (${model.rows.length.toLocaleString()})`], ...chips.map((c): [string, string] => [c.chip, `${c.chip} (${c.lines.toLocaleString()})`])];
  if (model.chipFilter && !chips.some((c) => c.chip === model.chipFilter)) options.push([model.chipFilter, `${model.chipFilter} (0)`]);
  const key = options.map((o) => o.join('\u0000')).join('\u0001');
  if (streamSelect.dataset.key !== key) {
    setOptions(streamSelect, options);
    streamSelect.dataset.key = key;
  }
  streamSelect.value = model.chipFilter;
}

// ---- actions -------------------------------------------------------------------------------
function runQuery(): void {
  const query = queryInput.value.trim();
  const r = range.get();
  if (!query) return showError(`Type a LogQL query, for example ${example}.`);
  if (typeof r === 'string') return showError(r);
  const limit = Math.min(MAX_LINES, Math.max(1, Math.floor(Number(limitInput.value) || 1000)));
  if (tailing) stopTail();
  showError('');
  statusBox.textContent = 'Searching…';
  pendingQuery = ++requestId;
  pendingPage = false;
  moreButton.hidden = true;
  shown = { query, range: r, direction: directionSelect.value as LogsState['direction'], limit };
  persist();
  post({ type: 'runLogsQuery', requestId: pendingQuery, query, range: r, limit, direction: shown.direction });
}

/** "Older lines" / "Newer lines": the next page of the same search, from the last line shown. */
function loadMore(): void {
  const cursorNs = model.pageCursor;
  if (!shown || !cursorNs || tailing) return;
  const room = MAX_LINES - model.rows.length;
  if (room <= 0) return;
  pendingQuery = ++requestId;
  pendingPage = true;
  moreButton.disabled = true;
  statusBox.textContent = 'Loading more…';
  post({ type: 'runLogsQuery', requestId: pendingQuery, query: shown.query, range: shown.range, limit: Math.min(shown.limit, room), direction: shown.direction, cursorNs });
}

function showMore(truncated: boolean): void {
  const full = model.rows.length >= MAX_LINES;
  moreButton.hidden = !truncated || !shown;
  moreButton.disabled = full;
  moreButton.textContent = shown?.direction === 'forward' ? 'Newer lines' : 'Older lines';
  moreButton.title = full ? `The view holds ${MAX_LINES.toLocaleString()} lines: narrow the query or the time range to see others.` : '';
}

function startTail(): void {
  const query = queryInput.value.trim();
  if (!query) return showError('Type a LogQL query to tail.');
  showError('');
  tailing = true;
  tailButton.textContent = 'Stop tail';
  tailButton.setAttribute('aria-pressed', 'true');
  model.clear();
  details.hide();
  moreButton.hidden = true;
  redraw();
  post({ type: 'startTail', query });
}

function stopTail(): void {
  tailing = false;
  tailButton.textContent = 'Live tail';
  tailButton.setAttribute('aria-pressed', 'false');
  post({ type: 'stopTail' });
}

function setTailState(s: TailState, dropped: number, message?: string): void {
  tailStateBox.className = `tail-state state-${s}`;
  tailStateBox.textContent = `● ${s}${dropped ? ` · ${dropped.toLocaleString()} dropped` : ''}`;
  tailStateBox.title = message ?? '';
  if (s === 'disconnected' && tailing && message && message !== 'stopped') showError(message);
}

runButton.addEventListener('click', runQuery);
queryInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); runQuery(); } });
queryInput.addEventListener('change', persist);
tailButton.addEventListener('click', () => (tailing ? stopTail() : startTail()));
grafanaButton.addEventListener('click', () => {
  const r = range.get();
  post({ type: 'openInGrafana', datasource: 'loki', query: queryInput.value.trim(), range: typeof r === 'string' ? state.range : r });
});
limitInput.addEventListener('change', persist);
directionSelect.addEventListener('change', () => {
  persist();
  // the live tail follows the order control at once: newest at the top for "Newest first"
  if (tailing) { model.rows.reverse(); model.applyFilter(model.filter); list.selected = -1; redraw(); }
});
moreButton.addEventListener('click', loadMore);
streamSelect.addEventListener('change', () => { model.setChipFilter(streamSelect.value); list.selected = -1; redraw(); });
filterInput.addEventListener('input', () => { model.applyFilter(filterInput.value); list.selected = -1; redraw(); persist(); });

// ---- messages from the extension -----------------------------------------------------------
onExtensionMessage((m: ExtensionMessage) => {
  switch (m.type) {
    case 'setQuery':
      queryInput.value = m.query;
      persist();
      if (m.run) runQuery();
      break;
    case 'services':
      if (m.names.length) {
        example = `{compose_service=${JSON.stringify(m.names[0])}}`;
        queryInput.placeholder = m.names.length > 1 ? `${example} |= "error"  ·  or {compose_service=~"${m.names.slice(0, 3).join('|')}"}` : `${example} |= "error"`;
      }
      break;
    case 'labels':
      pickers.setLabels(m.names);
      break;
    case 'labelValues':
      pickers.setValues(m.label, m.values);
      break;
    case 'logsResult': {
      if (m.requestId !== pendingQuery) return; // a newer query superseded it
      const direction = shown?.direction ?? (directionSelect.value as LogsState['direction']);
      if (m.cursorNs && pendingPage) {
        const added = model.appendPage(m.streams, direction, MAX_LINES);
        pendingPage = false;
        redraw();
        statusBox.textContent = `${model.rows.length.toLocaleString()} lines (${added.toLocaleString()} more)`;
        showMore(m.truncated && added > 0);
        break;
      }
      lastRange = { startMs: m.startMs, endMs: m.endMs };
      model.setStreams(m.streams, direction);
      list.selected = -1;
      list.element.scrollTop = 0;
      redraw();
      statusBox.textContent = model.rows.length
        ? `${model.rows.length.toLocaleString()} lines${m.truncated ? ` (the ${direction === 'forward' ? 'oldest' : 'newest'} ${m.limit.toLocaleString()}: ${direction === 'forward' ? 'Newer' : 'Older'} lines reads further)` : ''}`
        : m.lokiEmpty
          ? 'No logs match: Loki holds no logs at all in this time range, so Promtail is probably not shipping them. Run Realm: Stack Up and check the stack\'s promtail service.'
          : 'No logs match this query in this time range.';
      showMore(m.truncated);
      break;
    }
    case 'logsError':
      if (m.requestId !== pendingQuery) return;
      statusBox.textContent = '';
      pendingPage = false;
      moreButton.disabled = false;
      showError(m.message);
      break;
    case 'context':
      if (m.requestId === pendingContext) details.showContext(m.before, m.after);
      break;
    case 'contextError':
      if (m.requestId === pendingContext) details.showContextError(m.message);
      break;
    case 'tailLines':
      if (!tailing) return;
      model.appendStreams(m.streams, tailCapacity, directionSelect.value as LogsState['direction']);
      redraw(directionSelect.value === 'forward');
      statusBox.textContent = `${model.rows.length.toLocaleString()} lines (live, newest ${tailCapacity.toLocaleString()} kept)`;
      break;
    case 'tailState':
      tailCapacity = m.capacity;
      setTailState(m.state, m.dropped, m.message);
      if (m.state === 'disconnected' && tailing && m.message !== 'stopped') { tailing = false; tailButton.textContent = 'Live tail'; tailButton.setAttribute('aria-pressed', 'false'); }
      break;
  }
});

setTailState('disconnected', 0);
model.applyFilter(state.filter);
post({ type: 'ready' });
// After a reload the panel comes back with its last query: run it again (the extension fetches).
if (state.query) runQuery();
queryInput.focus();
