/**
 * Issue 5 in the real extension host: "Realm: Heal Now" runs one pass over the workspace project.
 * A container killed through the API (`docker kill`) is someone's intent, so the background healer
 * leaves it exited and says so once ("left alone"); Heal Now is what restarts it, and the Healer view
 * shows the decision in the one wording (issue 12).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RealmApi } from '../../src/extension';
import type { AuditEntry } from '../../src/healer/auditTrail';
import type { PlanStep } from '../../src/healer/healer';
import { startAppUnderHealer, stopAppUnderHealer } from './appUnderHealer';
import { realmApi, waitFor } from './helpers';
import { describeTree, docker, screenshotWhenVisible, serviceNode, SettingsScope } from './hostSupport';

interface HealerNodeShape extends vscode.TreeItem {
  kind?: 'budgets' | 'decisions';
  entry?: AuditEntry;
  service?: string;
}

/** The Healer view as the tree provider hands it to VS Code: mode, budgets, decisions. */
function healerView(api: RealmApi): { mode: HealerNodeShape; budgets: HealerNodeShape[]; decisions: HealerNodeShape[] } {
  const roots = api.healerTree.getChildren() as HealerNodeShape[];
  const group = (kind: string) => roots.find((r) => r.kind === kind);
  const children = (kind: string) => {
    const g = group(kind);
    return g ? (api.healerTree.getChildren(g as never) as HealerNodeShape[]) : [];
  };
  return { mode: roots[0], budgets: children('budgets'), decisions: children('decisions') };
}

describe('Healer: Heal Now from the command palette restarts an exited service and the Healer view shows it', function () {
  this.timeout(240_000);
  const settings = new SettingsScope();
  let project = '';
  let key = '';

  before(async () => {
    // a second pass right after the first is judged on its own merits, not held back by grace/backoff
    ({ project } = await startAppUnderHealer(settings, { gracePeriodSeconds: 0, backoffSeconds: 0, stopTimeoutSeconds: 1, dryRun: false }));
    key = `${project}/worker`;
  });

  after(() => stopAppUnderHealer(settings, project));

  /** Kills the worker through the engine API, waits until the tree shows it stopped and the healer said it leaves it alone. */
  async function killWorker(api: RealmApi): Promise<string> {
    const id = (await waitFor(() => serviceNode(api, project, 'worker')?.group.containers[0], 'the worker container', 30_000)).id;
    const killedAt = Date.now();
    await docker('kill', id);
    await waitFor(() => serviceNode(api, project, 'worker')?.group.status === 'exited', 'worker to show as exited', 15_000).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    // a kill through the API is one "left alone" row, not silence
    const row = await waitFor(
      () => healerView(api).decisions.find((d) => d.entry && d.entry.service === key && d.entry.reason === 'user-stopped' && d.entry.time >= killedAt - 1_000),
      'the "left alone" row',
      15_000,
    );
    assert.equal(row.label, 'worker: restart — left alone');
    // a kill is someone's stop: it reads "stopped", not like a crash
    assert.match(String(serviceNode(api, project, 'worker')?.description), /^stopped · left alone: stopped by the user at (\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    return id;
  }

  it('restarts the killed worker in one pass and records "worker: restart — done"', async () => {
    const api = await realmApi();
    const id = await killWorker(api);
    // the background healer treats an API kill as intent: still exited when we ask
    assert.equal(await docker('inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id), 'exited 137');

    const t0 = Date.now();
    const pass = await vscode.commands.executeCommand<{ plan: PlanStep[]; results: AuditEntry[] }>('realm.healNow', { confirm: false });
    assert.ok(pass, 'Heal Now returned its pass');
    const step = pass.plan.find((s) => s.target?.service === 'worker');
    assert.ok(step, `the plan has a step for worker: ${JSON.stringify(pass.plan.map((s) => [s.action, s.target, s.decision.verdict]))}`);
    assert.equal(step.action, 'restart');
    assert.equal(step.decision.verdict, 'act');
    const done = pass.results.find((r) => r.service === key);
    assert.ok(done, `a result for ${key}: ${JSON.stringify(pass.results)}`);
    assert.equal(done.outcome, 'done', JSON.stringify(done));
    assert.equal(done.action, 'restart');
    assert.equal(done.trigger.kind, 'manual');
    assert.ok(!pass.plan.some((s) => s.target?.service === 'web'), 'the healthy web service is not in the plan');

    await waitFor(() => serviceNode(api, project, 'worker')?.group.status === 'running', 'worker running again in the Services tree', 30_000).catch(
      (e: Error) => {
        throw new Error(`${e.message}; ${describeTree(api)}`);
      },
    );
    console.log(`healer: Heal Now → worker running again in ${Date.now() - t0} ms`);
    assert.equal(await docker('inspect', '-f', '{{.State.Status}}', id), 'running', 'the same container was restarted');

    await vscode.commands.executeCommand('realm.healer.focus');
    const view = await waitFor(
      () => {
        const v = healerView(api);
        return v.decisions.some((d) => d.entry?.id === done.id) ? v : undefined;
      },
      'the decision in the Healer view',
      15_000,
    );
    assert.equal(view.mode.label, 'Healing on');
    const decision = view.decisions[0];
    assert.equal(decision.entry?.id, done.id, 'newest decision first');
    assert.equal(decision.label, 'worker: restart — done');
    assert.match(String(decision.description), new RegExp(`^asked by the user; restarted ${project}[-_]worker[-_]1 · \\d+s ago$`));
    assert.equal(decision.contextValue, 'realm.healer.decision;done;');
    const budget = view.budgets.find((b) => b.service === 'worker');
    assert.ok(budget, 'worker has a budget line');
    assert.match(String(budget.description), /^1\/3 this hour/);
    console.log(`screenshot: ${await screenshotWhenVisible('healer-view', 'worker: restart — done')}`);
  });

  it('in dry run, records the decision and leaves the container exited', async () => {
    const api = await realmApi();
    await settings.set('realm.healer.dryRun', true);
    await waitFor(() => healerView(api).mode.label === 'Healing: dry run (decides, does nothing)', 'the Healer view to show dry run', 10_000);
    const id = await killWorker(api);
    const pass = await vscode.commands.executeCommand<{ plan: PlanStep[]; results: AuditEntry[] }>('realm.healNow', { confirm: false });
    const skipped = pass?.results.find((r) => r.service === key);
    assert.ok(skipped, `a result for ${key}: ${JSON.stringify(pass)}`);
    assert.equal(skipped.outcome, 'skipped');
    assert.equal(skipped.reason, 'dry-run');
    assert.equal(await docker('inspect', '-f', '{{.State.Status}}', id), 'exited', 'dry run does nothing');
    const view = await waitFor(
      () => {
        const v = healerView(api);
        return v.decisions[0]?.entry?.id === skipped.id ? v : undefined;
      },
      'the dry-run decision in the Healer view',
      15_000,
    );
    assert.equal(view.decisions[0].label, 'worker: restart — skipped');
    assert.match(String(view.decisions[0].description), /^would restart worker · \d+s ago$/);
    // the service's row says what the healer does about it first, then the budget
    assert.match(
      String(view.budgets.find((b) => b.service === 'worker')?.description),
      /^left alone: stopped by the user at (\d{4}-\d\d-\d\d )?\d\d:\d\d · 1\/3 this hour/,
      'a dry run spends no budget',
    );
    await vscode.commands.executeCommand('realm.healer.focus');
    console.log(`screenshot: ${await screenshotWhenVisible('healer-dry-run', 'worker: restart — skipped')}`);
  });
});
