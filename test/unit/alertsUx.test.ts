/**
 * Issue 13, "Alerts and status bar": stale data reads as stale, palette commands say what is
 * known, one critical toast per incident, silences named by what they silence, settings applied at
 * once. Tree nodes and command handlers run on the vscode shim (plain Node).
 */
import './support/vscodeShim';
import assert from 'node:assert/strict';
import type { NewSilence, Silence } from '../../src/clients/alertmanagerClient';
import { BackendError } from '../../src/clients/http';
import {
  AlertCommandDeps,
  AlertCommandUi,
  expireSilence,
  healAlert,
  openInAlertmanager,
  openSourceQuery,
  silenceAlert,
} from '../../src/commands/alertCommands';
import { CriticalAlertNotifier, healedRecently } from '../../src/notifications/criticalAlertNotifier';
import { RealmAlert } from '../../src/core/alerts';
import { clockTime } from '../../src/core/clockTime';
import { presentStatusBar } from '../../src/core/alertSummary';
import { Emitter } from '../../src/platform/event';
import { memoryLogger } from '../support/memoryLogger';
import { AlertSnapshot, AlertSources, AlertStore } from '../../src/state/alertStore';
import { AlertDetailNode, AlertNode, AlertsTreeProvider, SeverityGroupNode, SilenceNode } from '../../src/views/alertsTree';
import type { ThemeIcon } from './support/vscodeShim';
import { waitFor } from './support/waitFor';
import { recordingAlertUi } from '../support/recordingAlertUi';

const NOW = new Date(2026, 10, 28, 11, 0, 0).getTime();
const alert = (name: string, over: Partial<RealmAlert> = {}): RealmAlert => ({
  key: `fp-${name}`,
  name,
  state: 'firing',
  severity: 'critical',
  labels: { alertname: name, severity: 'critical', service: 'web', instance: 'web:80' },
  annotations: { summary: `${name} summary` },
  since: NOW - 180_000,
  silencedBy: [],
  inhibitedBy: [],
  generatorURL: 'http://p/graph?g0.expr=up%3D%3D0',
  source: 'alertmanager',
  ...over,
});
const snapshot = (over: Partial<AlertSnapshot> = {}): AlertSnapshot => ({
  status: 'ok',
  alerts: [],
  silences: [],
  fallback: false,
  everReachable: true,
  alertmanagerUrl: 'http://am:9093',
  ...over,
});
const silence = (over: Partial<Silence> = {}): Silence => ({
  id: 'sil-1',
  matchers: [
    { name: 'action', value: 'restart', isRegex: false, isEqual: true },
    { name: 'alertname', value: 'ArcanumNeedsRestart', isRegex: false, isEqual: true },
    { name: 'service', value: 'web', isRegex: false, isEqual: true },
  ],
  startsAt: NOW - 48_000,
  endsAt: new Date(2026, 10, 28, 12, 30).getTime(),
  updatedAt: NOW,
  createdBy: 'alice',
  comment: 'deploying',
  state: 'active',
  ...over,
});

function fakeStore(s: AlertSnapshot) {
  const changes = new Emitter<{ snapshot: AlertSnapshot }>();
  const critical = new Emitter<RealmAlert[]>();
  const store = {
    snapshot: s,
    onDidChange: changes.event as never,
    onDidFireCritical: critical.event,
    refresh: async () => undefined,
    set(next: AlertSnapshot) {
      store.snapshot = next;
      changes.fire({ snapshot: next });
    },
    fire(alerts: RealmAlert[]) {
      critical.fire(alerts);
    },
  };
  return store;
}

function deps(store: ReturnType<typeof fakeStore>, ui: AlertCommandUi, created: NewSilence[] = []): AlertCommandDeps {
  return {
    alertmanager: {
      createSilence: async (s) => {
        created.push(s);
        return `sil-${created.length}`;
      },
      expireSilence: async () => undefined,
      alertsUiUrl: () => 'http://am/#/alerts',
      silenceUiUrl: () => 'http://am/#/silences',
    },
    store,
    ui,
    userName: () => 'bob',
    logger: memoryLogger(),
    clock: { now: () => NOW },
  };
}

