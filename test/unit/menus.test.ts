/**
 * Issue 14 ("Menus match positional dotted contextValues…") and issue 13's Services points: every
 * `viewItem` clause of package.json's menus matches a contextValue the trees really build, the
 * trees build order-free `kind;token;…;` values (one helper), and each state gets the items a user
 * expects — Start on a defined-but-not-created service, no Stop on a stopped one, App Up on the
 * app's project and Stack Up on the stack's, App Up leading the title bar when there is an app.
 */
import './support/vscodeShim';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contextTokens, contextValue } from '../../src/views/contextValues';
import { everyNode, serviceStates } from './support/treeNodes';
import { evaluateWhen, viewItemRegexes } from './support/whenClause';

type MenuItem = { command: string; when?: string; group?: string };
const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuItem[]> } };
const itemMenus = manifest.contributes.menus['view/item/context'];
const nodes = everyNode();

/** The commands a node gets: [command, group] of every view/item/context entry whose when holds. */
function itemsOf(view: string, value: string): string[] {
  return itemMenus
    .filter((m) => evaluateWhen(m.when ?? 'true', { view, viewItem: value, isWorkspaceTrusted: true }))
    .map((m) => `${m.command}@${(m.group ?? '').startsWith('inline') ? 'inline' : 'menu'}`);
}

