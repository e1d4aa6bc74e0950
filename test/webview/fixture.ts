/**
 * What every webview test file shares: a suite's time limit and pages closed after each test,
 * log entries and nanosecond times, and "type a query and press Enter" for both panels.
 */
import type { LogEntry, LogLevel } from '../../src/shared/protocol';
import type { RunLogsQuery } from '../../src/shared/logsProtocol';
import { WebviewPage } from './webviewPage';

export { WebviewPage } from './webviewPage';

/** Sets the suite's time limit (a browser start is slow on a loaded machine) and closes every page a test opened. */
export function webviewSuite(suite: Mocha.Suite): { open: typeof WebviewPage.open } {
  suite.timeout(120_000);
  const opened: WebviewPage[] = [];
  suite.afterEach(async () => {
    for (const page of opened.splice(0)) await page.close();
  });
  return {
    open: async (...args: Parameters<typeof WebviewPage.open>) => {
      const page = await WebviewPage.open(...args);
      opened.push(page);
      return page;
    },
  };
}

/** Epoch ms → Loki's nanosecond string. */
export const ns = (ms: number): string => `${ms}000000`;

export const entry = (ms: number, line: string, level: LogLevel = 'info'): LogEntry => ({ tsNs: ns(ms), line, level });

/** Types a LogQL query, presses Enter, and returns the (first-page) request the webview posted. */
export async function runLogsQuery(wp: WebviewPage, query: string): Promise<RunLogsQuery> {
  await wp.page.getByLabel('LogQL query').fill(query);
  await wp.page.getByLabel('LogQL query').press('Enter');
  return wp.waitForPosted('runLogsQuery', (m) => m.query === query && m.cursorNs === undefined);
}

/** Types a PromQL query, presses Enter, and returns the main chart's request id. */
export async function runMetricsQuery(wp: WebviewPage, query: string): Promise<number> {
  await wp.page.getByLabel('PromQL query').fill(query);
  await wp.page.getByLabel('PromQL query').press('Enter');
  return (await wp.waitForPosted('runMetricsQuery', (m) => m.panelId === 'main' && m.query === query)).requestId;
}
