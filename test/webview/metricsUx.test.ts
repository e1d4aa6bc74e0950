/**
 * Issue 13, "Metrics panel": one message with the fix when Prometheus is unreachable, a parse error
 * shown once, a styled completion list that pushes the chart down instead of covering it, x-axis
 * labels that never overlap, legends that are not clipped, and a visible focus ring on everything
 * Tab reaches.
 */
import assert from 'node:assert/strict';
import type { ChartSeries } from '../../src/shared/protocol';
import { webviewSuite, WebviewPage } from './fixture';

// Browser globals used inside page.evaluate callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, getComputedStyle: any, CanvasRenderingContext2D: any;

const T0 = Math.floor(Date.UTC(2026, 0, 15, 12) / 1000);
const hour = Array.from({ length: 241 }, (_, i) => T0 + i * 15);
const PRESET_IDS = ['preset-up', 'preset-rate', 'preset-5xx', 'preset-memory', 'preset-alerts'] as const;

interface TextCall {
  canvas: string;
  card: string | null;
  text: string;
  x: number;
  y: number;
  w: number;
  align: string;
}

/** Records every canvas fillText (uPlot draws its axis labels on the canvas), with its measured width. */
function recordCanvasText(): void {
  const w = window as { __text: unknown[] };
  w.__text = [];
  const proto = CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText;
  let next = 0;
  proto.fillText = function (
    this: {
      canvas: { __id?: string; closest(s: string): { getAttribute(n: string): string | null } | null };
      measureText(t: string): { width: number };
      textAlign: string;
    },
    text: string,
    x: number,
    y: number,
    ...rest: unknown[]
  ) {
    const c = this.canvas;
    c.__id ??= `c${next++}`;
    w.__text.push({
      canvas: c.__id,
      card: c.closest('section')?.getAttribute('aria-label') ?? null,
      text: String(text),
      x,
      y,
      w: this.measureText(String(text)).width,
      align: this.textAlign,
    });
    return fillText.call(this, text, x, y, ...rest);
  };
}