describe('Menus and contextValues (issues 13, 14)', () => {
  it('builds order-free `kind;token;` values with one helper, and refuses a token that would break them', () => {
    assert.equal(contextValue('realm.service', 'running', undefined, false, 'stop', 'stop'), 'realm.service;running;stop;');
    assert.deepEqual(contextTokens('realm.service;running;stop;'), { kind: 'realm.service', tokens: ['running', 'stop'] });
    assert.throws(() => contextValue('realm.service', 'a;b'), /contains ";"/);
    for (const [view, node] of nodes) {
      assert.match(String(node.contextValue), /^realm\.[\w.]+;(?:\w+;)*$/, `${view} ${String(node.label)}: ${node.contextValue}`);
    }
  });

  it('every viewItem clause of every menu matches a contextValue the trees build (none is dead)', () => {
    let clauses = 0;
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const m of items) {
        for (const re of viewItemRegexes(m.when ?? '')) {
          clauses++;
          assert.ok(
            nodes.some(([, n]) => re.test(String(n.contextValue))),
            `${menu} ${m.command}: ${re} matches no node`,
          );
          assert.ok(!re.source.endsWith('$'), `${m.command}: ${re} is anchored at the end (positional)`);
        }
        const view = /view == ([\w.]+)/.exec(m.when ?? '')?.[1];
        if (menu === 'view/item/context')
          assert.ok(
            nodes.some(([v, n]) => (!view || v === view) && evaluateWhen(m.when!, { view: v, viewItem: n.contextValue, isWorkspaceTrusted: true })),
            `${m.command} (${m.group}) shows on no node: ${m.when}`,
          );
      }
    }
    assert.ok(clauses >= 30, `checked ${clauses} viewItem clauses`);
  });

  it('gives each service state the actions it can take', () => {
    const s = serviceStates();
    const items = (name: string) => itemsOf('realm.services', String(s[name].node.contextValue));
    // defined, not created: Start (inline and in the menu) creates it; nothing to stop, restart or read
    assert.deepEqual(
      items('notCreated')
        .filter((i) => /(start|stop|restart)Service|showContainerLogs/.test(i))
        .sort(),
      ['realm.startService@inline', 'realm.startService@menu'],
    );
    for (const name of ['stoppedByUser', 'crashed', 'exitedCleanly', 'gaveUp']) {
      const got = items(name);
      assert.ok(got.includes('realm.startService@inline') && got.includes('realm.startService@menu'), `${name}: Start (${got})`);
      assert.ok(!got.includes('realm.stopService@menu'), `${name}: no Stop on a stopped service`);
      assert.ok(got.includes('realm.restartService@menu') && got.includes('realm.showContainerLogs@menu'), `${name}: Restart and logs`);
      assert.ok(!got.includes('realm.restartService@inline'), `${name}: inline is Start, not Restart`);
    }
    for (const name of ['running', 'healthy', 'unhealthy', 'starting', 'restarting']) {
      const got = items(name);
      assert.ok(got.includes('realm.stopService@menu') && got.includes('realm.restartService@inline'), `${name}: Stop and inline Restart (${got})`);
      assert.ok(!got.includes('realm.startService@menu'), `${name}: no Start on a running service`);
    }
    assert.ok(
      items('partial').includes('realm.startService@menu') && items('partial').includes('realm.stopService@menu'),
      'partial: start the stopped replicas, or stop',
    );
    assert.ok(items('running').includes('realm.openMetrics@menu') && items('running').includes('realm.showIncident@menu'));
  });

  it('puts App Up / App Down on the app project, Stack Up / Stack Down on the stack', () => {
    const byRole = (role: string) => nodes.find(([, n]) => n.contextValue === `realm.project;${role};`)![1];
    assert.deepEqual(
      itemsOf('realm.services', String(byRole('app').contextValue)).filter((i) => i.endsWith('@inline')),
      ['realm.appUp@inline', 'realm.appDown@inline'],
    );
    assert.deepEqual(
      itemsOf('realm.services', String(byRole('stack').contextValue)).filter((i) => i.endsWith('@inline')),
      ['realm.stackUp@inline', 'realm.stackDown@inline'],
    );
    const title = (hasApp: boolean) =>
      manifest.contributes.menus['view/title']
        .filter((m) => (m.group ?? '').startsWith('navigation') && evaluateWhen(m.when ?? 'true', { view: 'realm.services', 'realm.hasAppProject': hasApp }))
        .map((m) => m.command);
    assert.deepEqual(title(true), ['realm.appUp', 'realm.appDown', 'realm.refresh'], 'with a compose project, App Up is the ▶');
    assert.deepEqual(title(false), ['realm.stackUp', 'realm.stackDown', 'realm.refresh']);
  });

  it('keeps the Alerts, Healer and Incidents menus on the states they were for', () => {
    const on = (view: string, pick: (v: string) => boolean) =>
      nodes.filter(([v, n]) => v === view && pick(String(n.contextValue))).map(([, n]) => itemsOf(view, String(n.contextValue)));
    const [firing] = on('realm.alerts', (v) => v.startsWith('realm.alert;firing;') && !v.includes(';fallback;'));
    assert.deepEqual(firing.sort(), [
      'realm.alerts.heal@menu',
      'realm.alerts.openInAlertmanager@menu',
      'realm.alerts.openSourceQuery@menu',
      'realm.alerts.silence@inline',
      'realm.alerts.silence@menu',
      'realm.showIncident@menu',
    ]);
    const [fallback] = on('realm.alerts', (v) => v.includes(';fallback;'));
    assert.deepEqual(fallback.sort(), ['realm.alerts.heal@menu', 'realm.showIncident@menu'], 'without Alertmanager: no silence, no link to it');
    const [silenced] = on('realm.alerts', (v) => v.startsWith('realm.alert;silenced;'));
    assert.ok(!silenced.some((i) => i.startsWith('realm.alerts.silence')), 'a silenced alert offers no Silence…');
    assert.deepEqual(on('realm.alerts', (v) => v.startsWith('realm.silence;active;'))[0].sort(), [
      'realm.alerts.expireSilence@inline',
      'realm.alerts.openInAlertmanager@menu',
    ]);
    const budgets = on('realm.healer', (v) => v.startsWith('realm.healer.service;'));
    assert.ok(budgets.every((b) => b.includes('realm.healer.resetBudget@inline')));
    assert.equal(budgets.filter((b) => b.includes('realm.healer.cancelScheduled@inline')).length, 1, 'Cancel only on the scheduled one');
    assert.equal(budgets.filter((b) => b.includes('realm.healer.enableForService@inline')).length, 1, 'Enable only on the setting opt-out');
    assert.equal(
      budgets.filter((b) => b.includes('realm.healer.disableForService@inline')).length,
      3,
      'Disable on plain, gave-up and scheduled, not on opt-outs or cleanup',
    );
    assert.ok(on('realm.incidents', (v) => v.startsWith('realm.incident;')).every((i) => i.includes('realm.exportPostMortem@inline')));
    assert.deepEqual(on('realm.incidents', (v) => v.startsWith('realm.incident.entry;'))[0], []);
  });
});
