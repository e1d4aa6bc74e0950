import { formatDuration } from '../../src/core/duration';
import assert from 'node:assert/strict';
import { parseAmAlert } from '../../src/clients/alertmanagerTypes';
import { parseAlert } from '../../src/clients/prometheusTypes';
import {
  alertTarget,
  describeAge,
  groupBySeverity,
  highestSeverity,
  matchersFromLabels,
  mergeAlerts,
  parseDuration,
  RealmAlert,
  sourceQuery,
} from '../../src/core/alerts';
import { diffAlerts, newlyFiringCritical } from '../../src/core/alertDiff';
import { formatMatchers, parseMatchers } from '../../src/core/matchers';
import { sample } from './support/sampleServer';

const amFiring = (sample('am-alerts-firing').body as unknown[]).map((a, i) => parseAmAlert(a, `[${i}]`));
const amSilenced = (sample('am-alerts-silenced').body as unknown[]).map((a, i) => parseAmAlert(a, `[${i}]`));
const promFiring = (sample('prom-alerts-firing').body as { data: { alerts: unknown[] } }).data.alerts.map((a, i) => parseAlert(a, `[${i}]`));
const promWarning = (sample('prom-alerts-higherrorrate').body as { data: { alerts: unknown[] } }).data.alerts.map((a, i) => parseAlert(a, `[${i}]`));
const NOW = Date.parse('2026-11-28T12:11:52.283Z'); // 3 minutes after the sample alert started

describe('alert model', () => {
  it('shows an Alertmanager alert as firing, with what it concerns and for how long', () => {
    const [a] = mergeAlerts(amFiring, [], NOW);
    assert.equal(a.state, 'firing');
    assert.equal(a.name, 'ServiceDown');
    assert.equal(a.severity, 'critical');
    assert.equal(alertTarget(a.labels), 'arcanum (127.0.0.1:19100)');
    assert.equal(describeAge(a, NOW), 'firing for 3m');
    assert.equal(sourceQuery(a), 'up{job="arcanum"} == 0');
  });

  it('shows a silenced alert as suppressed, not hidden', () => {
    const [a] = mergeAlerts(amSilenced, [], NOW);
    assert.equal(a.state, 'suppressed');
    assert.equal(describeAge(a, NOW), 'silenced', 'one word; without the silence its end is unknown');
    const ends = Date.parse('2026-11-28T13:08:53.490Z');
    assert.match(describeAge(a, NOW, [{ id: a.silencedBy[0], endsAt: ends }]), /^silenced until (\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    assert.equal(highestSeverity([a]), undefined, 'a suppressed alert does not colour the status bar');
  });

  it('adds pending alerts from Prometheus but takes firing ones from Alertmanager', () => {
    const pending = { ...promWarning[0], state: 'pending' as const };
    const alerts = mergeAlerts(amFiring, [...promFiring, pending], NOW);
    assert.deepEqual(
      alerts.map((a) => [a.name, a.state, a.source]),
      [
        ['ServiceDown', 'firing', 'alertmanager'],
        ['HighErrorRate', 'pending', 'prometheus'],
      ],
    );
  });

  it('falls back to Prometheus firing alerts when Alertmanager is unreachable', () => {
    const alerts = mergeAlerts(undefined, [...promFiring, ...promWarning], NOW);
    assert.deepEqual(
      alerts.map((a) => [a.name, a.state, a.source]),
      [
        ['ServiceDown', 'firing', 'prometheus'],
        ['HighErrorRate', 'firing', 'prometheus'],
      ],
    );
  });

  it('groups by severity with critical first, firing before suppressed before pending', () => {
    const mk = (name: string, severity: string, state: RealmAlert['state'], since: number): RealmAlert => ({
      key: name,
      name,
      severity,
      state,
      since,
      labels: { alertname: name },
      annotations: {},
      silencedBy: [],
      inhibitedBy: [],
      generatorURL: '',
      source: 'alertmanager',
    });
    const groups = groupBySeverity([
      mk('i', 'info', 'firing', 1),
      mk('wp', 'warning', 'pending', 1),
      mk('cs', 'critical', 'suppressed', 0),
      mk('w', 'warning', 'firing', 5),
      mk('c', 'critical', 'firing', 9),
      mk('x', 'none', 'firing', 1),
      mk('p', 'page', 'firing', 1),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.severity, g.alerts.map((a) => a.name)]),
      [
        ['critical', ['c', 'cs']],
        ['warning', ['w', 'wp']],
        ['info', ['i']],
        ['page', ['p']],
        ['none', ['x']],
      ],
    );
  });

  it('formats durations with the two largest units', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(45_000), '45s');
    assert.equal(formatDuration(180_000), '3m');
    assert.equal(formatDuration(3_900_000), '1h 5m');
    assert.equal(formatDuration(3_600_000 + 5000), '1h');
    assert.equal(formatDuration(2 * 86_400_000 + 3 * 3_600_000 + 60_000), '2d 3h');
  });

  it('reads silence durations users type', () => {
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('2h30m'), 9_000_000);
    assert.equal(parseDuration(' 1d 12h '), 129_600_000);
    assert.equal(parseDuration('90'), 5_400_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    for (const bad of ['', '0m', 'abc', '1x', 'h1', '-1h', '1h-']) assert.equal(parseDuration(bad), undefined, bad);
  });

  it('proposes a matcher per label and reads edited matchers back', () => {
    const matchers = matchersFromLabels(amFiring[0].labels);
    const text = formatMatchers(matchers);
    assert.equal(text, 'alertname="ServiceDown", env="test", instance="127.0.0.1:19100", job="arcanum", service="arcanum", severity="critical"');
    assert.deepEqual(parseMatchers(text), { matchers });
    assert.deepEqual(parseMatchers('{alertname="A", instance=~"127\\\\..*", job!="x", env!~"dev|test", bare=value}'), {
      matchers: [
        { name: 'alertname', value: 'A', isRegex: false, isEqual: true },
        { name: 'instance', value: '127\\..*', isRegex: true, isEqual: true },
        { name: 'job', value: 'x', isRegex: false, isEqual: false },
        { name: 'env', value: 'dev|test', isRegex: true, isEqual: false },
        { name: 'bare', value: 'value', isRegex: false, isEqual: true },
      ],
    });
    assert.match((parseMatchers('alertname') as { error: string }).error, /cannot read a matcher/);
    assert.match((parseMatchers('') as { error: string }).error, /at least one matcher/);
    assert.match((parseMatchers('job!="x"') as { error: string }).error, /non-empty value/);
  });

  it('keeps label values with quotes and newlines intact through the text form (untrusted text)', () => {
    const labels = { alertname: 'A"; rm -rf /', note: 'line1\nline2 \\ end' };
    const parsed = parseMatchers(formatMatchers(matchersFromLabels(labels)));
    assert.deepEqual(parsed, { matchers: matchersFromLabels(labels) });
  });
});

