/**
 * Issue 15 in the real extension host, on the harness's dockerd + Prometheus + Alertmanager (a Loki
 * fake for the log window): a crash with its lines, the healer's restart and the recovery; an OOM
 * kill shown as the reason; an alert that joins a crash's incident and whose resolution closes it;
 * the Incident panel (screenshot) and the exported post-mortem, where hostile log text stays inert.
 * The containers carry the app project's compose labels, as `compose up` would give them.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Incident } from '../../src/core/incidents';
import type { IncidentReply, IncidentToWebview } from '../../src/shared/incidentProtocol';
import { FakeLoki } from '../fakes/lokiFake';
import { realmApi, waitFor } from './helpers';
import { appProjectName, describeTree, docker, harnessUrl, runService, screenshotWhenVisible, serviceNode, SettingsScope, showRealmViews } from './hostSupport';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (opts?: { html?: boolean }) => { render(md: string): string };

const HOSTILE = 'Error: ECONNREFUSED db:5432 <img src=x onerror=alert(1)> **bold** [click](javascript:alert(1))';
const SETTLE_WAIT_MS = 120_000;

/** Renders the post-mortem as VS Code's Markdown preview does and checks nothing from the log became markup. */
function assertInert(md: string): void {
  const html = new MarkdownIt({ html: true }).render(md);
  assert.ok(!/<img/i.test(html) && !/href="javascript/i.test(html) && !/<strong>bold/.test(html), `hostile text became markup:\n${html}`);
}

describe('Incidents: crash, OOM and alert on the real engine, the Incident panel and the post-mortem', function () {
  this.timeout(420_000);
  const settings = new SettingsScope();
  const loki = new FakeLoki();
  let project = '';
  const created: string[] = [];

  before(async () => {
    const api = await realmApi();
    await waitFor(() => api.workspaceProjects.current.some((p) => p.role === 'app') && api.workspaceProjects.resolved, 'the app project to be resolved');
    project = appProjectName(api);
    for (const [k, v] of Object.entries({ gracePeriodSeconds: 0, backoffSeconds: 0, stopTimeoutSeconds: 1, dryRun: false, rules: [] }))
      await settings.set(`realm.healer.${k}`, v);
    await settings.set('realm.prometheusUrl', harnessUrl('REALM_IT_PROMETHEUS_URL'));
    await settings.set('realm.alertmanagerUrl', harnessUrl('REALM_IT_ALERTMANAGER_URL'));
    await loki.start();
    await settings.set('realm.lokiUrl', loki.url);
    await showRealmViews(api);
  });

  after(async () => {
    await settings.restore();
    await loki.stop();
    for (const s of created) await docker('rm', '-f', `${project}-${s}-1`).catch(() => undefined);
  });

  /** The incident of `service` opened after `since`. */
  const incidentOf = (api: Awaited<ReturnType<typeof realmApi>>, service: string, since: number) => () =>
    [...api.incidents.all()].reverse().find((i) => i.key === `${project}/${service}` && i.openedAt >= since);

  it("a service that exits with an error after printing lines: one incident with the die, exit code, its lines, the healer's restart and the recovery; the panel and the post-mortem show it", async () => {
    const api = await realmApi();
    const key = `${project}/crasher`;
    await vscode.commands.executeCommand('realm.healer.resetBudget', key);
    const since = Date.now();
    // Loki's window: what the service logged before it died (the Logs panel's levels: one error)
    loki.ingest({ compose_project: project, compose_service: 'crasher', container: `${project}-crasher-1` }, [
      [`${since - 20_000}000000`, 'level=info msg="connecting to db:5432"'],
      [`${since - 10_000}000000`, `level=error ${HOSTILE}`],
    ]);
    const posted: IncidentToWebview[] = [];
    const sub = api.incidentPanels.onDidPost((m) => posted.push(m));
    try {
      created.push('crasher');
      // the first run prints and fails; the healer's restart finds the marker and stays up
      await runService(
        project,
        'crasher',
        [],
        `if [ -f /tmp/ran ]; then echo recovered; exec sleep 100000; fi; touch /tmp/ran; echo 'starting crasher'; echo '${HOSTILE}'; sleep 3; exit 1`,
      );
      const incident: Incident = await waitFor(incidentOf(api, 'crasher', since), "the crash's incident", 30_000);
      assert.equal(incident.cause, 'crash');
      assert.equal(incident.exitCode, 1);
      await waitFor(() => incident.logLines?.some((l) => l.includes('ECONNREFUSED')), "the dead container's last lines");
      const healed = await waitFor(
        () => incident.timeline.find((t) => t.kind === 'healer' && t.outcome === 'done'),
        "the healer's restart on the timeline",
        30_000,
      );
      assert.match(healed.text, /restart/);

      const id = await vscode.commands.executeCommand<string>('realm.showIncident', incident.id);
      assert.equal(id, incident.id);
      const view = await waitFor(
        () => posted.find((m): m is Extract<IncidentReply, { type: 'incident' }> => m.type === 'incident' && m.view?.id === incident.id)?.view,
        "the panel's view",
        30_000,
      );
      assert.equal(view.entries[0].kind, 'die');
      assert.match(view.reason ?? '', /^exit 1 after [2-5]s; last line: `Error: ECONNREFUSED db:5432/);
      const logs = await waitFor(
        () => posted.find((m): m is Extract<IncidentReply, { type: 'incidentLogs' }> => m.type === 'incidentLogs')?.logs,
        'the log window',
        30_000,
      );
      assert.equal(logs.source, 'loki');
      // the service's own lines (the healer's decisions, which it also sends to Loki under the service's labels, may follow)
      assert.deepEqual(
        logs.entries.slice(0, 2).map((e) => [e.level, e.line]),
        [
          ['info', 'level=info msg="connecting to db:5432"'],
          ['error', `level=error ${HOSTILE}`],
        ],
      );

      await waitFor(() => incident.closedAt !== undefined, 'the recovery to close the incident (60 s healthy)', SETTLE_WAIT_MS);
      const kinds = incident.timeline.map((t) => t.kind);
      for (const k of ['die', 'healer', 'start', 'recovering', 'closed'] as const) assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`);
      assert.equal(api.incidents.all().filter((i) => i.key === key && i.openedAt >= since).length, 1, 'one incident');
      assert.equal(incident.fixedBy, "the healer's restart");
      // the panel follows the store: the closed incident, its log window beside the events
      await waitFor(() => posted.some((m) => m.type === 'incident' && m.view?.closedAt !== undefined), 'the panel to show the recovery', 30_000);
      await vscode.commands.executeCommand('notifications.clearAll');
      console.log(`screenshot: ${await screenshotWhenVisible('incident-panel', 'recovered in')}`);

      const doc = await vscode.commands.executeCommand<vscode.TextDocument>('realm.exportPostMortem', incident.id);
      const md = doc.getText();
      assert.match(md, /\| Crash \| exit 1 after [2-5]s \|/);
      assert.ok(md.includes(`${HOSTILE}\n`), 'the log line verbatim inside its fence');
      assert.match(md, /\| What fixed it \| the healer's restart \|/);
      assert.match(md, /\| [^|]+ \| healer \| healer: /);
      assertInert(md);
      console.log(`post-mortem:\n${md}`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      sub.dispose();
    }
  });

  it('a container with a small memory limit that allocates past it: OOM-killed at 8 MiB is the reason on the Services row and in the post-mortem', async () => {
    const api = await realmApi();
    const since = Date.now();
    created.push('hog');
    // healing off for it (the compose label), so the row keeps showing the death
    await runService(project, 'hog', ['-m', '8m', '--memory-swap', '8m', '--label', 'realm.heal=false'], 'echo allocating past 8 MiB; exec tail /dev/zero');
    const incident = await waitFor(incidentOf(api, 'hog', since), "the OOM kill's incident", 30_000);
    await waitFor(() => incident.oomKilled && incident.memoryLimitBytes, "the engine's OOMKilled flag and the limit", 15_000);
    assert.equal(incident.exitCode, 137);
    assert.equal(incident.memoryLimitBytes, 8 * 1024 * 1024);
    await waitFor(
      () => /^crashed: OOM-killed at 8\.0 MiB/.test(String(serviceNode(api, project, 'hog')?.description)),
      'the Services row to say why',
      15_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('realm.exportPostMortem', incident.id);
    // a second export in this window (the crash's came first): its own document, named for the incident
    assert.match(doc.uri.path, /\/post-mortem-hog-\d{8}\d{4}\.md$/);
    assert.match(doc.getText(), /^# Post-mortem: hog/);
    assert.match(doc.getText(), /\| Reason \| OOM\\-killed at 8\\\.0 MiB \|/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('an alert firing for a crashed service joins its incident, and its resolution (with the service back) closes it', async () => {
    const api = await realmApi();
    const prometheus = harnessUrl('REALM_IT_PROMETHEUS_URL');
    const since = Date.now();
    created.push('arcanum');
    // the harness Prometheus scrapes 127.0.0.1:19102 as job arcanum, labelled service=arcanum; healing off: the alert must join while it is down
    const id = await runService(
      project,
      'arcanum',
      ['-p', '127.0.0.1:19102:8080', '--label', 'realm.heal=false'],
      'echo "arcanum_up 1" > /www/metrics && exec httpd -f -p 8080 -h /www',
    );
    const targetUp = async (up: boolean) => {
      const body = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ scrapeUrl: string; health: string }> } };
      return body.data.activeTargets.some((t) => t.scrapeUrl.includes('127.0.0.1:19102') && t.health === (up ? 'up' : 'down'));
    };
    const firing = () =>
      api.alertStore.snapshot.alerts.some((a) => a.state === 'firing' && a.labels.alertname === 'ArcanumNeedsRestart' && a.labels.service === 'arcanum');
    await waitFor(async () => (await targetUp(true)) && !firing(), "arcanum's target up and its alert resolved", 90_000);
    // a crash: PID 1 killed from the host (no `kill` event, as with a real crash)
    process.kill(Number(await docker('inspect', '-f', '{{.State.Pid}}', id)), 'SIGKILL');
    const incident = await waitFor(incidentOf(api, 'arcanum', since), "the crash's incident", 30_000);
    assert.equal(incident.cause, 'crash');
    await waitFor(() => incident.alerts.some((a) => a.name === 'ArcanumNeedsRestart'), 'ArcanumNeedsRestart to join the incident', 60_000);
    assert.ok(incident.timeline.some((t) => t.kind === 'alert-firing'));
    assert.equal(api.incidents.all().filter((i) => i.key === `${project}/arcanum` && i.openedAt >= since).length, 1, 'the alert joined: one incident');
    await docker('start', id);
    await waitFor(() => incident.timeline.some((t) => t.kind === 'alert-resolved'), "the alert's resolution on the timeline", 60_000);
    await waitFor(() => incident.closedAt !== undefined, 'the incident to close (healthy 60 s, alert resolved)', SETTLE_WAIT_MS);
    assert.deepEqual(incident.firing, []);
    // the panel charts the alert's source query over the incident's window
    const posted: IncidentToWebview[] = [];
    const sub = api.incidentPanels.onDidPost((m) => posted.push(m));
    try {
      await vscode.commands.executeCommand('realm.showIncident', incident.id);
      const chart = await waitFor(
        () => posted.find((m): m is Extract<IncidentReply, { type: 'incidentChart' }> => m.type === 'incidentChart' && m.chart === 0),
        "the alert query's chart",
        30_000,
      );
      assert.equal(chart.error, undefined);
      assert.ok(chart.series.length >= 1 && chart.series[0].values.some((v) => v === 0), "the target's down samples over the window");
      await vscode.commands.executeCommand('notifications.clearAll');
      console.log(`screenshot: ${await screenshotWhenVisible('incident-alert', 'Alert ArcanumNeedsRestart: its query')}`);
    } finally {
      sub.dispose();
    }
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('realm.exportPostMortem', incident.id);
    const md = doc.getText();
    assert.match(md, /### ArcanumNeedsRestart/);
    assert.ok(md.includes('```promql\nup{job="arcanum"} == 0\n```'), md);
    assert.match(md, /- Resolved: \d{4}-/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
