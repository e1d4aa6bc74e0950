/**
 * Issue 15, the Incident panel in headless Chromium (built bundle, the extension's own page and CSP):
 * one timeline, newest last, of engine events, alerts, the healer and the log window in the Logs
 * panel's colours; where the lines came from; the charts; links that ask the extension; hostile
 * text shown as text; the incident restored after a reload.
 */
import assert from 'node:assert/strict';
import type { IncidentLogsView, IncidentView } from '../../src/shared/incidentProtocol';
import { webviewSuite, WebviewPage } from './fixture';

// Browser globals used inside page.evaluate callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, getComputedStyle: any;

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOSTILE = '<img src=x onerror="window.__pwned=1"> **bold** [link](javascript:alert(1))';

const view: IncidentView = {
  id: 'inc-1',
  title: 'worker — crashed (exit 1)',
  status: "recovered in 1m 5s (the healer's restart)",
  reason: 'exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432`',
  openedAt: T0,
  closedAt: T0 + 65_000,
  windowStartMs: T0 - 300_000,
  windowEndMs: T0 + 185_000,
  entries: [
    { time: T0, kind: 'die', text: 'app-worker-1 died (exit 1)', links: [{ kind: 'logs', atMs: T0 }] },
    {
      time: T0 + 2_000,
      kind: 'alert-firing',
      text: 'alert WorkerDown firing',
      detail: `service=worker\nsummary: ${HOSTILE}`,
      links: [
        { kind: 'metrics', alert: 0 },
        { kind: 'alertmanager', alert: 0 },
        { kind: 'logs', atMs: T0 + 2_000 },
      ],
    },
    { time: T0 + 3_000, kind: 'healer', text: 'healer: worker: restart — done (crashed, exit 1)', links: [{ kind: 'logs', atMs: T0 + 3_000 }] },
    { time: T0 + 4_000, kind: 'start', text: 'app-worker-1 started', links: [{ kind: 'logs', atMs: T0 + 4_000 }] },
    { time: T0 + 65_000, kind: 'closed', text: 'recovered', links: [{ kind: 'logs', atMs: T0 + 65_000 }] },
  ],
  alerts: [
    {
      name: 'WorkerDown',
      state: 'resolved',
      firingAt: T0 + 2_000,
      resolvedAt: T0 + 60_000,
      query: 'up{job="worker"} == 0',
      labels: { service: 'worker' },
      annotations: { summary: HOSTILE },
    },
  ],
  charts: [{ title: 'Alert WorkerDown: its query', query: 'up{job="worker"} == 0', unit: 'count' }],
};

const logs: IncidentLogsView = {
  source: 'loki',
  sourceText: 'Loki: 3 lines of worker, 2 min before to 2 min after the start.',
  entries: [
    { time: T0 - 2_000, line: 'connecting to db:5432', level: 'info' },
    { time: T0 - 1_000, line: 'Error: ECONNREFUSED db:5432', level: 'error' },
    { time: T0 + 5_000, line: HOSTILE, level: 'warn' },
  ],
};

async function answerAll(wp: WebviewPage): Promise<void> {
  const load = await wp.waitForPosted('loadIncident');
  assert.equal(load.id, 'inc-1');
  await wp.send({ type: 'incident', requestId: load.requestId, view });
  const [logsAsk, chartAsk] = [await wp.waitForPosted('loadLogs'), await wp.waitForPosted('loadChart')];
  await wp.send({ type: 'incidentLogs', requestId: logsAsk.requestId, logs });
  const times = Array.from({ length: 20 }, (_, i) => Math.floor((T0 - 300_000) / 1000) + i * 15);
  await wp.send({
    type: 'incidentChart',
    requestId: chartAsk.requestId,
    chart: 0,
    times,
    series: [{ labels: { job: 'worker' }, values: times.map((_, i) => (i > 10 && i < 14 ? 1 : 0)) }],
  });
}

