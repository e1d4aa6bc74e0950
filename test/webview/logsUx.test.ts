/**
 * Issue 13, "Logs panel" in headless Chromium: which stream a line came from (chips coloured per
 * service, filterable), pickers that edit the typed selector, the workspace's services as examples,
 * the empty-Loki hint, the histogram's time axis, "Older lines" paging and the focus ring.
 */
import assert from 'node:assert/strict';
import type { LogStream } from '../../src/shared/protocol';
import { entry, ns, runLogsQuery, webviewSuite, WebviewPage } from './fixture';

// Browser globals used inside page.evaluate callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, getComputedStyle: any;

const BASE_MS = new Date(2026, 0, 15, 12, 0, 0).getTime();
const labels = (service: string) => ({ compose_project: 'shop', compose_service: service, container: `shop-${service}-1`, job: 'docker' });

const run = runLogsQuery;

describe('Logs panel UX (issue 13, headless Chromium)', function () {
  const pages = webviewSuite(this);
  let wp: WebviewPage;

  it("shows each line's distinguishing labels, coloured per service, and filters by stream", async () => {
    wp = await pages.open('logs');
    const q = await run(wp, '{compose_project="shop"}');
    const streams: LogStream[] = ['web', 'worker', 'db'].map((s, k) => ({
      labels: labels(s),
      entries: [entry(BASE_MS - k * 1000, `${s} says hi`), entry(BASE_MS - 10_000 - k, `${s} again`)],
    }));
    await wp.send({
      type: 'logsResult',
      requestId: q.requestId,
      query: q.query,
      streams,
      limit: q.limit,
      truncated: false,
      startMs: BASE_MS - 60_000,
      endMs: BASE_MS,
    });
    const rows = wp.page.locator('.log-list .row:not([hidden])');
    await rows.first().waitFor();
    const shown = await rows.evaluateAll((els) =>
      els.map((e) => ({
        chip: e.querySelector('.chip').textContent,
        text: e.querySelector('.text').textContent,
        colour: getComputedStyle(e.querySelector('.chip')).color,
        visible: getComputedStyle(e.querySelector('.chip')).display !== 'none',
      })),
    );
    assert.deepEqual(
      shown.slice(0, 3).map((r) => [r.chip, r.text]),
      [
        ['web shop-web-1', 'web says hi'],
        ['worker shop-worker-1', 'worker says hi'],
        ['db shop-db-1', 'db says hi'],
      ],
      'the labels that differ between streams (not compose_project or job, which all share), service first',
    );
    assert.ok(shown.every((r) => r.visible));
    const colourOf = (s: string) => shown.find((r) => r.chip.startsWith(`${s} `))!.colour;
    assert.equal(new Set([colourOf('web'), colourOf('worker'), colourOf('db')]).size, 3, 'one colour per service');
    assert.equal(
      shown
        .filter((r) => r.chip.startsWith('web '))
        .map((r) => r.colour)
        .every((c) => c === colourOf('web')),
      true,
      'a service keeps its colour',
    );

    const filter = wp.page.getByLabel('Show lines of');
    assert.deepEqual(await filter.locator('option').allTextContents(), [
      'All streams (6)',
      'db shop-db-1 (2)',
      'web shop-web-1 (2)',
      'worker shop-worker-1 (2)',
    ]);
    await filter.selectOption('worker shop-worker-1');
    assert.deepEqual(await rows.locator('.text').allTextContents(), ['worker says hi', 'worker again']);
    await wp.page.locator('.filter-count', { hasText: '2 of 6 lines' }).waitFor();

    const single = await run(wp, '{compose_service="web"}');
    await wp.send({
      type: 'logsResult',
      requestId: single.requestId,
      query: single.query,
      streams: [streams[0]],
      limit: single.limit,
      truncated: false,
      startMs: BASE_MS - 60_000,
      endMs: BASE_MS,
    });
    await wp.page.locator('.status', { hasText: '2 lines' }).waitFor();
    assert.equal(await rows.first().locator('.chip').isVisible(), false, 'one stream: no column that repeats the query');
    assert.equal(await filter.isVisible(), false);
  });

  it('pickers reflect and edit the typed selector: no second matcher on the same label', async () => {
    wp = await pages.open('logs');
    const query = wp.page.getByLabel('LogQL query');
    await query.fill('{compose_service="worker", job="docker"} |= "timeout"');
    const label = wp.page.getByLabel('Label', { exact: true });
    await label.focus();
    await wp.waitForPosted('fetchLabels');
    await wp.send({ type: 'labels', names: ['compose_service', 'job'] });
    await label.selectOption('compose_service');
    await wp.waitForPosted('fetchLabelValues', (m) => m.label === 'compose_service');
    await wp.send({ type: 'labelValues', label: 'compose_service', values: ['db', 'web', 'worker'] });
    const value = wp.page.getByLabel('Label value');
    assert.equal(await value.locator('option:checked').textContent(), 'worker', 'the picker shows what the query says');
    await value.selectOption({ label: 'web' });
    assert.equal(await query.inputValue(), '{compose_service="web", job="docker"} |= "timeout"', 'replaced in place');
    await value.selectOption({ label: 'Any compose_service' });
    assert.equal(await query.inputValue(), '{job="docker"} |= "timeout"', 'removed');
    await query.fill('{compose_service="db"}');
    assert.equal(await value.locator('option:checked').textContent(), 'db', 'typing updates the picker');
    await query.fill('{compose_service="d');
    await value.selectOption({ label: 'web' });
    await wp.page.getByRole('alert').filter({ hasText: 'Finish the stream selector' }).waitFor();
    assert.equal(await query.inputValue(), '{compose_service="d', 'an unfinished selector is left alone');
  });

  it("offers the workspace's services as the example and hints at Promtail when Loki is empty", async () => {
    wp = await pages.open('logs');
    await wp.send({ type: 'services', names: ['checkout', 'payments', 'prometheus'] });
    const query = wp.page.getByLabel('LogQL query');
    await wp.page.waitForFunction(() => document.querySelector('.query').placeholder.includes('checkout'));
    assert.match((await query.getAttribute('placeholder')) ?? '', /^\{compose_service="checkout"\} \|= "error"/);
    await wp.page.getByRole('button', { name: 'Show logs' }).click();
    await wp.page.getByRole('alert').filter({ hasText: 'for example {compose_service="checkout"}' }).waitFor();
    const q = await run(wp, '{compose_service="checkout"}');
    await wp.send({
      type: 'logsResult',
      requestId: q.requestId,
      query: q.query,
      streams: [],
      limit: q.limit,
      truncated: false,
      startMs: BASE_MS - 60_000,
      endMs: BASE_MS,
      lokiEmpty: true,
    });
    await wp.page.locator('.status', { hasText: 'Promtail is probably not shipping them' }).waitFor();
    assert.match((await wp.page.locator('.status').textContent()) ?? '', /Run Realm: Stack Up and check the stack's promtail service/);
  });

  it('labels the volume histogram with a time axis', async () => {
    wp = await pages.open('logs');
    const q = await run(wp, '{compose_service="web"}');
    await wp.send({
      type: 'logsResult',
      requestId: q.requestId,
      query: q.query,
      streams: [{ labels: labels('web'), entries: [entry(BASE_MS - 30 * 60_000, 'a'), entry(BASE_MS, 'b')] }],
      limit: q.limit,
      truncated: false,
      startMs: BASE_MS - 60 * 60_000,
      endMs: BASE_MS,
    });
    const ticks = wp.page.locator('.histogram-axis .tick');
    await ticks.first().waitFor();
    assert.deepEqual(await ticks.allTextContents(), ['11:00', '11:15', '11:30', '11:45', '12:00']);
    const [first, last, bars] = [
      (await ticks.first().boundingBox())!,
      (await ticks.last().boundingBox())!,
      (await wp.page.locator('.histogram').boundingBox())!,
    ];
    assert.ok(first.x >= bars.x - 1 && last.x + last.width <= bars.x + bars.width + 1, 'the axis spans the bars, labels inside');
  });

  it('"Older lines" pages on from the oldest line shown, without repeats, up to the 100,000 the view holds', async () => {
    wp = await pages.open('logs');
    await wp.page.getByLabel('Line limit').fill('3');
    const q = await run(wp, '{compose_service="web"}');
    assert.equal(q.limit, 3);
    // the page ends in a burst of two lines at the same nanosecond: the next page starts at it again
    const first = [entry(BASE_MS, 'l5'), entry(BASE_MS - 1000, 'l4'), entry(BASE_MS - 2000, 'l3a')];
    await wp.send({
      type: 'logsResult',
      requestId: q.requestId,
      query: q.query,
      streams: [{ labels: labels('web'), entries: first }],
      limit: 3,
      truncated: true,
      startMs: BASE_MS - 3_600_000,
      endMs: BASE_MS,
    });
    const more = wp.page.getByRole('button', { name: 'Older lines' });
    await more.waitFor();
    await more.click();
    const page = await wp.waitForPosted('runLogsQuery', (m) => m.cursorNs !== undefined);
    assert.deepEqual(
      { query: page.query, range: page.range, direction: page.direction, cursorNs: page.cursorNs },
      { query: q.query, range: q.range, direction: 'backward', cursorNs: ns(BASE_MS - 2000) },
    );
    await wp.send({
      type: 'logsResult',
      requestId: page.requestId,
      query: q.query,
      streams: [{ labels: labels('web'), entries: [entry(BASE_MS - 2000, 'l3a'), entry(BASE_MS - 2000, 'l3b'), entry(BASE_MS - 3000, 'l2')] }],
      limit: 3,
      truncated: false,
      startMs: BASE_MS - 3_600_000,
      endMs: BASE_MS,
      cursorNs: page.cursorNs,
    });
    await wp.page.locator('.status', { hasText: '5 lines' }).waitFor();
    assert.deepEqual(
      await wp.page.locator('.log-list .row:not([hidden]) .text').allTextContents(),
      ['l5', 'l4', 'l3a', 'l3b', 'l2'],
      'the repeat at the boundary is dropped, the line sharing its timestamp kept',
    );
    assert.equal(await more.isVisible(), false, 'a short page: nothing older');
  });

  it('shows a focus ring on the log list and the pickers', async () => {
    wp = await pages.open('logs');
    const q = await run(wp, '{compose_service="web"}');
    await wp.send({
      type: 'logsResult',
      requestId: q.requestId,
      query: q.query,
      streams: [{ labels: labels('web'), entries: [entry(BASE_MS, 'x')] }],
      limit: q.limit,
      truncated: false,
      startMs: BASE_MS - 60_000,
      endMs: BASE_MS,
    });
    await wp.page.locator('.log-list .row').first().waitFor();
    const missing: string[] = [];
    let listReached = false;
    for (let i = 0; i < 20; i++) {
      await wp.page.keyboard.press('Tab');
      const f = await wp.page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return { what: `${el.tagName.toLowerCase()}.${el.className}`, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      if (f.what.startsWith('body')) continue;
      listReached ||= f.what.includes('log-list');
      if (f.style === 'none' || f.width < 2) missing.push(`${f.what} (${f.style} ${f.width}px)`);
    }
    assert.ok(listReached, 'Tab reaches the log list');
    assert.deepEqual(missing, []);
  });
});
