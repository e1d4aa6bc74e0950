/**
 * Issue 13, "Services and compose": a stopped, a cleanly exited, a crashed and a given-up service
 * each look different (icon, colour, words, hover) with icons and colours VS Code has; relative
 * times ("up 49s", "5s ago", "firing for") tick while a view is visible — one coarse timer, a redraw
 * only when a text changes, none while hidden — and a service and its container agree.
 */
import './support/vscodeShim';
import assert from 'node:assert/strict';
import type { ThemeColor, ThemeIcon } from './support/vscodeShim';
import { EventEmitter } from './support/vscodeShim';
import type { ServicesSnapshot, ServiceStore } from '../../src/state/serviceStore';
import { tickDelay } from '../../src/platform/relativeTimeTicker';
import { ServicesTreeProvider, type ServicesTreeNode } from '../../src/views/servicesTree';
import { ServiceNode } from '../../src/views/serviceNodes';
import { AlertsTreeProvider } from '../../src/views/alertsTree';
import { HealerTreeProvider } from '../../src/views/healerTree';
import { DEFAULT_HEALER_SETTINGS } from '../../src/core/healerSettings';
import { ManualClock } from '../support/manualClock';
import { container, group, NOW, serviceStates } from './support/treeNodes';

/**
 * Codicons and theme colours this view may use: each checked to exist in VS Code 1.100's workbench
 * (code-server 4.100.3's bundle lists every codicon name and registered colour id).
 */
const CODICONS = new Set([
  'pass-filled',
  'circle-filled',
  'loading',
  'sync',
  'warning',
  'debug-pause',
  'debug-stop',
  'pass',
  'error',
  'circle-slash',
  'circle-outline',
]);
const THEME_COLORS = new Set([
  'testing.iconPassed',
  'charts.yellow',
  'list.warningForeground',
  'list.errorForeground',
  'descriptionForeground',
  'disabledForeground',
]);

const look = (n: ServiceNode) => {
  const icon = n.iconPath as unknown as ThemeIcon;
  return {
    icon: icon.id,
    color: (icon.color as ThemeColor | undefined)?.id,
    text: String(n.description).split(' · ')[0],
    meaning: String(n.tooltip).split('\n')[1],
  };
};

function fakeStore(snapshot: ServicesSnapshot) {
  const changed = new EventEmitter<ServicesSnapshot>();
  const store = { snapshot, onDidChange: changed.event } as unknown as ServiceStore;
  return {
    store,
    publish: (s: ServicesSnapshot) => {
      (store as { snapshot: ServicesSnapshot }).snapshot = s;
      changed.fire(s);
    },
  };
}
const snapshotOf = (groups: ServicesSnapshot['groups']): ServicesSnapshot => ({
  engine: 'reachable',
  projects: [{ name: 'app', role: 'app' }],
  containers: groups.flatMap((g) => g.containers),
  groups,
  updatedAt: NOW,
});

