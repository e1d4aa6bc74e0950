/**
 * The Alerts view's classes, status-bar item and command handlers in a real extension host, fed by
 * a real AlertStore over fake sources (no network). The extension's own wiring is tested elsewhere.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AmAlert, NewSilence, Silence } from '../../src/clients/alertmanagerClient';
import { BackendError } from '../../src/clients/http';
import type { PromActiveAlert } from '../../src/clients/prometheusTypes';
import { AlertCommandDeps, expireSilence, healAlert, openInAlertmanager, openSourceQuery, silenceAlert } from '../../src/commands/alertCommands';
import { memoryLogger } from '../support/memoryLogger';
import { AlertStore } from '../../src/state/alertStore';
import { AlertDetailNode, AlertNode, AlertsTreeProvider, SeverityGroupNode, SilenceNode, SilencesNode } from '../../src/views/alertsTree';
import { AlertStatusBar } from '../../src/views/statusBar';
import { screenshot, waitFor } from './helpers';
import { recordingAlertUi } from '../support/recordingAlertUi';

const started = Date.now() - 3 * 60_000;
const amAlert = (name: string, severity: string, state: AmAlert['state'], silencedBy: string[] = []): AmAlert => ({
  fingerprint: `fp-${name}`,
  labels: { alertname: name, severity, instance: '127.0.0.1:19100', service: 'arcanum-probe' },
  annotations: { summary: `${name} <b>summary</b> [x](command:workbench.action.quit)` },
  startsAt: started,
  endsAt: started + 3_600_000,
  updatedAt: started,
  generatorURL: 'http://127.0.0.1:19090/graph?g0.expr=up%7Bjob%3D%22arcanum%22%7D+%3D%3D+0&g0.tab=1',
  receivers: ['r'],
  state,
  silencedBy,
  inhibitedBy: [],
});
const silence: Silence = {
  id: 'sil-1',
  matchers: [{ name: 'alertname', value: 'Noisy', isRegex: false, isEqual: true }],
  startsAt: started,
  endsAt: started + 7_200_000,
  updatedAt: started,
  createdBy: 'alice',
  comment: 'maintenance',
  state: 'active',
};
const orphan: Silence = { ...silence, id: 'sil-2', matchers: [{ name: 'alertname', value: 'Gone', isRegex: false, isEqual: true }] };

function fakeSources() {
  const state = { am: [] as AmAlert[] | Error, silences: [] as Silence[], prom: [] as PromActiveAlert[] };
  return {
    state,
    alertmanager: {
      baseUrl: 'http://am.invalid',
      alerts: async () => {
        if (state.am instanceof Error) throw state.am;
        return state.am;
      },
      silences: async () => state.silences,
    },
    prometheus: { baseUrl: 'http://prom.invalid', alerts: async () => state.prom },
  };
}

describe('Alerts view, status bar and commands (real extension host)', () => {
  const disposables: vscode.Disposable[] = [];
  afterEach(() => disposables.splice(0).forEach((d) => d.dispose()));

  it('shows "stack down", then the firing count in the error colour, then a check mark', async () => {
    const src = fakeSources();
    src.state.am = new BackendError('alertmanager', 'unreachable', 'http://am.invalid', 'alertmanager is unreachable: ECONNREFUSED');
    const store = new AlertStore(src, { logger: memoryLogger(), intervalMs: 20, hiddenIntervalMs: 20, failuresBeforeUnreachable: 2 });
    const bar = new AlertStatusBar(store);
    disposables.push(store, bar);
    assert.equal(bar.item.text, '$(bell-slash) stack down');
    assert.equal(bar.item.command, 'realm.alerts.focus');
    src.state.am = [amAlert('ServiceDown', 'critical', 'active'), amAlert('Noisy', 'warning', 'suppressed', ['sil-1'])];
    await waitFor(() => bar.item.text === '$(bell) 1', 'the status bar to read 1 alert');
    assert.equal((bar.item.backgroundColor as vscode.ThemeColor).id, 'statusBarItem.errorBackground');
    assert.match(String(bar.item.tooltip), /CRITICAL ServiceDown · arcanum-probe \(127\.0\.0\.1:19100\) · firing for 3m( \d+s)? ·/);
    await screenshot('alerts-status-bar-1-critical');
    src.state.am = new BackendError('alertmanager', 'unreachable', 'http://am.invalid', 'ECONNREFUSED');
    await waitFor(() => bar.item.text === '$(bell-slash) unreachable', 'the unreachable state');
    src.state.am = [];
    await waitFor(() => bar.item.text === '$(check)', 'the check mark');
    assert.equal(bar.item.backgroundColor, undefined);
  });

  it('lists severity groups, alerts with age and summary, details, and silences', async () => {
    const src = fakeSources();
    src.state.am = [amAlert('ServiceDown', 'critical', 'active'), amAlert('Noisy', 'warning', 'suppressed', ['sil-1'])];
    src.state.prom = [
      {
        labels: { alertname: 'HighErrorRate', severity: 'warning', provider: 'openai' },
        annotations: { summary: 'High 5xx' },
        state: 'pending',
        activeAt: Date.now() - 2000,
        value: '0.3',
      },
    ];
    src.state.silences = [silence, orphan];
    const store = new AlertStore(src, { logger: memoryLogger(), intervalMs: 20 });
    const contexts: [string, unknown][] = [];
    const tree = new AlertsTreeProvider(store, (k, v) => contexts.push([k, v]));
    disposables.push(store, tree);
    tree.setVisible(true);
    await waitFor(() => tree.current.alerts.length === 3, 'the tree to get three alerts');
    const roots = tree.getChildren();
    assert.deepEqual(
      roots.map((r) => [r.label, r.description]),
      [
        ['Critical', '1 firing'],
        ['Warning', '1 silenced · 1 pending'],
        ['Silences', '2'],
      ],
    );
    const [critical] = tree.getChildren(roots[0]) as AlertNode[];
    assert.equal(critical.label, 'ServiceDown');
    assert.match(String(critical.description), /^arcanum-probe \(127\.0\.0\.1:19100\) · firing for 3m( \d+s)? · ServiceDown <b>summary<\/b>/);
    assert.equal(critical.contextValue, 'realm.alert;firing;silence;heal;query;alertmanager;');
    assert.ok(!(critical.tooltip as vscode.MarkdownString).isTrusted, 'alert text is never trusted markdown');
    assert.ok((critical.tooltip as vscode.MarkdownString).value.includes('\\[x\\]'), 'markdown in annotations is escaped');
    const warnings = tree.getChildren(roots[1]) as AlertNode[];
    assert.deepEqual(
      warnings.map((w) => [w.label, w.contextValue, (w.iconPath as vscode.ThemeIcon).id]),
      [
        ['Noisy', 'realm.alert;silenced;query;alertmanager;', 'bell-slash'],
        ['HighErrorRate', 'realm.alert;pending;silence;', 'watch'],
      ],
    );
    assert.match(String(warnings[0].description), /silenced until (\d{4}-\d\d-\d\d )?\d\d:\d\d/, 'until when the silence lasts, not the firing time');
    assert.match(String(warnings[1].description), /^pending for \d+s · High 5xx$/, 'pending alerts say so');
    const details = tree.getChildren(critical) as AlertDetailNode[];
    assert.deepEqual(
      details.map((d) => `${d.contextValue}:${d.label}`),
      [
        'realm.alertDetail;label;:alertname',
        'realm.alertDetail;label;:instance',
        'realm.alertDetail;label;:service',
        'realm.alertDetail;label;:severity',
        'realm.alertDetail;annotation;:summary',
      ],
    );
    const silences = tree.getChildren(roots[2] as SilencesNode) as SilenceNode[];
    assert.deepEqual(
      silences.map((s) => [s.label, s.contextValue]),
      [
        ['Noisy', 'realm.silence;active;expire;alertmanager;'],
        ['Gone', 'realm.silence;active;expire;alertmanager;'],
      ],
    );
    assert.match(String(silences[0].description), /^until (\d{4}-\d\d-\d\d )?\d\d:\d\d · 1 alert silenced · by alice$/);
    assert.match(String(silences[1].description), /matches no current alert/);
    assert.deepEqual(contexts.at(-1), ['realm.alerts.status', 'ok']);
    assert.ok(tree.getParent(critical) instanceof SeverityGroupNode);
  });

  it('silences with a typed duration and edited matchers, expires, opens and heals', async () => {
    const src = fakeSources();
    src.state.am = [amAlert('ServiceDown', 'critical', 'active')];
    src.state.silences = [silence];
    const store = new AlertStore(src, { logger: memoryLogger(), intervalMs: 1000 });
    disposables.push(store, { dispose: store.onDidChange(() => undefined).dispose });
    await waitFor(() => store.snapshot.alerts.length === 1, 'the alert');
    const created: NewSilence[] = [];
    const fail: { expire?: Error } = {};
    const { ui, calls } = recordingAlertUi({
      pickFirst: true,
      input: ['2h30m', 'alertname="ServiceDown", instance=~"127\\\\.0\\\\.0\\\\.1:.*"', 'deploying'],
      warning: ['Expire', 'Expire'],
    });
    const deps: AlertCommandDeps = {
      alertmanager: {
        createSilence: async (s) => {
          created.push(s);
          return 'new-id';
        },
        expireSilence: async () => {
          if (fail.expire) throw fail.expire;
        },
        alertsUiUrl: (m) => `http://am.invalid/#/alerts?filter=${m.length}`,
        silenceUiUrl: (id) => `http://am.invalid/#/silences/${id}`,
      },
      store,
      ui,
      userName: () => 'bob',
      logger: memoryLogger(),
      clock: { now: () => 1_000_000 },
    };
    const node = new AlertNode(store.snapshot.alerts[0], Date.now());
    assert.equal(await silenceAlert(deps, node), 'new-id');
    const durationBox = calls[0].args[0] as vscode.InputBoxOptions;
    assert.equal(durationBox.value, '1h');
    assert.equal(durationBox.validateInput!('soon'), 'Type a duration such as 1h, 30m or 2h30m');
    assert.equal(
      (calls[1].args[0] as vscode.InputBoxOptions).value,
      'alertname="ServiceDown", instance="127.0.0.1:19100", service="arcanum-probe", severity="critical"',
    );
    assert.deepEqual(created[0], {
      matchers: [
        { name: 'alertname', value: 'ServiceDown', isRegex: false, isEqual: true },
        { name: 'instance', value: '127\\.0\\.0\\.1:.*', isRegex: true, isEqual: true },
      ],
      startsAt: 1_000_000,
      endsAt: 1_000_000 + 9_000_000,
      createdBy: 'bob',
      comment: 'deploying',
    });

    assert.equal(await expireSilence(deps, new SilenceNode(silence, 0, Date.now())), true);
    fail.expire = new BackendError('alertmanager', 'http', 'u', 'alertmanager answered 500: silence not found', 500, 'silence not found');
    assert.equal(await expireSilence(deps, 'sil-1'), true, 'an already-gone silence is not an error');
    assert.ok(calls.some((c) => c.kind === 'info' && String(c.args[0]).includes('no longer exists')));

    await openSourceQuery(deps, node);
    await healAlert(deps, node);
    await openInAlertmanager(deps, new SilenceNode(silence, 0, Date.now()));
    const commands = calls.filter((c) => c.kind === 'command' || c.kind === 'open').map((c) => c.args);
    assert.deepEqual(commands[0], ['realm.openMetrics', 'up{job="arcanum"} == 0']);
    assert.equal(commands[1][0], 'realm.healAlert');
    assert.equal((commands[1][1] as { fingerprint: string }).fingerprint, 'fp-ServiceDown');
    assert.deepEqual(commands[2], ['http://am.invalid/#/silences/sil-1']);
  });

  it('Heal This says what the healer decided, as plain text', async () => {
    const { ui, calls } = recordingAlertUi({ pickFirst: true });
    const decided = {
      id: '1',
      time: Date.now(),
      trigger: { kind: 'alert', alertname: 'ServiceDown', fingerprint: 'fp' },
      service: 'app/web',
      action: 'restart',
      outcome: 'skipped',
      reason: 'rate-limited',
      detail: 'budget spent [x](command:evil)',
      durationMs: 0,
    };
    ui.executeCommand = (c, ...a) => {
      calls.push({ kind: 'command', args: [c, ...a] });
      return Promise.resolve(decided);
    };
    const deps: AlertCommandDeps = {
      alertmanager: { createSilence: async () => 'x', expireSilence: async () => undefined, alertsUiUrl: () => '', silenceUiUrl: () => '' },
      store: { snapshot: { alerts: [], silences: [] } as never, refresh: async () => undefined },
      ui,
      userName: () => 'bob',
      logger: memoryLogger(),
      clock: { now: () => Date.now() },
    };
    const alert = {
      key: 'fp',
      name: 'ServiceDown',
      severity: 'critical',
      state: 'firing',
      since: Date.now(),
      labels: { alertname: 'ServiceDown' },
      annotations: {},
    } as never;
    assert.equal(await healAlert(deps, alert), decided);
    const warning = calls.find((c) => c.kind === 'warning');
    assert.ok(warning, 'a skipped decision is shown as a warning');
    // one wording for a decision everywhere: service: action — outcome (reason)
    assert.match(String(warning.args[0]), /^Realm: web: restart — gave up \(budget spent/);
    assert.doesNotMatch(String(warning.args[0]), /\]\(/, 'no clickable link from untrusted text');
  });
});
