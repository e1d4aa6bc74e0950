import assert from 'node:assert/strict';
import { parseAmAlert } from '../../src/clients/alertmanagerTypes';
import { mergeAlerts, RealmAlert } from '../../src/core/alerts';
import { AlertSummaryInput, alertsViewState, presentStatusBar } from '../../src/core/alertSummary';
import { plain, withoutLinks } from '../../src/core/text';
import { sample } from './support/sampleServer';

const NOW = Date.parse('2026-11-28T12:11:52.283Z');
const firing = mergeAlerts(
  (sample('am-alerts-firing').body as unknown[]).map((a, i) => parseAmAlert(a, `[${i}]`)),
  [],
  NOW,
);
const silenced = mergeAlerts(
  (sample('am-alerts-silenced').body as unknown[]).map((a, i) => parseAmAlert(a, `[${i}]`)),
  [],
  NOW,
);
const warning: RealmAlert = {
  ...firing[0],
  key: 'w',
  name: 'HighErrorRate',
  severity: 'warning',
  labels: { alertname: 'HighErrorRate', severity: 'warning', provider: 'openai' },
};
const base: AlertSummaryInput = { status: 'ok', alerts: [], fallback: false, everReachable: true, alertmanagerUrl: 'http://127.0.0.1:9093' };

describe('status-bar presentation', () => {
  it('says "stack down" before Alertmanager has ever answered', () => {
    const p = presentStatusBar({ ...base, status: 'starting', everReachable: false }, NOW);
    assert.equal(p.text, '$(bell-slash) stack down');
    assert.match(p.tooltip, /has not answered yet/);
    assert.equal(
      presentStatusBar({ ...base, status: 'unreachable', everReachable: false, lastError: new Error('ECONNREFUSED') }, NOW).text,
      '$(bell-slash) stack down',
    );
  });

  it('shows a check mark when nothing fires, even with a silenced alert', () => {
    const p = presentStatusBar(
      { ...base, alerts: silenced, silences: [{ id: 'eb93dada-c80d-4452-be92-b8e86c22948e', endsAt: Date.parse('2026-11-28T13:08:53.490Z') }] },
      NOW,
    );
    assert.equal(p.text, '$(check)');
    assert.equal(p.background, undefined);
    assert.match(p.tooltip, /CRITICAL ServiceDown .* silenced until (\d{4}-\d\d-\d\d )?\d\d:\d\d/, 'until when it is silenced, not for how long it fired');
  });

  it('counts firing alerts with the highest severity as the background', () => {
    const one = presentStatusBar({ ...base, alerts: firing }, NOW);
    assert.equal(one.text, '$(bell) 1');
    assert.equal(one.background, 'error');
    assert.match(one.tooltip, /CRITICAL ServiceDown · arcanum \(127\.0\.0\.1:19100\) · firing for 3m · Arcanum target 127\.0\.0\.1:19100 is down/);
    const warn = presentStatusBar({ ...base, alerts: [warning] }, NOW);
    assert.equal(warn.background, 'warning');
    assert.equal(presentStatusBar({ ...base, alerts: [warning, ...firing] }, NOW).text, '$(bell) 2');
  });

  it('has a distinct unreachable state, with Prometheus counts when it stands in', () => {
    const p = presentStatusBar({ ...base, status: 'unreachable' }, NOW);
    assert.equal(p.text, '$(bell-slash) unreachable');
    assert.equal(p.background, 'warning');
    const fb = presentStatusBar({ ...base, status: 'unreachable', fallback: true, alerts: firing }, NOW);
    assert.equal(fb.text, '$(bell-slash) 1');
    assert.match(fb.tooltip, /silences are unknown/);
    assert.equal(presentStatusBar({ ...base, status: 'unreachable', fallback: true, alerts: [] }, NOW).text, '$(bell-slash) unreachable');
  });

  it('says in the tooltip when Prometheus does not answer', () => {
    assert.match(presentStatusBar({ ...base, prometheusReachable: false }, NOW).tooltip, /Prometheus does not answer/);
    assert.match(presentStatusBar({ ...base, alerts: firing, prometheusReachable: false }, NOW).tooltip, /Prometheus does not answer/);
    assert.doesNotMatch(presentStatusBar({ ...base, alerts: firing, prometheusReachable: true }, NOW).tooltip, /Prometheus/);
  });

  it('caps the tooltip list and keeps hostile alert text on one plain line', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({
      ...firing[0],
      key: String(i),
      annotations: { summary: `**bold** [x](command:evil)\nline2\u0007 ${'y'.repeat(300)}` },
    }));
    const p = presentStatusBar({ ...base, alerts: many }, NOW);
    assert.match(p.tooltip, /…and 4 more$/);
    assert.equal(p.tooltip.split('\n').filter((l) => l.startsWith('CRITICAL')).length, 10);
    assert.ok(!p.tooltip.includes('\u0007'));
    assert.ok(p.tooltip.split('\n').every((l) => l.length < 300));
    assert.equal(plain('a\r\nb\u2028c', 10), 'a b c');
  });

  it('gives the Alerts view a state for its welcome content', () => {
    assert.equal(alertsViewState({ status: 'starting', everReachable: false }), 'stackDown');
    assert.equal(alertsViewState({ status: 'unreachable', everReachable: false }), 'stackDown');
    assert.equal(alertsViewState({ status: 'unreachable', everReachable: true }), 'unreachable');
    assert.equal(alertsViewState({ status: 'ok', everReachable: true }), 'ok');
  });
});

describe('notification text', () => {
  it('never forms a Markdown link, which VS Code would make clickable (command: URIs included)', () => {
    const hostile = 'Disk full [details](command:workbench.action.terminal.sendSequence?%7B%7D) and [x] (y) and [a]\t(b)';
    const safe = withoutLinks(hostile);
    assert.doesNotMatch(safe, /\]\(/);
    assert.match(safe, /\[details\] \(command:/, 'the text is still readable');
  });
});