describe('Alerts UX (issue 13)', () => {
  it('greys out the last known alerts and says when they were last seen once both backends stopped answering', () => {
    const seen = new Date(2026, 10, 28, 10, 42).getTime();
    const store = fakeStore(snapshot({ alerts: [alert('ServiceDown'), alert('HighDisk', { severity: 'warning' })] }));
    const messages: (string | undefined)[] = [];
    const tree = new AlertsTreeProvider(
      store,
      () => undefined,
      { now: () => NOW },
      (m) => messages.push(m),
    );
    tree.setVisible(true);
    const live = tree.getChildren() as SeverityGroupNode[];
    assert.deepEqual(
      live.map((g) => g.description),
      ['1 firing', '1 firing'],
      'live data: no "last seen"',
    );
    assert.equal((live[0].iconPath as ThemeIcon).id, 'error');

    store.set(snapshot({ status: 'unreachable', alerts: store.snapshot.alerts, alertsAsOf: seen, prometheusReachable: false }));
    const stale = tree.getChildren() as SeverityGroupNode[];
    assert.deepEqual(
      stale.map((g) => g.description),
      ['1 firing · last seen 10:42', '1 firing · last seen 10:42'],
    );
    assert.equal((stale[0].iconPath as ThemeIcon).color?.id, 'disabledForeground', 'greyed');
    const [node] = tree.getChildren(stale[0]) as AlertNode[];
    assert.match(String(node.description), /^web \(web:80\) · last seen 10:42 · ServiceDown summary$/);
    assert.equal((node.iconPath as ThemeIcon).color?.id, 'disabledForeground');
    assert.match(String(messages.at(-1)), /^Alertmanager and Prometheus do not answer: these alerts were last seen at 10:42/);
    assert.match(presentStatusBar({ ...store.snapshot }, NOW).tooltip, /last seen at 10:42, greyed/);
    const refused = new BackendError(
      'alertmanager',
      'unreachable',
      'http://am:9093/api/v2/alerts',
      'alertmanager is unreachable at http://am:9093: ECONNREFUSED',
    );
    const tooltip = presentStatusBar({ ...store.snapshot, lastError: refused }, NOW).tooltip;
    assert.match(tooltip, /Last error: Alertmanager is not reachable at http:\/\/am:9093 \(connection refused\)\.$/, 'plain words, no error code');

    store.set(snapshot({ status: 'unreachable', fallback: true, alerts: store.snapshot.alerts, alertsAsOf: NOW }));
    assert.deepEqual(
      (tree.getChildren() as SeverityGroupNode[]).map((g) => g.description),
      ['1 firing', '1 firing'],
      'Prometheus standing in is current data',
    );
    assert.equal(messages.at(-1), undefined, 'the message goes away');
    tree.dispose();
  });

  it('palette commands say Alertmanager is unreachable instead of "no alerts"', async () => {
    const down = fakeStore(snapshot({ status: 'unreachable', alerts: [], alertmanagerUrl: 'http://am:9093' }));
    const { ui, calls } = recordingAlertUi();
    const d = deps(down, ui);
    await silenceAlert(d);
    await healAlert(d);
    await openInAlertmanager(d);
    await openSourceQuery(d);
    await expireSilence(d);
    const said = calls.map((c) => `${c.kind}: ${String(c.args[0])}`);
    assert.equal(said.length, 5, said.join('\n'));
    for (const line of said)
      assert.match(line, /^warning: Realm: Alertmanager at http:\/\/am:9093 is unreachable, so its alerts and silences are unknown right now/);

    const never = fakeStore(snapshot({ status: 'unreachable', everReachable: false }));
    const second = recordingAlertUi();
    await silenceAlert(deps(never, second.ui));
    assert.match(
      String(second.calls[0].args[0]),
      /^Realm: Alertmanager at .* is not running\. Start the stack \(Realm: Stack Up\) or set realm\.alertmanagerUrl\./,
    );

    // Heal This works from Prometheus' stand-in list: it does not need Alertmanager
    const fallback = fakeStore(snapshot({ status: 'unreachable', fallback: true, alerts: [alert('ServiceDown', { source: 'prometheus' })] }));
    const third = recordingAlertUi();
    await healAlert(deps(fallback, third.ui));
    assert.equal(third.calls[0].kind, 'pick');
  });

  it('names silences by what they silence, until when, and says "silenced" everywhere', () => {
    const s = silence();
    const node = new SilenceNode(s, 1, NOW);
    assert.equal(node.label, 'ArcanumNeedsRestart');
    assert.equal(node.description, 'until 12:30 · action=restart, service=web · 1 alert silenced · by alice');
    assert.match(String(node.tooltip), /^Silences action="restart", alertname="ArcanumNeedsRestart", service="web"\n/);
    assert.equal(
      new SilenceNode(silence({ matchers: [{ name: 'job', value: 'api.*', isRegex: true, isEqual: true }] }), 0, NOW).label,
      'job=~"api.*"',
      'no alert name: the matchers',
    );

    const silenced = alert('ArcanumNeedsRestart', { state: 'suppressed', silencedBy: ['sil-1'] });
    const inhibited = alert('ServiceDown', { state: 'suppressed', inhibitedBy: ['x'] });
    const a = new AlertNode(silenced, NOW, [s]);
    assert.match(String(a.description), / · silenced until 12:30 · /, 'until the silence ends, not "silenced for 48s"');
    assert.equal(a.contextValue, 'realm.alert;silenced;query;alertmanager;', 'a silenced alert offers no Silence…');
    assert.equal(new AlertNode(inhibited, NOW).contextValue, 'realm.alert;inhibited;silence;query;alertmanager;');
    assert.match(String(new AlertNode(inhibited, NOW).description), /inhibited · firing for 3m/);
    const group = new SeverityGroupNode({ severity: 'critical', alerts: [alert('A'), silenced, inhibited] }, undefined, NOW);
    assert.equal(group.description, '1 firing · 1 silenced · 1 inhibited', 'not "suppressed"');

    const detail = new AlertDetailNode(silenced, 'label', 'severity', 'critical');
    assert.equal(detail.accessibilityInformation?.label, 'severity: critical', 'a screen reader hears the key with the value');
  });

  it('Silence… from the palette does not offer alerts that are silenced already', async () => {
    const store = fakeStore(snapshot({ alerts: [alert('Quiet', { state: 'suppressed', silencedBy: ['sil-1'] }), alert('Loud')], silences: [silence()] }));
    const { ui, calls } = recordingAlertUi();
    await silenceAlert(deps(store, ui));
    const items = calls.find((c) => c.kind === 'pick')!.args[0] as { label: string }[];
    assert.deepEqual(
      items.map((i) => i.label),
      ['Loud'],
    );
    const none = fakeStore(snapshot({ alerts: [alert('Quiet', { state: 'suppressed', silencedBy: ['sil-1'] })] }));
    const second = recordingAlertUi();
    await silenceAlert(deps(none, second.ui));
    assert.equal(String(second.calls[0].args[0]), 'Realm: no alert to silence right now (the others are silenced already).');
  });

  it('raises one toast per incident: later critical alerts join it, resolved ones raise none', async () => {
    const a = alert('ArcanumNeedsRestart');
    const b = alert('ServiceDown');
    const store = fakeStore(snapshot({ alerts: [a, b] }));
    const created: NewSilence[] = [];
    const { ui, calls } = recordingAlertUi({ error: ['Silence 1h', undefined] });
    let enabled = true;
    const notifier = new CriticalAlertNotifier(store, deps(store, ui, created), { enabled: () => enabled, settleMs: 30 });
    const errors = () => calls.filter((c) => c.kind === 'error');
    await Promise.all([notifier.notify([a]), notifier.notify([b])]);
    assert.equal(errors().length, 1, 'alerts of one outage arrive together: one toast');
    assert.equal(String(errors()[0].args[0]), 'Realm: 2 critical alerts are firing: ArcanumNeedsRestart, ServiceDown');
    assert.deepEqual(errors()[0].args.slice(1), ['Show', 'Silence 1h']);
    assert.equal(created.length, 2, 'Silence 1h silences every alert of the incident');

    const c = alert('DiskFull');
    store.set(snapshot({ alerts: [a, b, c] }));
    await notifier.notify([c]);
    assert.equal(errors().length, 1, 'a critical alert during the same incident joins it instead of raising a second toast');

    store.set(snapshot({ alerts: [] })); // the incident is over
    const d = alert('Flapping');
    const resolvedMeanwhile = notifier.notify([d]);
    store.set(snapshot({ alerts: [] }));
    await resolvedMeanwhile;
    assert.equal(errors().length, 1, 'no toast for an alert that resolved before it was shown');

    store.set(snapshot({ alerts: [d] }));
    await notifier.notify([d]);
    assert.equal(errors().length, 2, 'a new incident gets its toast');
    assert.match(String(errors()[1].args[0]), /^Realm: Critical alert Flapping is firing for web \(web:80\): Flapping summary$/);

    store.set(snapshot({ alerts: [] }));
    enabled = false;
    store.set(snapshot({ alerts: [d] }));
    await notifier.notify([d]);
    assert.equal(errors().length, 2, 'none when realm.alerts.notifyOnCritical is off');
    notifier.dispose();
  });

  it('raises no toast for an alert whose service the healer already restarted', async () => {
    const a = alert('ArcanumNeedsRestart');
    const store = fakeStore(snapshot({ alerts: [a] }));
    const { ui, calls } = recordingAlertUi();
    const records = [{ time: NOW - 20_000, service: 'app/web', outcome: 'done', action: 'restart' }];
    assert.match(String(healedRecently(records, a, NOW)), /the healer already did restart on app\/web 20 s ago/);
    assert.equal(healedRecently([{ ...records[0], time: NOW - 3_600_000 }], a, NOW), undefined, 'an old action does not count');
    assert.equal(healedRecently([{ ...records[0], outcome: 'skipped' }], a, NOW), undefined);
    const notifier = new CriticalAlertNotifier(store, deps(store, ui), {
      enabled: () => true,
      settleMs: 10,
      alreadyHandled: (x) => healedRecently(records, x, NOW),
    });
    await notifier.notify([a]);
    assert.equal(calls.filter((c) => c.kind === 'error').length, 0);
    notifier.dispose();
  });

  it('follows a changed Alertmanager/Prometheus URL at once, and the log names the current URL', async () => {
    let amUrl = 'http://127.0.0.1:9093';
    let promUrl = 'http://127.0.0.1:9090';
    const logger = memoryLogger();
    const sources: AlertSources = {
      alertmanager: {
        get baseUrl() {
          return amUrl;
        },
        alerts: async () => {
          if (amUrl.endsWith(':9093')) throw new BackendError('alertmanager', 'unreachable', amUrl, `alertmanager is unreachable at ${amUrl}: ECONNREFUSED`);
          return [];
        },
        silences: async () => [],
      },
      prometheus: {
        get baseUrl() {
          return promUrl;
        },
        alerts: async () => {
          if (promUrl.endsWith(':9090')) throw new BackendError('prometheus', 'unreachable', promUrl, 'down');
          return [];
        },
      },
    };
    // a long interval: only settingsChanged() can make the next poll happen within the test
    const store = new AlertStore(sources, { logger, intervalMs: 60_000, failuresBeforeUnreachable: 2 });
    const sub = store.onDidChange(() => undefined);
    try {
      for (let i = 0; i < 3; i++) await store.refresh();
      assert.equal(store.snapshot.status, 'unreachable');
      promUrl = 'http://10.0.0.5:9091';
      amUrl = 'http://10.0.0.5:9094';
      const started = Date.now();
      await store.settingsChanged();
      await waitFor(() => store.snapshot.status === 'ok', 'the new Alertmanager to be polled', 2000);
      assert.ok(Date.now() - started < 1000, "at once, not after the old backend's backoff");
      assert.equal(store.snapshot.alertmanagerUrl, 'http://10.0.0.5:9094');
      assert.equal(store.snapshot.prometheusReachable, true);
      const recent = logger.lines.join('\n');
      assert.match(recent, /Alertmanager: now using http:\/\/10\.0\.0\.5:9094 \(was http:\/\/127\.0\.0\.1:9093\)/);
      assert.match(recent, /Prometheus: now using http:\/\/10\.0\.0\.5:9091 \(was http:\/\/127\.0\.0\.1:9090\)/);
      assert.doesNotMatch(recent, /127\.0\.0\.1:909[03] answers again/, 'never "the old URL answers again"');
    } finally {
      sub.dispose();
      store.dispose();
    }
  });

  it('formats clock times with the date when not today', () => {
    assert.equal(clockTime(new Date(2026, 10, 28, 9, 5).getTime(), NOW), '09:05');
    assert.equal(clockTime(new Date(2026, 10, 27, 23, 59).getTime(), NOW), '2026-11-27 23:59');
  });
});
