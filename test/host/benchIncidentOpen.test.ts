/**
 * Figures for bench/incident-open.js (runs only when named: REALM_HOST_SUITE=benchIncidentOpen), in
 * the real workbench (code-server, headless Chromium): from the Show Incident command to the first of
 * the incident's 1,000 log lines visible in its webview, as the runner's page sees it; and, for scale,
 * from the Search Logs command to the empty Logs panel's "Live tail" button. Both include VS Code's own
 * webview start-up (the frame, its service worker, loading the bundle through the extension host).
 * Needs the harness's dockerd (a crash opens the incident) and a Loki fake serving the log window.
 */
import * as vscode from 'vscode';
import type { Incident } from '../../src/core/incidents';
import { FakeLoki } from '../fakes/lokiFake';
import { realmApi, waitFor } from './helpers';
import { appProjectName, docker, runService, SettingsScope, visibleAt } from './hostSupport';

const RUNS = Number(process.env.REALM_BENCH_RUNS ?? 7);
const LINES = 1_000;
const FIRST_LINE = 'bench-open line 0000 ';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const figures = (xs: number[]) => `median ${median(xs)} ms (min ${Math.min(...xs)}, max ${Math.max(...xs)}; ${xs.join(', ')})`;

/** Ms from running `command` to `text` visible; the editors are closed first and the text gone. */
async function timeToVisible(text: string, command: string, ...args: unknown[]): Promise<number> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await visibleAt(text, { gone: true });
  const t0 = Date.now();
  const seen = visibleAt(text);
  await vscode.commands.executeCommand(command, ...args);
  return (await seen) - t0;
}

describe('bench: opening the Incident panel in the real workbench', function () {
  this.timeout(600_000);
  const settings = new SettingsScope();
  const loki = new FakeLoki();
  let project = '';

  before(async () => {
    const api = await realmApi();
    await waitFor(() => api.workspaceProjects.current.some((p) => p.role === 'app') && api.workspaceProjects.resolved, 'the app project to be resolved');
    project = appProjectName(api);
    await loki.start();
    await settings.set('realm.lokiUrl', loki.url);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settings.restore();
    await loki.stop();
    await docker('rm', '-f', `${project}-benchcrash-1`).catch(() => undefined);
  });

  it(`prints the time from Show Incident to the first of ${LINES} log lines visible, and the empty Logs panel's for scale`, async () => {
    const api = await realmApi();
    const since = Date.now();
    // the log window: 1,000 lines in the 100 s before the crash, each with its own number
    loki.ingest(
      { compose_project: project, compose_service: 'benchcrash', container: `${project}-benchcrash-1` },
      Array.from({ length: LINES }, (_, i): [string, string] => [
        `${since - 100_000 + i * 100}000000`,
        `bench-open line ${String(i).padStart(4, '0')} level=${i % 7 === 0 ? 'warn' : 'info'} path=/api/v1/items/${i}`,
      ]),
    );
    // healing off (the label): the crash opens the incident and nothing restarts it
    await runService(project, 'benchcrash', ['--label', 'realm.heal=false'], 'echo about to fail; sleep 1; exit 1');
    const incident: Incident = await waitFor(
      () => [...api.incidents.all()].reverse().find((i) => i.key === `${project}/benchcrash` && i.openedAt >= since),
      "the crash's incident",
      30_000,
    );
    const incidentOpens: number[] = [];
    const logsOpens: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      incidentOpens.push(await timeToVisible(FIRST_LINE, 'realm.showIncident', incident.id));
      logsOpens.push(await timeToVisible('Live tail', 'realm.searchLogs'));
    }
    console.log(`bench-incident-open: Show Incident → the first of ${LINES} log lines visible: ${figures(incidentOpens)}`);
    console.log(`bench-incident-open: Search Logs → the empty Logs panel's "Live tail" visible: ${figures(logsOpens)}`);
  });
});