describe('Incident webview (issue 15, headless Chromium)', function () {
  const pages = webviewSuite(this);
  let wp: WebviewPage;

  it('shows one timeline, newest last: the die, the log lines around it in level colours, the alert, the healer, the recovery', async () => {
    wp = await pages.open('incident');
    await wp.send({ type: 'showIncident', id: 'inc-1' });
    await answerAll(wp);
    const rows = wp.page.locator('.timeline .entry');
    await wp.page.locator('.timeline .entry.kind-log').first().waitFor();
    await wp.page.locator('.chart-card canvas').waitFor();
    const kinds = await rows.evaluateAll((els) => els.map((e) => e.className.match(/kind-(\S+)/)[1]));
    assert.deepEqual(kinds, ['log', 'log', 'die', 'alert-firing', 'healer', 'start', 'log', 'closed']);
    assert.equal(await wp.page.getByRole('heading', { level: 1 }).textContent(), 'worker — crashed (exit 1)');
    assert.equal(await wp.page.locator('.reason').textContent(), 'exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432`');
    assert.equal(await wp.page.locator('.log-source').textContent(), logs.sourceText, 'says which source the lines came from');
    const colours = await wp.page.locator('.entry.kind-log .text').evaluateAll((els) => els.map((e) => getComputedStyle(e).color));
    assert.equal(colours[1], 'rgb(248, 81, 73)', "error lines in the Logs panel's red");
    assert.equal(colours[2], 'rgb(204, 167, 0)', 'warnings in its yellow');
    assert.notEqual(colours[0], colours[1]);
    assert.equal(await wp.page.getByRole('region', { name: 'Alert WorkerDown: its query' }).locator('canvas').count(), 1);
  });

  it('keeps hostile text as text and follows links by asking the extension (kind and index, no URL)', async () => {
    wp = await pages.open('incident');
    await wp.send({ type: 'showIncident', id: 'inc-1' });
    await answerAll(wp);
    await wp.page.locator('.timeline .entry.kind-log').first().waitFor();
    assert.equal(await wp.page.locator('.timeline img').count(), 0);
    assert.equal(await wp.page.locator('.timeline a').count(), 0);
    assert.equal(await wp.page.evaluate(() => window.__pwned), undefined);
    assert.equal(await wp.page.locator('.entry.kind-log .text').nth(2).textContent(), HOSTILE);
    assert.match((await wp.page.locator('.entry.kind-alert-firing .detail').textContent()) ?? '', /summary: <img src=x/);
    const firing = wp.page.locator('.entry.kind-alert-firing');
    await firing.getByRole('button', { name: 'Query in Metrics' }).click();
    assert.deepEqual((await wp.waitForPosted('follow')).link, { kind: 'metrics', alert: 0 });
    await firing.getByRole('button', { name: 'Open in Alertmanager' }).click();
    assert.deepEqual((await wp.waitForPosted('follow', (m) => m.link.kind === 'alertmanager')).link, { kind: 'alertmanager', alert: 0 });
    await wp.page.locator('.entry.kind-die').getByRole('button', { name: 'Logs at this time' }).click();
    const logsLink = await wp.waitForPosted('follow', (m) => m.link.kind === 'logs');
    assert.deepEqual(logsLink, { type: 'follow', id: 'inc-1', link: { kind: 'logs', atMs: T0 } });
    assert.deepEqual(await wp.cspViolations(), []);
    assert.deepEqual(wp.pageErrors, []);
  });

  it('drops malformed and stale messages, and asks for its incident again after a reload', async () => {
    wp = await pages.open('incident');
    await wp.send({ type: 'showIncident', id: 'inc-1' });
    const load = await wp.waitForPosted('loadIncident');
    // a view whose entry kind is unknown is not rendered; nor is an answer to a request never made
    await wp.send({ type: 'incident', requestId: load.requestId, view: { ...view, entries: [{ time: T0, kind: 'rm -rf', text: 'x', links: [] }] } } as never);
    await wp.send({ type: 'incident', requestId: load.requestId + 50, view });
    await wp.send({ type: 'incident', requestId: load.requestId, view });
    await wp.page.locator('.timeline .entry.kind-die').waitFor();
    assert.equal(await wp.page.locator('.timeline .entry').count(), view.entries.length);
    const saved = await wp.savedState<{ incidentId?: string }>();
    assert.equal(saved.incidentId, 'inc-1');
    await wp.close();
    wp = await pages.open('incident', saved);
    assert.equal((await wp.waitForPosted('loadIncident')).id, 'inc-1', 'a restored panel asks for the incident it showed');
  });

  it("without Loki: the engine's lines of the dead container, and it says so", async () => {
    wp = await pages.open('incident');
    await wp.send({ type: 'showIncident', id: 'inc-1' });
    const load = await wp.waitForPosted('loadIncident');
    await wp.send({ type: 'incident', requestId: load.requestId, view: { ...view, charts: [] } });
    const ask = await wp.waitForPosted('loadLogs');
    const sourceText = 'Without Loki (Loki is not reachable at http://127.0.0.1:3100): the last 2 lines of the dead container, from the Docker engine.';
    await wp.send({
      type: 'incidentLogs',
      requestId: ask.requestId,
      logs: {
        source: 'engine',
        sourceText,
        entries: [
          { time: T0 - 1, line: 'starting', level: 'unknown' },
          { time: T0 - 1, line: 'panic: boom', level: 'error' },
        ],
      },
    });
    await wp.page.locator('.entry.kind-log').first().waitFor();
    assert.equal(await wp.page.locator('.log-source').textContent(), sourceText);
    assert.deepEqual(await wp.page.locator('.entry .text').allTextContents(), ['starting', 'panic: boom', ...view.entries.map((e) => e.text)]);
    assert.equal(await wp.page.locator('.charts').isHidden(), true, 'no chart without a firing alert or an OOM');
  });

  it('a long log window: the first screenful first, then every line in order, each with its own link; a newer answer stops the older appending', async () => {
    wp = await pages.open('incident');
    await wp.send({ type: 'showIncident', id: 'inc-1' });
    const load = await wp.waitForPosted('loadIncident');
    const ask = await wp.waitForPosted('loadLogs');
    const many = Array.from({ length: 1_000 }, (_, i) => ({ time: T0 - 100_000 + i * 10, line: `line ${i}`, level: 'info' as const }));
    await wp.send({ type: 'incidentLogs', requestId: ask.requestId, logs: { source: 'loki', sourceText: 'Loki: 1000 lines', entries: many } });
    await wp.send({ type: 'incident', requestId: load.requestId, view: { ...view, charts: [] } });
    await wp.page.waitForFunction((n) => document.querySelectorAll('.timeline .entry.kind-log').length === n, many.length + logs.entries.length - 3);
    const texts = await wp.page.locator('.entry.kind-log .text').allTextContents();
    assert.deepEqual(
      texts,
      many.map((l) => l.line),
      'every line, oldest first',
    );
    assert.equal(
      await wp.page.locator('.entry.kind-log:not(.later)').count(),
      60,
      'the first screenful is laid out at once, the rest may skip layout off screen',
    );
    await wp.page.locator('.entry.kind-log').last().getByRole('button', { name: 'Logs at this time' }).click();
    assert.deepEqual((await wp.waitForPosted('follow')).link, { kind: 'logs', atMs: many[999].time }, "the last row's link is its own");
  });

  it('a newer answer stops an older render still appending its rows', async () => {
    wp = await pages.open('incident');
    await wp.send({ type: 'showIncident', id: 'inc-1' });
    const many = Array.from({ length: 3_000 }, (_, i) => ({ time: T0 - 100_000 + i * 10, line: `line ${i}`, level: 'info' as const }));
    const [load, ask] = [await wp.waitForPosted('loadIncident'), await wp.waitForPosted('loadLogs')];
    await wp.send({ type: 'incidentLogs', requestId: ask.requestId, logs: { source: 'loki', sourceText: 'Loki: 3000 lines', entries: many } });
    await wp.send({ type: 'incident', requestId: load.requestId, view: { ...view, charts: [] } });
    // the incident changed: the extension says so and answers again while the 3,000 rows are going in
    await wp.send({ type: 'showIncident', id: 'inc-1' });
    const again = await wp.waitForPosted('loadIncident', (m) => m.requestId !== load.requestId);
    const logsAgain = await wp.waitForPosted('loadLogs', (m) => m.requestId !== ask.requestId);
    await wp.send({ type: 'incidentLogs', requestId: logsAgain.requestId, logs });
    await wp.send({ type: 'incident', requestId: again.requestId, view: { ...view, charts: [] } });
    await wp.page.waitForFunction(() => document.querySelectorAll('.timeline .entry.kind-log').length === 3);
    // as many frames as the old render would need to append its next rows: none arrive
    await wp.page.evaluate(
      () =>
        new Promise((resolve) => {
          let frames = 0;
          const next = () => (++frames >= 10 ? setTimeout(resolve, 0) : window.requestAnimationFrame(next));
          window.requestAnimationFrame(next);
        }),
    );
    assert.equal(await wp.page.locator('.timeline .entry').count(), view.entries.length + logs.entries.length);
  });
});
