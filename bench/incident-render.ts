/**
 * Incident panel figure, measured in headless Chromium on the BUILT bundle (`npm run build` first):
 * the time to open the panel of an incident with 1,000 log lines, from the page's navigation start
 * to the first painted frame that shows the timeline with all of them (bundle load and parse, the
 * ready → showIncident → loadIncident → loadLogs round trips answered at once by a stand-in
 * extension in the page, validation and rendering). Goal (issue 15): ≤ 200 ms.
 * Run: node out/bench/incident-render.js
 */
import { cpus, loadavg } from 'node:os';
import { WebviewPage } from '../test/webview/webviewPage';

// Browser globals used inside page callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, performance: { now(): number; getEntriesByName(n: string): Array<{ startTime: number }> }, EventTarget: any;

const RUNS = 7;
const LINES = 1_000;

/** Runs in the page before the bundle: answers the panel's requests at once, as the extension would, and times the page's message handling. */
function standInExtension(lines: number): void {
  const w = window as Record<string, unknown> & { acquireVsCodeApi: () => { postMessage(m: unknown): void } };
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, listener: (e: { data?: { type?: string } }) => void, options?: unknown) {
    const timed =
      type !== 'message'
        ? listener
        : function (this: unknown, e: { data?: { type?: string } }) {
            const t = performance.now();
            listener.call(this, e);
            if (e.data?.type === 'incidentLogs') w.__logsHandlerMs = performance.now() - t;
          };
    return add.call(this, type, timed as never, options as never);
  } as never;
  const real = w.acquireVsCodeApi;
  const T0 = Date.UTC(2026, 0, 15, 12);
  const levels = ['info', 'info', 'info', 'warn', 'error', 'debug'];
  const view = {
    id: 'inc-1',
    title: 'worker — crashed (exit 1)',
    status: 'open for 2m: restarted, recovering',
    reason: 'exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432`',
    openedAt: T0,
    windowStartMs: T0 - 300_000,
    windowEndMs: T0 + 300_000,
    alerts: [],
    charts: [],
    entries: [
      { time: T0, kind: 'die', text: 'app-worker-1 died (exit 1)', links: [{ kind: 'logs', atMs: T0 }] },
      { time: T0 + 100, kind: 'healer', text: 'healer: worker: restart — done', links: [{ kind: 'logs', atMs: T0 + 100 }] },
      { time: T0 + 900, kind: 'start', text: 'app-worker-1 started', links: [{ kind: 'logs', atMs: T0 + 900 }] },
    ],
  };
  const entries = Array.from({ length: lines }, (_, i) => ({
    time: T0 - 60_000 + i * 120,
    line: `worker request ${i} path=/api/v1/items/${i} took=${i % 97}ms`,
    level: levels[i % 6],
  }));
  const answer = (m: unknown) => setTimeout(() => window.postMessage(m, '*'), 0);
  w.acquireVsCodeApi = () => {
    const api = real();
    return {
      ...api,
      postMessage: (m: { type: string; requestId?: number }) => {
        api.postMessage(m);
        if (m.type === 'ready') {
          (w as Record<string, unknown>).__readyAt = performance.now();
          answer({ type: 'showIncident', id: 'inc-1' });
        }
        if (m.type === 'loadIncident') answer({ type: 'incident', requestId: m.requestId, view });
        if (m.type === 'loadLogs') {
          setTimeout(() => {
            (w as Record<string, unknown>).__logsSentAt = performance.now();
          }, 0);
          answer({ type: 'incidentLogs', requestId: m.requestId, logs: { source: 'loki', sourceText: `Loki: ${lines} lines`, entries } });
        }
      },
    };
  };
}

/** One fresh page load with the stand-in: wall times, and the renderer main thread's busy time (CDP Performance metrics). */
async function once(): Promise<{ open: number; ready: number; render: number; handler: number; all: number; busy: number; script: number; layout: number }> {
  const wp = await WebviewPage.open('incident', undefined, { initScript: `(${standInExtension.toString()})(${LINES})` });
  try {
    // measured on a reload: the browser is up, the CDP session listens from the navigation on
    const cdp = await wp.page.context().newCDPSession(wp.page);
    await cdp.send('Performance.enable');
    const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const before = await metric();
    await wp.page.reload();
    const wall = await wp.page.evaluate(async (lines: number) => {
      const frame = () =>
        new Promise<number>((r) =>
          window.requestAnimationFrame(() => {
            document.querySelector('.timeline .entry').getBoundingClientRect();
            r(performance.now());
          }),
        );
      const until = (ok: () => boolean) =>
        new Promise<void>((resolve) => {
          const check = () => (ok() ? resolve() : window.requestAnimationFrame(check));
          check();
        });
      // first paint: the frame that shows the incident with its log window (performance.now() counts from navigation start)
      await until(() => document.querySelectorAll('.timeline .entry.kind-log').length > 0);
      const painted = await frame();
      const render = painted - window.__logsSentAt;
      await until(() => document.querySelectorAll('.timeline .entry.kind-log').length >= lines);
      return { open: painted, ready: window.__readyAt as number, render, handler: window.__logsHandlerMs as number, all: await frame() };
    }, LINES);
    const after = await metric();
    const ms = (name: string) => (after[name] - before[name]) * 1000;
    return { ...wall, busy: ms('TaskDuration'), script: ms('ScriptDuration'), layout: ms('LayoutDuration') + ms('RecalcStyleDuration') };
  } finally {
    await wp.close();
  }
}

/** The same browser's first contentful paint of the Logs panel's empty page: what any panel's page costs here. */
async function emptyLogsPage(): Promise<number> {
  const wp = await WebviewPage.open('logs');
  try {
    return await wp.page.evaluate(async () => {
      await new Promise((r) => window.requestAnimationFrame(() => window.requestAnimationFrame(r)));
      return performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
    });
  } finally {
    await wp.close();
  }
}

async function main(): Promise<void> {
  const runs: Array<Awaited<ReturnType<typeof once>>> = [];
  const baseline: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await once());
    baseline.push(await emptyLogsPage());
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms (min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)})`;
  };
  console.log(
    `incident-render: ${RUNS} fresh panels, each an incident with ${LINES.toLocaleString('en-US')} log lines (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
  );
  console.log(`incident-render: open (navigation start) to first paint of the incident with its log window: ${stats(runs.map((r) => r.open))} (goal ≤ 200)`);
  console.log(`incident-render: of it, the page and its bundle loaded until the webview said ready: ${stats(runs.map((r) => r.ready))}`);
  console.log(`incident-render: open to every one of the ${LINES.toLocaleString('en-US')} lines in place (painted): ${stats(runs.map((r) => r.all))}`);
  console.log(
    `incident-render: the log window's message to its first painted frame: ${stats(runs.map((r) => r.render))}; the panel's own handling of it (validate, merge, build the first rows): ${stats(runs.map((r) => r.handler))}`,
  );
  console.log(
    `incident-render: for scale, the Logs panel's empty page to its first contentful paint in the same browser: ${stats(baseline.filter((x) => Number.isFinite(x)))}`,
  );
  console.log(
    `incident-render: renderer main thread busy from navigation to all lines painted: ${stats(runs.map((r) => r.busy))}; of it script ${stats(runs.map((r) => r.script))}, style+layout ${stats(runs.map((r) => r.layout))}`,
  );
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
