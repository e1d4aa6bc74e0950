/**
 * Issue 7, in the real extension host: the window reloads in the middle of a healing sequence, and
 * no action is lost from the audit trail and the budget is intact.
 *
 * Runs only in the two-phase run `node test/infra/runHostTests.js --reload` (index.ts skips reload*
 * files otherwise). The runner passes REALM_TEST_RELOAD_STATE, a JSON file that outlives the window:
 *  - phase 1 (no file yet): a crashed worker is healed (done); then web's processes are frozen
 *    (SIGSTOP from the host, so its health check fails and a stop takes the whole stop timeout) and
 *    the healer's restart of web is in flight. The trail and budgets it saw go into the file, then
 *    `workbench.action.reloadWindow` ends this extension host; the reload runs this suite again.
 *  - phase 2 (file says phase 1): the same workspace state, read by a new extension host.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RealmApi } from '../../src/extension';
import type { AuditEntry } from '../../src/healer/auditTrail';
import type { ServiceHealState } from '../../src/healer/healer';
import { realmApi, waitFor } from './helpers';
import { appProjectName, composeDown, containerOf, describeTree, docker, serviceNode, showRealmViews } from './hostSupport';

/** What phase 1 saw, for phase 2 to compare against (and the settings to put back). */
interface ReloadState {
  phase: 1 | 2;
  project: string;
  /** The user settings phase 1 changed, with their previous global values (null: unset). */
  savedSettings: Record<string, unknown>;
  /** The audit trail as it was just before the reload. */
  entries: AuditEntry[];
  /** The budgets just before the reload (web's restart counted, in flight). */
  budgets: Pick<ServiceHealState, 'key' | 'budget' | 'inFlight'>[];
  /** Host PIDs of web's processes frozen with SIGSTOP. */
  frozen: number[];
  webId: string;
}

const STATE_FILE = process.env.REALM_TEST_RELOAD_STATE ?? '';
const readState = (): ReloadState | undefined =>
  STATE_FILE && fs.existsSync(STATE_FILE) ? (JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as ReloadState) : undefined;
const writeState = (s: ReloadState) => fs.writeFileSync(STATE_FILE, JSON.stringify(s, null, 2));

// The healer's settings for this run: no grace or backoff between actions, a stop timeout long enough
// that a restart of a frozen container is still running when the window reloads, and a budget of two.
const SETTINGS: Record<string, unknown> = {
  'realm.healer.enabled': true,
  'realm.healer.dryRun': false,
  'realm.healer.gracePeriodSeconds': 0,
  'realm.healer.backoffSeconds': 0,
  'realm.healer.stopTimeoutSeconds': 40,
  'realm.healer.maxActionsPerHour': 2,
};

function split(key: string): [string, string] {
  const dot = key.lastIndexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

async function applySettings(): Promise<Record<string, unknown>> {
  const saved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(SETTINGS)) {
    const [section, name] = split(key);
    const config = vscode.workspace.getConfiguration(section);
    saved[key] = config.inspect(name)?.globalValue ?? null;
    await config.update(name, value, vscode.ConfigurationTarget.Global);
  }
  return saved;
}

async function restoreSettings(saved: Record<string, unknown>): Promise<void> {
  for (const [key, value] of Object.entries(saved)) {
    const [section, name] = split(key);
    await vscode.workspace.getConfiguration(section).update(name, value ?? undefined, vscode.ConfigurationTarget.Global);
  }
}

/** A crash, not a stop: SIGKILL to the container's init from the host (no `kill` event, so the healer acts). */
async function crash(id: string): Promise<void> {
  process.kill(Number(await docker('inspect', '-f', '{{.State.Pid}}', id)), 'SIGKILL');
}

