/**
 * Issue 12 in the real extension host, on the harness's dockerd + Prometheus + Alertmanager:
 *  - a service the user stopped stays down when its scrape target goes down and the alert fires,
 *    with one "left alone" row; once started again, healing resumes;
 *  - an alert that keeps firing after the restart it caused is judged again at the end of the grace;
   (the crash loop's back-off is in healerBackoff.test.ts)
 * The scrape target of `web` is a small proxy on 127.0.0.1:19102 (the harness Prometheus scrapes it as
 * job `arcanum`): it answers while web's httpd answers, so stopping web takes the target down.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { UpOutcome } from '../../src/clients/composeLifecycle';
import type { AuditEntry } from '../../src/healer/auditTrail';
import { realmApi, waitFor } from './helpers';
import { appProjectName, composeDown, containerOf, describeTree, docker, harnessUrl, serviceNode, SettingsScope, showRealmViews } from './hostSupport';

const TARGET_PORT = 19102;

/** Serves /metrics while web's httpd answers (found by the container's bridge address) and `broken()` is false. */
function webTarget(project: string, broken: () => boolean = () => false): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    void (async () => {
      try {
        if (broken()) throw new Error('broken by the test: a fault a restart does not fix');
        const id = await containerOf(project, 'web');
        const ip = await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', id);
        if (!ip) throw new Error('web has no address (not running)');
        const answer = await fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(800) });
        if (!answer.ok) throw new Error(`web answered ${answer.status}`);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('arcanum_up 1\n');
      } catch (e) {
        res.writeHead(503).end(String(e));
      }
    })();
  });
  return new Promise((resolve, reject) => server.listen(TARGET_PORT, '127.0.0.1', () => resolve(server)).on('error', reject));
}

interface TargetList {
  data: { activeTargets: Array<{ scrapeUrl: string; health: string }> };
}
interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
}

async function targetHealth(prometheus: string): Promise<string | undefined> {
  const body = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as TargetList;
  return body.data.activeTargets.find((t) => t.scrapeUrl.includes(`127.0.0.1:${TARGET_PORT}/`))?.health;
}

async function targetAlertFiring(alertmanager: string): Promise<boolean> {
  const alerts = (await (await fetch(`${alertmanager}/api/v2/alerts?active=true&silenced=false&inhibited=false`)).json()) as AmAlert[];
  return alerts.some((a) => a.labels.alertname === 'ArcanumNeedsRestart' && a.labels.instance === `127.0.0.1:${TARGET_PORT}` && a.status.state === 'active');
}

interface HealerRow extends vscode.TreeItem {
  kind?: string;
  service?: string;
  entry?: AuditEntry;
}

/** The Healer view's service rows and decisions, as VS Code gets them. */
function healerRows(api: Awaited<ReturnType<typeof realmApi>>): { services: HealerRow[]; decisions: HealerRow[]; groups: HealerRow[] } {
  const roots = api.healerTree.getChildren() as HealerRow[];
  const kids = (kind: string) => {
    const g = roots.find((r) => r.kind === kind);
    return g ? (api.healerTree.getChildren(g as never) as HealerRow[]) : [];
  };
  return { services: kids('budgets'), decisions: kids('decisions'), groups: roots.filter((r) => r.kind) };
}

