/**
 * Metrics panel figure, measured in headless Chromium on the BUILT bundle (`npm run build` first):
 * render time of 10 series × 11,000 points (goal ≤ 100 ms).   Run: node out/bench/chart-render.js
 */
import { WebviewPage } from '../test/webview/webviewPage';

// Browser globals used inside page.evaluate (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, performance: { now(): number };

/** Runs in the page: posts the result and resolves when the chart's canvas has been painted. */
async function drawChart({ id, series, points }: { id: number; series: number; points: number }): Promise<number> {
  const times = Array.from({ length: points }, (_, i) => 1_760_000_000 + i * 10);
  const data = Array.from({ length: series }, (_, s) => ({ labels: { provider: `p${s}` }, values: times.map((_, i) => Math.sin(i / 300 + s) * 10 + 20 + s) }));
  const selector = '[aria-label="Query result"] canvas';
  const previous = document.querySelector(selector);
  const t0 = performance.now();
  window.postMessage({ type: 'metricsResult', requestId: id, panelId: 'main', query: 'q', times, series: data, stepSeconds: 10, warnings: [] }, '*');
  await new Promise<void>((resolve) => {
    const check = () => {
      const canvas = document.querySelector(selector);
      if (canvas && canvas !== previous) resolve();
      else window.requestAnimationFrame(check);
    };
    check();
  });
  await new Promise((r) => window.requestAnimationFrame(() => r(undefined)));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const wp = await WebviewPage.open('metrics');
  try {
    const runs: number[] = [];
    for (let k = 0; k < 5; k++) {
      await wp.page.getByLabel('PromQL query').fill(`rate(arcanum_requests_total[1m]) + ${k}`);
      await wp.page.getByLabel('PromQL query').press('Enter');
      const { requestId } = await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'main' && m.query.endsWith(`+ ${k}`));
      runs.push(await wp.page.evaluate(drawChart, { id: requestId, series: 10, points: 11_000 }));
    }
    const sorted = [...runs].sort((a, b) => a - b);
    console.log(
      `chart-render: 10 series × 11,000 points: median ${sorted[2].toFixed(1)} ms, first ${runs[0].toFixed(1)} ms, runs ${runs.map((r) => r.toFixed(0)).join(', ')} (goal ≤ 100)`,
    );
  } finally {
    await wp.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