/** Host PIDs of every process of a container. */
async function hostPids(id: string): Promise<number[]> {
  const out = await docker('top', id, '-o', 'pid');
  return out
    .split('\n')
    .slice(1)
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

const budgetOf = (api: RealmApi, key: string) => api.healer.serviceStates().find((s) => s.key === key);
const acted = (entries: readonly AuditEntry[], key: string) => entries.filter((e) => e.service === key && e.outcome !== 'skipped');
const isInterrupted = (e: AuditEntry) => e.outcome === 'failed' && /^interrupted: .*outcome is unknown/.test(e.detail ?? '');

const previous = readState();

describe('Healer: a window reload in the middle of a healing sequence (real extension host)', function () {
  this.timeout(300_000);

  before(() => {
    assert.ok(STATE_FILE, 'REALM_TEST_RELOAD_STATE is not set: run through `node test/infra/runHostTests.js --reload`');
  });

  if (!previous) {
    describe('phase 1, before the reload', () => {
      let state: ReloadState | undefined;
      let reloading = false;

      after(async () => {
        // reached only when phase 1 failed before it reloaded the window: clean up here
        if (reloading || !state) return;
        signalAll(state.frozen, 'SIGCONT');
        await restoreSettings(state.savedSettings);
        await composeDown(state.project);
      });

      it('heals a crashed worker, starts a slow restart of web, and reloads the window while it is in flight', async () => {
        const api = await realmApi();
        await waitFor(() => api.workspaceProjects.current.some((p) => p.role === 'app'), 'the app project to be resolved');
        const project = appProjectName(api);
        state = { phase: 1, project, savedSettings: {}, entries: [], budgets: [], frozen: [], webId: '' };
        state.savedSettings = await applySettings();
        await showRealmViews(api);
        await api.healer.resetBudget();
        const outcome = await vscode.commands.executeCommand<{ ok?: boolean } | undefined>('realm.appUp');
        assert.ok(outcome?.ok, `App Up: ${JSON.stringify(outcome)}`);
        await waitFor(
          () => serviceNode(api, project, 'web')?.group.status === 'healthy' && serviceNode(api, project, 'worker')?.group.status === 'running',
          'web healthy and worker running',
          90_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; ${describeTree(api)}`);
        });

        // 1. the worker crashes; the background healer restarts it
        const worker = await containerOf(project, 'worker');
        await crash(worker);
        const healed = await waitFor(
          () => api.audit.entries().find((e) => e.service === `${project}/worker` && e.outcome === 'done'),
          'the healer to restart the crashed worker',
          60_000,
        );
        assert.equal(healed.action, 'restart');
        assert.equal(healed.trigger.kind, 'event');

        // 2. web freezes: its health check fails, and stopping it takes the whole stop timeout
        state.webId = await containerOf(project, 'web');
        state.frozen = await hostPids(state.webId);
        assert.ok(state.frozen.length >= 1, 'web has processes');
        signalAll(state.frozen, 'SIGSTOP');
        const webKey = `${project}/web`;
        const inFlight = await waitFor(
          () => {
            const s = budgetOf(api, webKey);
            return s?.inFlight && s.budget.used === 1 ? s : undefined;
          },
          "the healer's restart of the unhealthy web to be in flight",
          90_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; ${describeTree(api)}; trail ${JSON.stringify(api.audit.entries())}`);
        });
        assert.equal(await docker('inspect', '-f', '{{.State.Status}}', state.webId), 'running', 'the restart has not finished: web is still being stopped');

        state.entries = api.audit.entries().map((e) => ({ ...e }));
        state.budgets = api.healer.serviceStates().map((s) => ({ key: s.key, budget: s.budget, inFlight: s.inFlight }));
        assert.deepEqual(acted(state.entries, webKey), [], 'the in-flight restart is counted but not yet in the trail');
        assert.equal(budgetOf(api, `${project}/worker`)?.budget.used, 1);
        console.log(
          `reload: worker healed (${healed.id}); restart of web in flight since ${new Date(inFlight.budget.lastActionAt ?? 0).toISOString()}; reloading the window`,
        );
        writeState(state);
        reloading = true;
        try {
          await vscode.commands.executeCommand('workbench.action.reloadWindow');
          // this extension host ends now (the host cannot watch itself go): still here after 90 s, it did not reload
          await new Promise((r) => setTimeout(r, 90_000));
        } finally {
          reloading = false;
        }
        throw new Error('the window did not reload within 90 s');
      });
    });
  } else {
    describe('phase 2, after the reload', () => {
      const state = previous;
      const webKey = `${state.project}/web`;
      const workerKey = `${state.project}/worker`;
      let api: RealmApi;

      before(async () => {
        writeState({ ...state, phase: 2 });
        api = await realmApi();
      });

      after(async () => {
        signalAll(state.frozen, 'SIGCONT');
        await api?.healer.resetBudget();
        await restoreSettings(state.savedSettings);
        await composeDown(state.project);
      });

      it('keeps every decision recorded before the reload, unchanged', async () => {
        assert.ok(state.entries.length >= 1, 'phase 1 recorded decisions');
        const now = new Map(api.audit.entries().map((e) => [e.id, e]));
        for (const e of state.entries) assert.deepEqual(now.get(e.id), e, `decision ${e.id} (${e.service}: ${e.outcome}) is still in the trail`);
      });

      it('records the restart that was in flight, once, as interrupted with its outcome unknown', async () => {
        const issuedAt = state.budgets.find((b) => b.key === webKey)?.budget.lastActionAt;
        assert.ok(issuedAt, 'phase 1 saw when the restart of web was issued');
        // the new window records it once it holds the healing lease (the old window's may be stale first)
        const interrupted = await waitFor(
          () => api.audit.entries().find((e) => e.service === webKey && isInterrupted(e)),
          'the in-flight restart of web to be recorded as interrupted',
          90_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; trail ${JSON.stringify(api.audit.entries())}`);
        });
        assert.equal(interrupted.time, issuedAt, 'recorded at the time the restart was issued');
        assert.equal(interrupted.trigger.kind, 'recheck');
        assert.equal(api.audit.entries().filter(isInterrupted).length, 1, 'recorded once, and nothing else is marked interrupted');
        for (const key of [webKey, workerKey]) {
          assert.equal(
            acted(api.audit.entries(), key).length,
            budgetOf(api, key)?.budget.used,
            `the trail accounts for every action the budget counts on ${key}`,
          );
        }
      });

      it('keeps the budget: the interrupted restart still counts, one more restart fits, the next is refused', async () => {
        for (const b of state.budgets) {
          const now = budgetOf(api, b.key);
          assert.ok(now, `${b.key} has a budget after the reload`);
          assert.equal(now.budget.used, b.budget.used, `${b.key}: the same actions are counted`);
          assert.equal(now.budget.lastActionAt, b.budget.lastActionAt, `${b.key}: the same last action`);
        }
        assert.equal(budgetOf(api, webKey)?.budget.used, 1);
        assert.equal(budgetOf(api, webKey)?.budget.remaining, 1);
        assert.equal(budgetOf(api, workerKey)?.budget.used, 1);

        // the engine finishes the restart the old window issued: web runs again, not frozen
        await waitFor(
          () => serviceNode(api, state.project, 'web')?.group.status === 'healthy',
          'web healthy again after the interrupted restart',
          120_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; ${describeTree(api)}`);
        });
        const webId = await containerOf(state.project, 'web');
        assert.equal(webId, state.webId, 'the same container was restarted');

        // one more crash is healed (2 of 2) ...
        const mark = api.audit.entries().length;
        await crash(webId);
        const done = await waitFor(
          () =>
            api.audit
              .entries()
              .slice(mark)
              .find((e) => e.service === webKey && e.outcome === 'done'),
          'the healer to restart web within its budget',
          60_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; ${describeTree(api)}; trail ${JSON.stringify(api.audit.entries().slice(mark))}`);
        });
        assert.equal(done.action, 'restart');
        assert.equal(budgetOf(api, webKey)?.budget.used, 2);
        await waitFor(() => serviceNode(api, state.project, 'web')?.group.status === 'healthy', 'web healthy again', 60_000);

        // ... and the next one is refused: the budget spent before the reload still counts
        const mark2 = api.audit.entries().length;
        await crash(webId);
        const refused = await waitFor(
          () =>
            api.audit
              .entries()
              .slice(mark2)
              .find((e) => e.service === webKey && (e.outcome !== 'skipped' || e.reason === 'rate-limited')),
          'the healer to refuse a third restart of web',
          60_000,
        );
        assert.equal(refused.reason, 'rate-limited', JSON.stringify(refused));
        assert.equal(budgetOf(api, webKey)?.budget.used, 2);
        assert.equal(budgetOf(api, webKey)?.budget.remaining, 0);
        assert.equal(await docker('inspect', '-f', '{{.State.Status}}', webId), 'exited', 'web is left down once its budget is spent');
      });
    });
  }
});
