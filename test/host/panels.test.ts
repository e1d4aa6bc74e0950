/**
 * Issue 6 in the real extension host: "Realm: Open Metrics" and "Realm: Search Logs" open their
 * webview panels from the command palette. The Metrics panel gets a real result from the harness
 * Prometheus; the Logs panel, with no Loki running, shows Loki as unreachable instead of breaking
 * (test/host/ux.test.ts shows it with lines from several services).
 * What reached each webview is observed through the panels' read-only `onDidPost` event, and the
 * screenshots wait until the rendered text is on screen.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionMessage } from '../../src/shared/protocol';
import { realmApi, waitFor } from './helpers';
import { closedPort, harnessUrl, screenshotWhenVisible, SettingsScope } from './hostSupport';

/** The open editor tab of a webview panel of this view type, if any. */
function webviewTab(viewType: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

/** Collects what a panel posted to its webview until disposed. */
function recorder(event: vscode.Event<ExtensionMessage>): { messages: ExtensionMessage[]; dispose(): void } {
  const messages: ExtensionMessage[] = [];
  const sub = event((m) => messages.push(m));
  return { messages, dispose: () => sub.dispose() };
}

describe('Panels: Metrics and Logs webviews from the command palette', function () {
  this.timeout(120_000);
  const settings = new SettingsScope();

  before(async () => {
    await realmApi();
    await settings.set('realm.prometheusUrl', harnessUrl('REALM_IT_PROMETHEUS_URL'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settings.restore();
  });

  it('"Open Metrics" with `up` opens the Metrics panel and charts the harness Prometheus\' answer; a bad query shows Prometheus\' error', async () => {
    const api = await realmApi();
    const posted = recorder(api.metricsPanels.onDidPost);
    try {
      await vscode.commands.executeCommand('realm.openMetrics', 'up');
      const tab = await waitFor(() => webviewTab('realm.metrics'), 'a Metrics webview tab', 30_000);
      assert.equal(tab.label, 'Realm Metrics');
      assert.ok(tab.isActive, 'the panel is the active editor');

      const result = await waitFor(
        () => posted.messages.find((m): m is Extract<ExtensionMessage, { type: 'metricsResult' }> => m.type === 'metricsResult' && m.panelId === 'main'),
        "the query's result to reach the webview",
        30_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; posted: ${JSON.stringify(posted.messages.map((m) => m.type))}`);
      });
      assert.equal(result.query, 'up');
      assert.ok(
        posted.messages.some((m) => m.type === 'setQuery' && m.query === 'up' && m.run),
        'the argument was put in the query box and run',
      );
      const jobs = result.series.map((s) => `${s.labels.job}/${s.labels.instance}`).sort();
      assert.ok(jobs.includes('prometheus/127.0.0.1:19090'), `Prometheus' own target is charted: ${jobs.join(', ')}`);
      assert.ok(jobs.includes('arcanum/127.0.0.1:19100'), `the (down) arcanum probe is charted: ${jobs.join(', ')}`);
      assert.ok(result.times.length > 1, 'a range, not one point');
      assert.ok(
        result.series.every((s) => s.values.length === result.times.length),
        'values aligned to the time axis',
      );
      const self = result.series.find((s) => s.labels.job === 'prometheus')!;
      assert.equal(self.values.filter((v) => v !== null).at(-1), 1, 'Prometheus is up');
      assert.ok(result.stepSeconds > 0 && (result.times.at(-1)! - result.times[0]) / result.stepSeconds < 11_000, 'under the points limit');
      // the legend lists the series by their labels once uPlot has drawn them
      console.log(`screenshot: ${await screenshotWhenVisible('metrics-panel', 'arcanum-probe')}`);

      await vscode.commands.executeCommand('realm.openMetrics', 'up{');
      const error = await waitFor(
        () => posted.messages.find((m): m is Extract<ExtensionMessage, { type: 'metricsError' }> => m.type === 'metricsError' && m.panelId === 'main'),
        "Prometheus' error for a bad query",
        30_000,
      );
      assert.match(error.message, /parse error/i, "Prometheus' own message");
      assert.equal(
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('realm.metrics')).length,
        1,
        'one Metrics panel, revealed again',
      );
      console.log(`screenshot: ${await screenshotWhenVisible('metrics-panel-bad-query', 'parse error')}`);
    } finally {
      posted.dispose();
    }
  });

  it('"Search Logs" opens the Logs panel and shows Loki as unreachable instead of breaking', async () => {
    const api = await realmApi();
    const lokiUrl = `http://127.0.0.1:${await closedPort()}`; // no Loki runs here: make sure nothing answers
    await settings.set('realm.lokiUrl', lokiUrl);
    const posted = recorder(api.logsPanels.onDidPost);
    try {
      await vscode.commands.executeCommand('realm.searchLogs', '{compose_service="worker"}');
      const tab = await waitFor(() => webviewTab('realm.logs'), 'a Logs webview tab', 30_000);
      assert.equal(tab.label, 'Realm Logs');
      const error = await waitFor(
        () => posted.messages.find((m): m is Extract<ExtensionMessage, { type: 'logsError' }> => m.type === 'logsError'),
        'the Loki error to reach the webview',
        30_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; posted: ${JSON.stringify(posted.messages.map((m) => m.type))}`);
      });
      assert.match(
        error.message,
        /^Loki is not reachable at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)\. Start the stack \(Realm: Stack Up\) or point realm\.lokiUrl at a running Loki\.$/,
        'plain words and the fix, no ECONNREFUSED',
      );
      assert.ok(error.message.includes(lokiUrl), 'names the Loki URL from the settings');
      assert.ok(!posted.messages.some((m) => m.type === 'logsResult'), 'no fake result');
      console.log(`screenshot: ${await screenshotWhenVisible('logs-panel-unreachable', 'is not reachable at')}`);

      // still usable: "Show logs" on a service re-runs with its selector and answers the same way
      const before = posted.messages.length;
      await vscode.commands.executeCommand('realm.searchLogs', { service: 'web' });
      await waitFor(() => posted.messages.slice(before).some((m) => m.type === 'logsError'), 'the second query to be answered', 30_000);
      assert.ok(posted.messages.slice(before).some((m) => m.type === 'setQuery' && m.query === '{compose_service="web"}'));
      assert.equal(
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('realm.logs'))
          .length,
        1,
        'one Logs panel',
      );
    } finally {
      posted.dispose();
    }
  });
});
