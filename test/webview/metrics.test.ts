import assert from 'node:assert/strict';
import type { ChartSeries } from '../../src/shared/protocol';
import { runMetricsQuery, webviewSuite, WebviewPage } from './fixture';

// Browser globals used inside page.evaluate callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, performance: { now(): number };

const T0 = Math.floor(Date.UTC(2026, 0, 15, 12) / 1000);
const times = Array.from({ length: 60 }, (_, i) => T0 + i * 15);

const runMain = runMetricsQuery;

describe('Metrics webview (headless Chromium, built bundle)', function () {
  const pages = webviewSuite(this);
  let wp: WebviewPage;

  it('runs the preset panels and draws a chart with a legend, hover values and byte units', async () => {
    wp = await pages.open('metrics');
    const presets = new Set<string>();
    for (const id of ['preset-up', 'preset-rate', 'preset-5xx', 'preset-memory', 'preset-alerts'] as const)
      presets.add((await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === id)).query);
    assert.ok(presets.has('up') && presets.has('ALERTS{alertstate="firing"}') && [...presets].some((q) => q.includes('arcanum_requests_total{status=~"5.."}')));
    const requestId = await runMain(wp, 'container_memory_usage_bytes');
    const series: ChartSeries[] = [
      { labels: { __name__: 'container_memory_usage_bytes', name: 'api' }, values: times.map(() => 1536) },
      { labels: { __name__: 'container_memory_usage_bytes', name: 'db' }, values: times.map((_, i) => (i === 10 ? null : 3 * 1024 * 1024)) },
    ];
    await wp.send({ type: 'metricsResult', requestId, panelId: 'main', query: 'container_memory_usage_bytes', times, series, stepSeconds: 15, warnings: [] });
    const card = wp.page.getByRole('region', { name: 'Query result' });
    await card.locator('canvas').waitFor();
    assert.deepEqual(await card.locator('.u-legend .u-series .u-label').allTextContents(), [
      'Time',
      'container_memory_usage_bytes{name="api"}',
      'container_memory_usage_bytes{name="db"}',
    ]);
    const box = (await card.locator('.u-over').boundingBox())!;
    await wp.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await card.locator('.u-legend .u-value', { hasText: '1.5 KiB' }).waitFor();
    assert.deepEqual((await card.locator('.u-legend .u-value').allTextContents()).slice(1), ['1.5 KiB', '3 MiB']);
    // Sample 10 of "db" is missing (null): a gap, shown as no value rather than a zero.
    await wp.page.mouse.move(box.x + (box.width * 10) / 59, box.y + box.height / 2);
    await card.locator('.u-legend .u-value', { hasText: '–' }).waitFor();
    assert.deepEqual((await card.locator('.u-legend .u-value').allTextContents()).slice(1), ['1.5 KiB', '–']);
  });

  it("shows Prometheus' own error next to the input, and says so when a result is empty", async () => {
    wp = await pages.open('metrics');
    const bad = await runMain(wp, 'rate(up[5m]');
    const message = 'invalid parameter "query": 1:12: parse error: unclosed left parenthesis';
    await wp.send({ type: 'metricsError', requestId: bad, panelId: 'main', message });
    await wp.page.locator('.query-error', { hasText: 'unclosed left parenthesis' }).waitFor();
    assert.equal(await wp.page.locator('.query-error').textContent(), message);
    const empty = await runMain(wp, 'up{job="nothing"}');
    await wp.send({
      type: 'metricsResult',
      requestId: empty,
      panelId: 'main',
      query: 'up{job="nothing"}',
      times: [],
      series: [],
      stepSeconds: 15,
      warnings: [],
    });
    const card = wp.page.getByRole('region', { name: 'Query result' });
    await card.getByText('No data: the query matched no series in this time range.').waitFor();
    assert.equal(await wp.page.locator('.query-error').textContent(), '');
    assert.equal(await card.locator('canvas').count(), 0);
  });

  it('completes metric names and walks the query history with the keyboard', async () => {
    wp = await pages.open('metrics');
    const input = wp.page.getByLabel('PromQL query');
    await input.focus();
    await wp.waitForPosted('fetchMetricNames');
    await wp.send({ type: 'metricNames', names: ['up', 'arcanum_requests_total', 'arcanum_request_duration_seconds_bucket', 'container_memory_usage_bytes'] });
    await input.fill('rate(arc');
    const options = wp.page.getByRole('listbox', { name: 'Metric names' }).getByRole('option');
    await options.first().waitFor();
    assert.deepEqual(await options.allTextContents(), ['arcanum_request_duration_seconds_bucket', 'arcanum_requests_total']);
    await input.press('ArrowDown');
    await input.press('ArrowDown');
    await input.press('Tab');
    assert.equal(await input.inputValue(), 'rate(arcanum_requests_total');
    await runMain(wp, 'up');
    await runMain(wp, 'sum(up)');
    await input.fill('');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'sum(up)');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'up');
    await input.press('ArrowDown');
    assert.equal(await input.inputValue(), 'sum(up)');
    const saved = await wp.savedState<{ history: string[] }>();
    assert.deepEqual(saved.history, ['sum(up)', 'up'], 'history survives a reload');
  });

  it('renders a preset panel and keeps hostile series labels as text', async () => {
    wp = await pages.open('metrics');
    const up = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'preset-up');
    const hostile = '<img src=x onerror="window.__pwned=1">';
    await wp.send({
      type: 'metricsResult',
      requestId: up.requestId,
      panelId: 'preset-up',
      query: 'up',
      times,
      series: [{ labels: { __name__: 'up', job: hostile }, values: times.map(() => 1) }],
      stepSeconds: 15,
      warnings: [],
    });
    const card = wp.page.getByRole('region', { name: 'Service up/down (1 = up)' });
    await card.locator('canvas').waitFor();
    assert.equal(await card.locator('.u-legend .u-label').nth(1).textContent(), `up{job=${JSON.stringify(hostile)}}`);
    assert.equal(await wp.page.evaluate(() => window.__pwned), undefined);
    assert.equal(await wp.page.locator('#app img').count(), 0);
    assert.deepEqual(wp.dialogs, []);
    assert.deepEqual(await wp.cspViolations(), []);
  });

  it('draws 10 series × 11,000 points quickly (figure printed)', async () => {
    wp = await pages.open('metrics');
    const requestId = await runMain(wp, 'rate(arcanum_requests_total[1m])');
    const ms = await wp.page.evaluate(async (id: number) => {
      const n = 11_000;
      const t = Array.from({ length: n }, (_, i) => 1_760_000_000 + i * 10);
      const series = Array.from({ length: 10 }, (_, s) => ({ labels: { provider: `p${s}` }, values: t.map((_, i) => Math.sin(i / 300 + s) * 10 + 20 + s) }));
      const t0 = performance.now();
      window.postMessage(
        { type: 'metricsResult', requestId: id, panelId: 'main', query: 'rate(arcanum_requests_total[1m])', times: t, series, stepSeconds: 10, warnings: [] },
        '*',
      );
      await new Promise<void>((resolve) => {
        const check = () => (document.querySelector('[aria-label="Query result"] canvas') ? resolve() : requestAnimationFrame(check));
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const requestAnimationFrame = (window as any).requestAnimationFrame.bind(window);
        check();
      });
      await new Promise((r) => (window as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() => r(undefined)));
      return performance.now() - t0;
    }, requestId);
    console.log(`      chart: 10 series × 11,000 points rendered in ${ms.toFixed(1)} ms (message to first painted frame)`);
    assert.equal(await wp.page.locator('[aria-label="Query result"] .u-legend .u-series').count(), 11);
    assert.ok(ms < 2_000, `chart renders in reasonable time (${ms.toFixed(1)} ms)`);
  });
});