describe('Metrics panel UX (issue 13, headless Chromium)', function () {
  const pages = webviewSuite(this);
  let wp: WebviewPage;

  it('says once that Prometheus is unreachable, with the fix, instead of one ECONNREFUSED per chart', async () => {
    wp = await pages.open('metrics');
    const message = 'Prometheus is not reachable at http://127.0.0.1:9090 (connection refused).';
    for (const id of PRESET_IDS) {
      const run = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === id);
      await wp.send({ type: 'metricsError', requestId: run.requestId, panelId: id, message, unreachable: true });
    }
    await wp.page.getByLabel('PromQL query').fill('up');
    await wp.page.getByLabel('PromQL query').press('Enter');
    const main = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'main');
    await wp.send({ type: 'metricsError', requestId: main.requestId, panelId: 'main', message, unreachable: true });
    const banner = wp.page.getByRole('alert').filter({ hasText: 'Prometheus is not reachable' });
    await banner.waitFor();
    assert.equal(await wp.page.getByText('Prometheus is not reachable', { exact: false }).count(), 1, 'one message, not one per chart');
    assert.match((await banner.textContent()) ?? '', /Start the stack or point realm\.prometheusUrl at a running Prometheus/);
    await banner.getByRole('button', { name: 'Stack Up' }).click();
    assert.equal((await wp.waitForPosted('runCommand')).command, 'stackUp');
    await banner.getByRole('button', { name: 'Use Existing Prometheus…' }).click();
    assert.equal((await wp.waitForPosted('runCommand', (m) => m.command === 'openBackendSettings')).command, 'openBackendSettings');
    assert.equal(await wp.page.locator('.chart-message.error:visible').count(), 0, 'the cards do not repeat it');

    // Prometheus back: the banner goes away with the first result
    const again = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'main'); // still the last request
    await wp.send({
      type: 'metricsResult',
      requestId: again.requestId,
      panelId: 'main',
      query: 'up',
      times: hour,
      series: [{ labels: { job: 'x' }, values: hour.map(() => 1) }],
      stepSeconds: 15,
      warnings: [],
    });
    await banner.waitFor({ state: 'hidden' });
  });

  it('shows a parse error once, next to the input', async () => {
    wp = await pages.open('metrics');
    await wp.page.getByLabel('PromQL query').fill('rate(up[5m]');
    await wp.page.getByLabel('PromQL query').press('Enter');
    const run = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'main');
    await wp.send({
      type: 'metricsError',
      requestId: run.requestId,
      panelId: 'main',
      message: 'invalid parameter "query": 1:12: parse error: unclosed left parenthesis',
    });
    await wp.page.locator('.query-error', { hasText: 'unclosed left parenthesis' }).waitFor();
    assert.equal(await wp.page.getByText('unclosed left parenthesis').count(), 1);
  });

  it('styles the completion list and pushes "Query result" down instead of covering it', async () => {
    wp = await pages.open('metrics');
    const input = wp.page.getByLabel('PromQL query');
    await input.focus();
    await wp.waitForPosted('fetchMetricNames');
    await wp.send({ type: 'metricNames', names: Array.from({ length: 20 }, (_, i) => `arcanum_metric_${String(i).padStart(2, '0')}`) });
    await input.fill('arc');
    const list = wp.page.getByRole('listbox', { name: 'Metric names' });
    await list.getByRole('option').first().waitFor();
    const heading = wp.page.getByRole('heading', { name: 'Query result' });
    const [l, h] = [(await list.boundingBox())!, (await heading.boundingBox())!];
    assert.ok(l.y + l.height <= h.y, `the list (bottom ${l.y + l.height}) ends above the heading (top ${h.y})`);
    const style = await list.evaluate((el) => {
      const s = getComputedStyle(el);
      const li = getComputedStyle(el.querySelector('li'));
      return { bg: s.backgroundColor, border: s.borderTopStyle, bullet: li.listStyleType, cursor: li.cursor };
    });
    assert.notEqual(style.bg, 'rgba(0, 0, 0, 0)', 'an opaque suggest-widget background');
    assert.equal(style.border, 'solid');
    assert.equal(style.bullet, 'none');
    assert.equal(await list.locator('li').first().locator('.match').textContent(), 'arc', "the typed prefix is highlighted, as in the editor's suggest widget");
    await input.press('ArrowDown');
    const selected = await list.locator('li[aria-selected="true"]').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(selected, style.bg, 'the active suggestion stands out');
    await input.press('Escape');
    await list.waitFor({ state: 'hidden' });
  });

  it('never overlaps the x-axis labels of a narrow dashboard chart, and does not clip its legend', async () => {
    wp = await pages.open('metrics', undefined, { viewport: { width: 900, height: 900 }, initScript: recordCanvasText });
    const rate = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'preset-rate');
    const providers = [
      'openai-production-eu-west-1',
      'anthropic-production-us-east-1',
      'azure-openai-staging',
      'local-llama-cpp-on-a-very-long-hostname-0001',
      'mistral',
      'gemini',
    ];
    const series: ChartSeries[] = providers.map((p, i) => ({ labels: { provider: p }, values: hour.map((_, k) => 1 + i + Math.sin(k / 20)) }));
    await wp.page.evaluate(() => {
      (window as { __text: unknown[] }).__text.length = 0;
    });
    await wp.send({ type: 'metricsResult', requestId: rate.requestId, panelId: 'preset-rate', query: 'x', times: hour, series, stepSeconds: 15, warnings: [] });
    const card = wp.page.getByRole('region', { name: 'Request rate by provider' });
    await card.locator('canvas').waitFor();
    await wp.page.waitForFunction(() => (window as { __text: { card: string }[] }).__text.some((t) => t.card === 'Request rate by provider'));
    const calls = (await wp.page.evaluate(() => (window as { __text: TextCall[] }).__text)).filter(
      (t) => t.card === 'Request rate by provider' && t.align === 'center',
    );
    const rows = new Map<number, TextCall[]>();
    for (const c of calls) rows.set(Math.round(c.y), [...(rows.get(Math.round(c.y)) ?? []), c]);
    assert.ok(rows.size > 0, 'x-axis labels were drawn');
    for (const [y, labels] of rows) {
      const sorted = [...labels].sort((a, b) => a.x - b.x);
      for (let i = 1; i < sorted.length; i++) {
        const gap = sorted[i].x - sorted[i].w / 2 - (sorted[i - 1].x + sorted[i - 1].w / 2);
        assert.ok(gap >= 4, `x-axis labels "${sorted[i - 1].text}" and "${sorted[i].text}" (row y=${y}) overlap or touch: gap ${gap.toFixed(1)} px`);
      }
    }

    const cardBox = (await card.boundingBox())!;
    const legendRows = card.locator('.u-legend .u-series');
    assert.equal(await legendRows.count(), providers.length + 1);
    for (const label of await card.locator('.u-legend .u-label').all()) {
      const box = (await label.boundingBox())!;
      assert.ok(
        box.x >= cardBox.x - 0.5 && box.x + box.width <= cardBox.x + cardBox.width + 0.5,
        `legend label "${await label.textContent()}" fits the card horizontally`,
      );
      const clipped = await label.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      assert.equal(clipped, false, `legend label "${await label.textContent()}" is not cut`);
    }
    const box = card.locator('.legend-box');
    const overflow = await box.evaluate((el) => ({ x: el.scrollWidth - el.clientWidth, y: el.scrollHeight - el.clientHeight }));
    assert.ok(overflow.x <= 1, `no hidden horizontal overflow in the legend (${overflow.x} px)`);
    assert.ok(overflow.y <= 1, `six series fit without scrolling: none is cut off (${overflow.y} px hidden)`);
    for (const row of (await legendRows.all()).slice(1)) {
      const [label, value] = [(await row.locator('.u-label').boundingBox())!, (await row.locator('.u-value').boundingBox())!];
      assert.ok(Math.abs(label.y - value.y) < 4, "each value sits on its label's first line");
    }
  });

  it('shows a focus ring on everything Tab reaches, legends included', async () => {
    wp = await pages.open('metrics');
    const up = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'preset-up');
    const many: ChartSeries[] = Array.from({ length: 12 }, (_, i) => ({
      labels: { job: `job-${i}`, instance: `10.0.0.${i}:9100` },
      values: hour.map(() => 1),
    }));
    await wp.send({
      type: 'metricsResult',
      requestId: up.requestId,
      panelId: 'preset-up',
      query: 'up',
      times: hour,
      series: many,
      stepSeconds: 15,
      warnings: [],
    });
    await wp.page.getByRole('region', { name: 'Service up/down (1 = up)' }).locator('canvas').waitFor();
    const missing: string[] = [];
    const seen = new Set<string>();
    let legendReached = false;
    for (let i = 0; i < 30; i++) {
      await wp.page.keyboard.press('Tab');
      const f = await wp.page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return {
          what: `${el.tagName.toLowerCase()}.${el.className}`,
          style: s.outlineStyle,
          width: parseFloat(s.outlineWidth),
          shadow: s.boxShadow,
          legend: !!el.closest('.legend-box'),
        };
      });
      if (seen.has(f.what + i)) continue;
      seen.add(f.what + i);
      legendReached ||= f.legend;
      if (f.what.startsWith('body')) continue;
      if (f.style === 'none' || f.width < 2) missing.push(`${f.what} (${f.style} ${f.width}px)`);
    }
    assert.ok(legendReached, 'Tab reaches the scrollable legend');
    assert.equal(await wp.page.getByRole('group', { name: 'Legend: Service up/down (1 = up)' }).count(), 1, 'the legend has a name');
    assert.deepEqual(missing, [], 'every focused element shows a 2 px focus ring');
  });
});
