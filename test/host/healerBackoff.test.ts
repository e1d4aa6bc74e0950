/**
 * Issue 12 in the real extension host on the harness's dockerd: a crash loop of the workspace's
 * worker (PID 1 killed 4 s after each restart) is restarted after ≈0, ≈10 and ≈20 s — the Healer
 * view and the Services view say "restart in …" before each deferred restart — then the healer
 * gives up on the fourth crash. Each wait is a condition on the container or the views.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AuditEntry } from '../../src/healer/auditTrail';
import { startAppUnderHealer, stopAppUnderHealer } from './appUnderHealer';
import { realmApi, waitFor } from './helpers';
import { containerOf, docker, serviceNode, SettingsScope } from './hostSupport';

interface HealerRow extends vscode.TreeItem {
  kind?: string;
  service?: string;
  entry?: AuditEntry;
}

function healerRows(api: Awaited<ReturnType<typeof realmApi>>): { services: HealerRow[] } {
  const roots = api.healerTree.getChildren() as HealerRow[];
  const g = roots.find((r) => r.kind === 'budgets');
  return { services: g ? (api.healerTree.getChildren(g as never) as HealerRow[]) : [] };
}

describe('Healer: a crash loop backs off like an orchestrator (10 s, 20 s), then gives up', function () {
  this.timeout(300_000);
  const settings = new SettingsScope();
  let project = '';

  before(async () => {
    ({ project } = await startAppUnderHealer(settings, {
      gracePeriodSeconds: 30,
      backoffSeconds: 10,
      maxActionsPerHour: 3,
      stopTimeoutSeconds: 1,
      dryRun: false,
    }));
  });

  after(() => stopAppUnderHealer(settings, project));

  it('crash loop: restarted after ≈0, ≈10 and ≈20 s with "restart in …" shown before each deferred one, then gave up on the fourth', async () => {
    const api = await realmApi();
    const key = `${project}/worker`;
    await vscode.commands.executeCommand('realm.healer.resetBudget', key);
    const id = await containerOf(project, 'worker');
    const inspect = async () => {
      const [status, pid, started, finished] = (
        await docker('inspect', '-f', '{{.State.Status}} {{.State.Pid}} {{.State.StartedAt}} {{.State.FinishedAt}}', id)
      ).split(' ');
      return { status, pid: Number(pid), startedAt: Date.parse(started), finishedAt: Date.parse(finished) };
    };
    const delays: number[] = [];
    const issuedAfter: number[] = [];
    const shown: string[] = [];
    const issued: number[] = [];
    const sub = api.healer.onDidStartAction((e) => {
      if (e.key === key) issued.push(e.issuedAt);
    });
    for (let crash = 1; crash <= 4; crash++) {
      // each crash comes 4 s after the previous restart (a condition on the container, not a sleep)
      const running = await waitFor(
        async () => {
          const s = await inspect();
          return s.status === 'running' && Date.now() - s.startedAt >= 4_000 ? s : undefined;
        },
        `worker running for 4 s before crash ${crash}`,
        60_000,
      );
      const decided = api.audit.entries().length;
      console.log(`healer backoff: crash ${crash} of worker (up ${Date.now() - running.startedAt} ms)`);
      process.kill(running.pid, 'SIGKILL');
      if (crash === 4) break;
      if (crash > 1) {
        // the deferred restart is a visible state, in the Healer view and on the service's row
        const text = await waitFor(
          () => {
            const row = healerRows(api).services.find((s) => s.service === 'worker');
            return /^restart in \d+ s \(back-off after \d restarts?\)/.test(String(row?.description)) ? String(row?.description) : undefined;
          },
          `"restart in …" in the Healer view before restart ${crash}`,
          10_000,
        );
        shown.push(text);
        assert.match(String(serviceNode(api, project, 'worker')?.description), /restart in \d+ s \(back-off after \d restarts?\)/);
        assert.ok(
          !api.audit
            .entries()
            .slice(decided)
            .some((e) => e.service === key && e.outcome === 'skipped'),
          'nothing recorded as skipped meanwhile',
        );
      }
      const restarted = await waitFor(
        async () => {
          const s = await inspect();
          return s.status === 'running' && s.startedAt > running.startedAt ? s : undefined;
        },
        `worker restarted after crash ${crash}`,
        40_000,
      );
      delays.push(restarted.startedAt - restarted.finishedAt);
      issuedAfter.push(issued[issued.length - 1] - restarted.finishedAt);
      console.log(`healer backoff: crash ${crash} → restarted after ${restarted.startedAt - restarted.finishedAt} ms`);
    }
    sub.dispose();
    console.log(
      `healer: death → restart issued for crashes 1–3: ${issuedAfter.map((d) => `${(d / 1000).toFixed(2)} s`).join(', ')}; → running again: ${delays.map((d) => `${(d / 1000).toFixed(2)} s`).join(', ')}; shown: ${shown.join(' | ')}`,
    );
    assert.equal(issued.length, 3, 'one restart per crash');
    // the healer's decision: at once, then 10 s and 20 s after the death (the engine's start of a compose container adds its own second or two)
    assert.ok(issuedAfter[0] < 1_000, `crash 1 restarted at once (${issuedAfter[0]} ms)`);
    assert.ok(issuedAfter[1] >= 9_500 && issuedAfter[1] <= 11_500, `crash 2 restarted ≈10 s after its death (${issuedAfter[1]} ms)`);
    assert.ok(issuedAfter[2] >= 19_500 && issuedAfter[2] <= 21_500, `crash 3 restarted ≈20 s after its death (${issuedAfter[2]} ms)`);
    delays.forEach((d, i) => assert.ok(d - issuedAfter[i] < 5_000, `crash ${i + 1}: running ${d - issuedAfter[i]} ms after the restart was issued`));
    assert.match(shown[0], /back-off after 1 restart\)/);
    assert.match(shown[1], /back-off after 2 restarts\)/);
    const gaveUp = await waitFor(
      () => api.audit.entries().find((e) => e.service === key && e.reason === 'rate-limited'),
      'the healer to give up on the fourth crash',
      30_000,
    );
    assert.equal(gaveUp.trigger.kind, 'event');
    await waitFor(
      () => /^gave up/.test(String(healerRows(api).services.find((s) => s.service === 'worker')?.description)),
      'the Healer view to say "gave up"',
      15_000,
    );
    assert.equal((await inspect()).status, 'exited', 'it stays down');
    assert.equal(
      api.audit
        .entries()
        .filter((e) => e.service === key && e.outcome === 'done')
        .slice(-3).length,
      3,
    );
  });
});