describe('Healer: what the user stopped stays stopped, through the real alert path', function () {
  this.timeout(300_000);
  const settings = new SettingsScope();
  let project = '';
  let server: http.Server | undefined;

  before(async () => {
    const api = await realmApi();
    await waitFor(() => api.workspaceProjects.current.some((p) => p.role === 'app'), 'the app project to be resolved');
    project = appProjectName(api);
    for (const [k, v] of Object.entries({ gracePeriodSeconds: 30, backoffSeconds: 10, maxActionsPerHour: 3, stopTimeoutSeconds: 1, dryRun: false, rules: [] }))
      await settings.set(`realm.healer.${k}`, v);
    await settings.set('realm.prometheusUrl', harnessUrl('REALM_IT_PROMETHEUS_URL'));
    await settings.set('realm.alertmanagerUrl', harnessUrl('REALM_IT_ALERTMANAGER_URL'));
    for (const s of ['web', 'worker']) await vscode.commands.executeCommand('realm.healer.resetBudget', `${project}/${s}`);
    await showRealmViews(api);
    const outcome = await vscode.commands.executeCommand<UpOutcome | undefined>('realm.appUp');
    assert.ok(outcome?.ok, `App Up: ${JSON.stringify(outcome)}`);
    await waitFor(
      () => serviceNode(api, project, 'web')?.group.status === 'healthy' && serviceNode(api, project, 'worker')?.group.status === 'running',
      'web healthy, worker running',
      60_000,
    );
  });

  after(async () => {
    await settings.restore();
    for (const s of ['web', 'worker']) await vscode.commands.executeCommand('realm.healer.resetBudget', `${project}/${s}`);
    // Prometheus keeps its scrape connection open: close it too, or close() waits for it forever
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await composeDown(project);
  });

  it('Stop Service, then its target goes down and ArcanumNeedsRestart fires: web stays down with one "left alone" row; Start Service: healing resumes', async () => {
    const api = await realmApi();
    const prometheus = harnessUrl('REALM_IT_PROMETHEUS_URL');
    const alertmanager = harnessUrl('REALM_IT_ALERTMANAGER_URL');
    server = await webTarget(project);
    await waitFor(
      async () => (await targetHealth(prometheus)) === 'up' && !(await targetAlertFiring(alertmanager)),
      "web's target up and its alert resolved",
      90_000,
    );
    // the alert on web's target restarts web (a rule of the workspace, as a user would write it)
    await settings.set('realm.healer.rules', [
      { alertname: 'ArcanumNeedsRestart', matchers: { instance: `127.0.0.1:${TARGET_PORT}` }, action: 'restart', service: 'web' },
    ]);
    const key = `${project}/web`;
    const mine = () => api.audit.entries().filter((e) => e.service === key);
    const before = mine().length;

    assert.equal(await vscode.commands.executeCommand('realm.stopService', { project, service: 'web' }), true);
    await waitFor(() => serviceNode(api, project, 'web')?.group.status === 'exited', 'web exited in the tree', 30_000);
    await waitFor(async () => (await targetHealth(prometheus)) === 'down', "web's target down in Prometheus", 30_000);
    await waitFor(
      () =>
        api.alertStore.snapshot.alerts.some(
          (a) => a.state === 'firing' && a.labels.alertname === 'ArcanumNeedsRestart' && a.labels.instance === `127.0.0.1:${TARGET_PORT}`,
        ),
      "ArcanumNeedsRestart firing for web's target in the Alerts view",
      60_000,
    );
    const seen = api.alertStore.snapshot.lastSuccessAt ?? 0;
    await waitFor(() => (api.alertStore.snapshot.lastSuccessAt ?? 0) > seen + 3_000 && api.healer.isIdle(), 'a few more alert polls, the healer idle', 30_000);

    assert.equal(await docker('inspect', '-f', '{{.State.Status}}', await containerOf(project, 'web')), 'exited', 'web stays down');
    const rows = mine().slice(before);
    assert.deepEqual(
      rows.map((e) => e.reason ?? e.outcome),
      ['user-stopped'],
      `one "left alone" row: ${rows.map((e) => e.detail).join(' | ')}`,
    );
    const view = healerRows(api);
    const decision = view.decisions.find((d) => d.entry?.id === rows[0].id);
    assert.ok(decision, 'the row is in the Healer view');
    assert.equal(decision.label, 'web: restart — left alone');
    assert.match(String(decision.description), /^stopped by the user at \d\d:\d\d · \d+s ago$/);
    assert.match(
      String(view.services.find((s) => s.service === 'web')?.description),
      /^left alone: stopped by the user at (\d{4}-\d\d-\d\d )?\d\d:\d\d · 0\/3 this hour$/,
    );
    assert.match(String(serviceNode(api, project, 'web')?.description), /· left alone: stopped by the user at (\d{4}-\d\d-\d\d )?\d\d:\d\d$/);

    // started again, by the user: healing resumes — the next crash is restarted
    assert.equal(await vscode.commands.executeCommand('realm.startService', { project, service: 'web' }), true);
    await waitFor(
      () => !/left alone/.test(String(serviceNode(api, project, 'web')?.description)) && serviceNode(api, project, 'web')?.group.status !== 'exited',
      'web started, no longer left alone',
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    const id = await containerOf(project, 'web');
    await waitFor(async () => (await docker('inspect', '-f', '{{.State.Running}} {{.State.Pid}}', id)).startsWith('true '), 'web running');
    process.kill(Number(await docker('inspect', '-f', '{{.State.Pid}}', id)), 'SIGKILL');
    const healed = await waitFor(() => mine().find((e) => e.outcome === 'done' && e.trigger.kind === 'event'), 'the healer to restart the crashed web', 30_000);
    assert.equal(healed.action, 'restart');
    await waitFor(() => serviceNode(api, project, 'web')?.group.status === 'healthy', 'web healthy again', 60_000);
    await settings.set('realm.healer.rules', []);
  });

  it('an alert that keeps firing after the restart it caused is judged again when the grace ends: restarted again, up to the budget', async () => {
    const api = await realmApi();
    const prometheus = harnessUrl('REALM_IT_PROMETHEUS_URL');
    const alertmanager = harnessUrl('REALM_IT_ALERTMANAGER_URL');
    let broken = false;
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = await webTarget(project, () => broken);
    await waitFor(
      async () => (await targetHealth(prometheus)) === 'up' && !(await targetAlertFiring(alertmanager)),
      "web's target up and its alert resolved",
      90_000,
    );
    const key = `${project}/web`;
    await vscode.commands.executeCommand('realm.healer.resetBudget', key);
    for (const [k, v] of Object.entries({ gracePeriodSeconds: 5, backoffSeconds: 2 })) await settings.set(`realm.healer.${k}`, v);
    await settings.set('realm.healer.rules', [
      { alertname: 'ArcanumNeedsRestart', matchers: { instance: `127.0.0.1:${TARGET_PORT}` }, action: 'restart', service: 'web' },
    ]);
    const since = Date.now();
    const mine = () => api.audit.entries().filter((e) => e.service === key && e.time >= since);
    const alertRestarts = () => mine().filter((e) => e.outcome === 'done' && e.trigger.kind === 'alert');

    // a fault no restart fixes: the target stays down, the alert keeps firing as it is (no change in the Alerts view)
    broken = true;
    await waitFor(() => alertRestarts().length >= 1, 'the first alert-driven restart of web', 90_000);
    const first = alertRestarts()[0];
    // the wait is shown where the service is, with its countdown
    const waitShown = await waitFor(
      () => healerRows(api).services.find((s) => s.service === 'web' && /ArcanumNeedsRestart still firing: judged again in \d+ s/.test(String(s.description))),
      'the Healer view to show the wait for the alert to be judged again',
      10_000,
    );
    assert.match(String(waitShown.description), /judged again in [1-5] s/);
    await waitFor(() => alertRestarts().length >= 3, 'two more restarts, each after the grace, the alert unchanged', 120_000).catch((e: Error) => {
      throw new Error(
        `${e.message}; decisions: ${mine()
          .map((d) => `${d.outcome}:${d.reason ?? ''}:${d.detail ?? ''}`)
          .join(' | ')}`,
      );
    });
    const [, second, third] = alertRestarts();
    // entries are dated when a restart ends, the grace runs from its start: allow for a restart's own second
    assert.ok(second.time - first.time >= 4_000, `the second restart waited out the 5 s grace (${second.time - first.time} ms)`);
    assert.ok(third.time - second.time >= 4_000, `so did the third (${third.time - second.time} ms)`);
    await waitFor(() => mine().some((e) => e.reason === 'rate-limited'), 'the budget spent: a "gave up" row', 60_000);
    const after = alertRestarts().length;
    const seen = api.alertStore.snapshot.lastSuccessAt ?? 0;
    await waitFor(() => (api.alertStore.snapshot.lastSuccessAt ?? 0) > seen + 8_000, 'more alert polls', 30_000);
    assert.equal(alertRestarts().length, after, 'nothing past the budget');
    broken = false;
    await settings.set('realm.healer.rules', []);
    await vscode.commands.executeCommand('realm.healer.resetBudget', key);
    await waitFor(() => serviceNode(api, project, 'web')?.group.status === 'healthy', 'web healthy', 60_000);
  });
});