describe('Services view UX (issue 13)', () => {
  it('gives stopped, exited cleanly, crashed, gave up and the running states each their own look', () => {
    const s = serviceStates();
    const looks = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, look(v.node)]));
    assert.deepEqual(looks.stoppedByUser, { icon: 'debug-stop', color: 'descriptionForeground', text: 'stopped', meaning: looks.stoppedByUser.meaning });
    assert.match(String(s.stoppedByUser.node.description), /^stopped · left alone: stopped by the user at (\d{4}-\d\d-\d\d )?\d\d:\d\d$/, 'not "exited (143)"');
    assert.match(looks.stoppedByUser.meaning, /^Stopped by the user at \d\d:\d\d .*leaves it alone/);
    assert.deepEqual([looks.exitedCleanly.icon, looks.exitedCleanly.text], ['pass', 'exited cleanly (exit 0)']);
    assert.deepEqual([looks.crashed.icon, looks.crashed.color, looks.crashed.text], ['error', 'list.errorForeground', 'crashed (exit 1)']);
    assert.equal(looks.oomKilled.text, 'crashed (exit 137, OOM-killed)');
    assert.deepEqual([looks.gaveUp.icon, String(s.gaveUp.node.description)], ['circle-slash', 'crashed (exit 1) · gave up']);
    assert.match(looks.gaveUp.meaning, /gave up/);
    assert.equal(String(s.notCreated.node.description), 'defined, not created');
    assert.match(looks.notCreated.meaning, /Start creates and starts it/);
    // each state a user must tell apart differs in its icon shape, not only its colour, and in its words
    const distinct = [
      'running',
      'healthy',
      'unhealthy',
      'starting',
      'restarting',
      'paused',
      'stoppedByUser',
      'exitedCleanly',
      'crashed',
      'gaveUp',
      'notCreated',
    ];
    assert.equal(new Set(distinct.map((k) => looks[k].icon)).size, distinct.length, JSON.stringify(distinct.map((k) => [k, looks[k].icon])));
    assert.equal(new Set(distinct.map((k) => String(s[k].node.description))).size, distinct.length);
    assert.equal(new Set(distinct.map((k) => looks[k].meaning)).size, distinct.length);
    for (const [k, l] of Object.entries(looks)) {
      assert.ok(CODICONS.has(l.icon.replace(/~spin$/, '')), `${k}: codicon ${l.icon}`);
      assert.ok(l.color === undefined || THEME_COLORS.has(l.color), `${k}: theme colour ${l.color}`);
    }
    // the engine's reason, when the incident knows it, leads a crashed or given-up row
    const crashedGroup = s.crashed.node.group;
    const withReason = new ServiceNode(crashedGroup, NOW, undefined, { crashReason: 'exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432`' });
    assert.equal(look(withReason).text, 'crashed: exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432`');
    assert.equal(
      look(new ServiceNode(crashedGroup, NOW, undefined, { gaveUp: true, crashReason: 'OOM-killed at 512 MiB' })).text,
      'crashed: OOM-killed at 512 MiB',
    );
    assert.equal(
      look(new ServiceNode(s.exitedCleanly.node.group, NOW, undefined, { crashReason: 'stale' })).text,
      'exited cleanly (exit 0)',
      'a clean exit is not a crash',
    );
    // tokens for menus and for readers of the value: state and look, order-free
    assert.equal(s.stoppedByUser.node.contextValue, 'realm.service;exited;stoppedByUser;app;start;down;restart;logs;');
    assert.equal(s.notCreated.node.contextValue, 'realm.service;notCreated;app;start;down;');
  });

  it('ticks "up 49s" each second while visible, agrees with its container, and stops when hidden', async () => {
    const clock = new ManualClock(NOW);
    const { store } = fakeStore(snapshotOf([group([container({ startedAt: NOW - 49_000 })])]));
    const tree = new ServicesTreeProvider(store, undefined, undefined, clock, clock);
    let redraws = 0;
    tree.onDidChangeTreeData(() => redraws++);
    const read = () => {
      const [service] = tree.getChildren() as ServicesTreeNode[];
      const [replica] = tree.getChildren(service);
      return [String(service.description), String(replica.description)];
    };
    assert.equal(tree.ticking, false, 'no timer before the view shows');
    tree.setVisible(true);
    assert.deepEqual(read(), ['running · up 49s', 'running · up 49s']);
    redraws = 0;
    await clock.advance(1_000);
    assert.deepEqual(read(), ['running · up 50s', 'running · up 50s'], 'a service and its container agree');
    await clock.advance(9_000);
    assert.equal(redraws, 10, 'one redraw per second under a minute');
    assert.deepEqual(read(), ['running · up 59s', 'running · up 59s']);
    await clock.advance(1_000);
    assert.deepEqual(read(), ['running · up 1m', 'running · up 1m']);
    // beyond a minute: looked at every 10 s, redrawn only when the minute changes
    redraws = 0;
    await clock.advance(60_000);
    assert.equal(redraws, 1, 'one redraw when "1m" became "2m", not six');
    assert.deepEqual(read(), ['running · up 2m', 'running · up 2m']);
    tree.setVisible(false);
    assert.equal(tree.ticking, false, 'hidden: no timer');
    redraws = 0;
    await clock.advance(120_000);
    assert.equal(redraws, 0, 'hidden: no redraw');
    assert.equal(clock.pending, 0);
    tree.dispose();
  });

  it('keeps no timer while nothing relative is shown', async () => {
    const clock = new ManualClock(NOW);
    const s = serviceStates();
    const { store, publish } = fakeStore(snapshotOf([s.crashed.group]));
    const tree = new ServicesTreeProvider(store, undefined, undefined, clock, clock);
    tree.setVisible(true);
    assert.equal(tree.ticking, false, 'a crashed service shows no "up"');
    publish(snapshotOf([s.crashed.group, group([container({ service: 'api', startedAt: NOW - 10 * 60_000 })], 'api')]));
    assert.equal(tree.ticking, true);
    tree.dispose();
    assert.equal(clock.pending, 0, 'disposed: no timer left');
  });

  it('looks again by magnitude: each second under a minute, every 10 s under an hour, each minute beyond', () => {
    assert.equal(tickDelay(49_000), 1_000);
    assert.equal(tickDelay(49_400), 600, 'aligned to the next whole second of the age');
    assert.equal(tickDelay(5 * 60_000), 10_000);
    assert.equal(tickDelay(3 * 3_600_000), 60_000);
    assert.equal(tickDelay(-8_000), 1_000, 'a countdown');
  });

  it('ticks the Alerts view\'s "firing for" while visible', async () => {
    const clock = new ManualClock(NOW);
    const changed = new EventEmitter<{ snapshot: unknown }>();
    const alert = {
      key: 'k',
      name: 'ServiceDown',
      state: 'firing',
      severity: 'critical',
      labels: { service: 'web' },
      annotations: {},
      since: NOW - 30_000,
      silencedBy: [],
      inhibitedBy: [],
      generatorURL: '',
      source: 'alertmanager',
    };
    const snapshot = { status: 'ok', alerts: [alert], silences: [], fallback: false, everReachable: true, alertmanagerUrl: 'http://am' };
    const store = { snapshot, onDidChange: changed.event } as never;
    const tree = new AlertsTreeProvider(
      store,
      () => undefined,
      clock,
      () => undefined,
      undefined,
      clock,
    );
    let redraws = 0;
    tree.onDidChangeTreeData(() => redraws++);
    tree.setVisible(true);
    const row = () => String((tree.getChildren(tree.getChildren()[0]) as { description?: unknown }[])[0].description);
    assert.match(row(), /firing for 30s/);
    redraws = 0;
    await clock.advance(5_000);
    assert.equal(redraws, 5, 'VS Code asks for the rows again only when told: once a second under a minute');
    assert.match(row(), /firing for 35s/);
    tree.setVisible(false);
    assert.equal(tree.ticking, false);
    tree.dispose();
  });

  it('ticks the Healer view\'s "5s ago" while visible, and not while hidden', async () => {
    const clock = new ManualClock(NOW);
    const none = () => ({ dispose: () => undefined });
    const entry = {
      id: 'e1',
      time: NOW - 5_000,
      trigger: { kind: 'manual', why: 'Heal Now' },
      service: 'app/web',
      action: 'restart',
      outcome: 'done',
      durationMs: 10,
    };
    const tree = new HealerTreeProvider({
      healer: { serviceStates: () => [], onDidChange: none } as never,
      audit: { entries: () => [entry], onDidChange: none, onDidRepeat: none } as never,
      settings: () => DEFAULT_HEALER_SETTINGS,
      clock,
      timers: clock,
    });
    let redraws = 0;
    tree.onDidChangeTreeData(() => redraws++);
    tree.setVisible(true);
    const decision = () =>
      String((tree.getChildren(tree.getChildren().find((n) => (n as { kind?: string }).kind === 'decisions')) as { description?: unknown }[])[0].description);
    assert.match(decision(), /· 5s ago$/);
    redraws = 0;
    await clock.advance(3_000);
    assert.match(decision(), /· 8s ago$/);
    assert.equal(redraws, 3);
    tree.setVisible(false);
    redraws = 0;
    await clock.advance(60_000);
    assert.equal(redraws, 0);
    assert.equal(tree.ticking, false);
    tree.dispose();
  });
});