describe('alert diff', () => {
  const [firing] = mergeAlerts(amFiring, [], NOW);
  const [silenced] = mergeAlerts(amSilenced, [], NOW);
  const [promFallback] = mergeAlerts(undefined, promFiring, NOW);

  it('reports new and resolved alerts, and new critical ones', () => {
    const up = diffAlerts([], [firing]);
    assert.deepEqual(
      up.added.map((a) => a.name),
      ['ServiceDown'],
    );
    assert.deepEqual(
      newlyFiringCritical(up).map((a) => a.name),
      ['ServiceDown'],
    );
    const down = diffAlerts([firing], []);
    assert.deepEqual(
      down.resolved.map((a) => a.name),
      ['ServiceDown'],
    );
  });

  it('reports silencing as a state change, and un-silencing as critical again', () => {
    const d = diffAlerts([firing], [silenced]);
    assert.deepEqual(
      d.changed.map((c) => [c.from, c.alert.state]),
      [['firing', 'suppressed']],
    );
    assert.equal(newlyFiringCritical(d).length, 0);
    assert.equal(newlyFiringCritical(diffAlerts([silenced], [firing])).length, 1);
  });

  it('matches a Prometheus alert to the same Alertmanager alert despite external labels', () => {
    const d = diffAlerts([firing], [promFallback]);
    assert.equal(d.added.length + d.resolved.length, 0, 'switching to the fallback is not a new alert');
    assert.equal(newlyFiringCritical(d).length, 0);
    const pending = { ...promFallback, state: 'pending' as const };
    const started = diffAlerts([pending], [firing]);
    assert.deepEqual(
      started.changed.map((c) => c.from),
      ['pending'],
    );
    assert.equal(newlyFiringCritical(started).length, 1, 'a pending alert that starts firing notifies');
  });
});
