import assert from 'node:assert/strict';
import type { LogLevel, LogStream } from '../../src/shared/protocol';
import { entry, ns, runLogsQuery, webviewSuite, WebviewPage } from './fixture';

// Browser globals used inside page.evaluate callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, getComputedStyle: any, requestAnimationFrame: any, performance: { now(): number };

const BASE_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

/** Runs the query the user typed and answers it with `streams`, as the extension would. */
async function answerQuery(wp: WebviewPage, streams: LogStream[], query = '{compose_service="api"}'): Promise<void> {
  const run = await runLogsQuery(wp, query);
  await wp.send({
    type: 'logsResult',
    requestId: run.requestId,
    query,
    streams,
    limit: run.limit,
    truncated: false,
    startMs: BASE_MS - 60_000,
    endMs: BASE_MS + 60_000,
  });
}

describe('Logs webview (headless Chromium, built bundle)', function () {
  const pages = webviewSuite(this);
  let wp: WebviewPage;

  it('says ready, runs the query on Enter and shows lines with local times and level colours', async () => {
    wp = await pages.open('logs');
    await answerQuery(wp, [
      {
        labels: { compose_service: 'api' },
        entries: [entry(BASE_MS, 'level=error db down', 'error'), entry(BASE_MS - 1000, 'level=warn slow', 'warn'), entry(BASE_MS - 2000, 'started', 'info')],
      },
    ]);
    const rows = wp.page.locator('.log-list .row:not([hidden])');
    await rows.first().waitFor();
    assert.deepEqual(await rows.locator('.text').allTextContents(), ['level=error db down', 'level=warn slow', 'started']);
    const local = new Date(BASE_MS);
    assert.match(
      (await rows.first().locator('.time').textContent()) ?? '',
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d ${String(local.getHours()).padStart(2, '0')}:00:00\\.000$`),
    );
    const colours = await rows.locator('.text').evaluateAll((els) => els.map((e) => getComputedStyle(e).color));
    assert.equal(colours[0], 'rgb(248, 81, 73)', 'error lines are red');
    assert.equal(colours[1], 'rgb(204, 167, 0)', 'warnings are yellow');
    assert.notEqual(colours[2], colours[0]);
    assert.equal(await wp.page.locator('.status').textContent(), '3 lines');
  });

  it('draws a volume histogram stacked by level', async () => {
    wp = await pages.open('logs');
    const entries = [
      ...Array.from({ length: 30 }, (_, i) => entry(BASE_MS - 50_000 + i * 100, `e${i}`, 'error')),
      ...Array.from({ length: 10 }, (_, i) => entry(BASE_MS + 40_000 + i, `i${i}`, 'info')),
    ];
    await answerQuery(wp, [{ labels: { compose_service: 'api' }, entries }]);
    await wp.page.locator('.histogram .seg').first().waitFor();
    assert.equal(await wp.page.locator('.histogram .bar').count(), 60);
    assert.ok((await wp.page.locator('.histogram .seg.level-error').count()) >= 1);
    assert.ok((await wp.page.locator('.histogram .seg.level-info').count()) >= 1);
    assert.equal(await wp.page.locator('.histogram').getAttribute('aria-label'), 'Log volume: 30 error, 10 info');
    const tallest = await wp.page.locator('.histogram .seg.level-error').evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().height)));
    assert.ok(tallest > 50, `the busiest bucket fills the histogram (${tallest}px)`);
  });

  it("shows Loki's error text and the empty-result message", async () => {
    wp = await pages.open('logs');
    await wp.page.getByLabel('LogQL query').fill('{bad');
    await wp.page.getByRole('button', { name: 'Show logs' }).click();
    const run = await wp.waitForPosted('runLogsQuery');
    await wp.send({ type: 'logsError', requestId: run.requestId, message: 'parse error at line 1, col 5: syntax error: unexpected end of input' });
    await wp.page.getByRole('alert').filter({ hasText: 'parse error' }).waitFor();
    await answerQuery(wp, []);
    await wp.page.locator('.status', { hasText: 'No logs match' }).waitFor();
    assert.equal(await wp.page.locator('.error').textContent(), '');
  });

  it('expands a line to show its labels, copies it, and asks for context from the same stream', async () => {
    wp = await pages.open('logs');
    await answerQuery(wp, [{ labels: { compose_service: 'api', container: 'api-1' }, entries: [entry(BASE_MS, 'GET /x 500', 'error')] }]);
    const list = wp.page.getByRole('listbox', { name: 'Log lines' });
    await list.focus();
    await list.press('ArrowDown');
    await list.press('Enter');
    const details = wp.page.getByRole('region', { name: 'Line details' });
    await details.waitFor();
    assert.deepEqual(await details.locator('.labels td').allTextContents(), ['api', 'api-1']);
    await details.getByRole('button', { name: 'Copy line' }).click();
    assert.equal((await wp.waitForPosted('copy')).text, 'GET /x 500');
    await details.getByRole('button', { name: 'Show context' }).click();
    const ask = await wp.waitForPosted('showContext');
    assert.deepEqual(ask.labels, { compose_service: 'api', container: 'api-1' });
    assert.equal(ask.tsNs, ns(BASE_MS));
    await wp.send({ type: 'context', requestId: ask.requestId, before: [entry(BASE_MS - 10, 'before it')], after: [entry(BASE_MS + 10, 'after it')] });
    await details.getByText('Context: 1 before, 1 after').waitFor();
    assert.deepEqual(await details.locator('.context-line .text').allTextContents(), ['before it', 'GET /x 500', 'after it']);
    await details.getByRole('button', { name: 'Close line details' }).click();
    assert.equal(await details.isHidden(), true);
  });

  it('builds a selector from the label and value pickers, opens Grafana, and keeps state for reload', async () => {
    wp = await pages.open('logs');
    await wp.page.getByLabel('Label', { exact: true }).focus();
    await wp.waitForPosted('fetchLabels');
    await wp.send({ type: 'labels', names: ['compose_service', 'container'] });
    await wp.page.getByLabel('Label', { exact: true }).selectOption('compose_service');
    await wp.waitForPosted('fetchLabelValues', (m) => m.label === 'compose_service');
    await wp.send({ type: 'labelValues', label: 'compose_service', values: ['api', 'db'] });
    await wp.page.getByLabel('Label value').selectOption('db');
    assert.equal(await wp.page.getByLabel('LogQL query').inputValue(), '{compose_service="db"}');
    await wp.page.getByLabel('Time range').selectOption('6h');
    await wp.page.getByRole('button', { name: 'Open in Grafana Explore' }).click();
    const open = await wp.waitForPosted('openInGrafana');
    assert.deepEqual(open, { type: 'openInGrafana', datasource: 'loki', query: '{compose_service="db"}', range: { kind: 'relative', last: '6h' } });
    const saved = await wp.savedState<{ query: string; range: unknown }>();
    await wp.close();
    wp = await pages.open('logs', saved);
    assert.equal(await wp.page.getByLabel('LogQL query').inputValue(), '{compose_service="db"}');
    const rerun = await wp.waitForPosted('runLogsQuery');
    assert.deepEqual(rerun.range, { kind: 'relative', last: '6h' }, 'a reloaded panel re-runs its last query');
  });

  it('asks for labels again on the next focus when the first answer was empty (Loki was down), and not once it has them', async () => {
    wp = await pages.open('logs');
    const label = wp.page.getByLabel('Label', { exact: true });
    const asked = async () => (await wp.posted()).filter((m) => m.type === 'fetchLabels').length;
    await label.focus();
    await wp.waitForPosted('fetchLabels');
    await wp.send({ type: 'labels', names: [] });
    await wp.page.getByLabel('LogQL query').focus();
    await label.focus();
    for (const deadline = Date.now() + 5_000; (await asked()) < 2 && Date.now() < deadline;) await wp.page.waitForTimeout(20);
    assert.equal(await asked(), 2, 'focusing the empty picker again asks again');
    await wp.send({ type: 'labels', names: ['compose_service'] });
    await label.locator('option[value="compose_service"]').waitFor({ state: 'attached' });
    await wp.page.getByLabel('LogQL query').focus();
    await label.focus();
    await wp.page.getByLabel('LogQL query').focus();
    assert.equal(await asked(), 2, 'a filled list is not fetched again');
  });

  it('live tail: shows the state, dropped counts, appends lines and keeps only the ring buffer', async () => {
    wp = await pages.open('logs');
    await wp.page.getByLabel('LogQL query').fill('{compose_service="api"}');
    await wp.page.getByRole('button', { name: 'Live tail' }).click();
    assert.equal((await wp.waitForPosted('startTail')).query, '{compose_service="api"}');
    const state = wp.page.getByRole('status');
    await wp.send({ type: 'tailState', state: 'connected', dropped: 0, capacity: 5 });
    await state.filter({ hasText: 'connected' }).waitFor();
    await wp.send({
      type: 'tailLines',
      streams: [{ labels: { compose_service: 'api' }, entries: Array.from({ length: 8 }, (_, i) => entry(BASE_MS + i, `tail ${i}`)) }],
    });
    await wp.page.locator('.row .text', { hasText: 'tail 7' }).waitFor();
    // the order control says "Newest first" (the default): the newest line is at the top, as in a query's result
    assert.deepEqual(await wp.page.locator('.log-list .row:not([hidden]) .text').allTextContents(), ['tail 7', 'tail 6', 'tail 5', 'tail 4', 'tail 3']);
    await wp.page.getByLabel('Direction').selectOption('forward');
    await wp.send({ type: 'tailLines', streams: [{ labels: { compose_service: 'api' }, entries: [entry(BASE_MS + 8, 'tail 8')] }] });
    await wp.page.locator('.row .text', { hasText: 'tail 8' }).waitFor();
    assert.deepEqual(
      await wp.page.locator('.log-list .row:not([hidden]) .text').allTextContents(),
      ['tail 4', 'tail 5', 'tail 6', 'tail 7', 'tail 8'],
      '"Oldest first": the newest at the bottom',
    );
    await wp.send({ type: 'tailState', state: 'reconnecting', dropped: 42, capacity: 5, message: 'connection to Loki lost; retrying in 1.0 s' });
    await state.filter({ hasText: 'reconnecting · 42 dropped' }).waitFor();
    assert.equal(await state.evaluate((e) => getComputedStyle(e).color), 'rgb(204, 167, 0)');
    await wp.page.getByRole('button', { name: 'Stop tail' }).click();
    await wp.waitForPosted('stopTail');
  });

  it('holds 100,000 lines with a bounded DOM, scrolls and filters fast (figures printed)', async () => {
    wp = await pages.open('logs');
    const levels: LogLevel[] = ['info', 'info', 'info', 'warn', 'error', 'debug'];
    const streams: LogStream[] = [0, 1, 2, 3].map((s) => ({
      labels: { compose_service: `svc${s}` },
      entries: Array.from({ length: 25_000 }, (_, i) =>
        entry(BASE_MS - (i * 4 + s) * 10, `svc${s} request ${i} path=/api/v1/items/${i} took=${i % 97}ms${i % 1000 === 0 ? ' needle' : ''}`, levels[i % 6]),
      ),
    }));
    await answerQuery(wp, streams);
    await wp.page.locator('.status', { hasText: '100,000 lines' }).waitFor({ timeout: 60_000 });
    const domRows = await wp.page.locator('.log-list .row').count();
    assert.ok(domRows < 100, `only visible rows are in the DOM (${domRows})`);
    const frames = await wp.page.evaluate(async () => {
      const list = document.querySelector('.log-list');
      const times: number[] = [];
      for (let k = 0; k < 60; k++) {
        const t0 = performance.now();
        list.scrollTop = (list.scrollHeight * k) / 60;
        list.dispatchEvent(new Event('scroll'));
        await new Promise(requestAnimationFrame);
        void list.querySelector('.row')!.getBoundingClientRect(); // force layout inside the measure
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b);
    });
    const p50 = frames[Math.floor(frames.length / 2)];
    const p95 = frames[Math.floor(frames.length * 0.95)];
    console.log(`      scroll through 100,000 lines: frame p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (incl. rAF wait), DOM rows ${domRows}`);
    assert.ok(p95 < 100, `scroll stays responsive (p95 ${p95.toFixed(1)} ms)`);
    const filterMs = await wp.page.evaluate(() => {
      const input = document.querySelector('.filter');
      input.value = 'needle';
      const t0 = performance.now();
      input.dispatchEvent(new Event('input'));
      return performance.now() - t0;
    });
    await wp.page.locator('.filter-count', { hasText: '100 of 100,000 lines' }).waitFor();
    console.log(`      filter over 100,000 lines: ${filterMs.toFixed(1)} ms`);
    assert.ok(filterMs < 500, `filtering stays quick (${filterMs.toFixed(1)} ms)`);
    assert.ok((await wp.page.locator('.log-list .row:not([hidden])').count()) <= 100);
  });
});
