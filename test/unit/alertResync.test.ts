import assert from 'node:assert/strict';
import type { PromActiveAlert } from '../../src/clients/prometheusTypes';
import { keepStillFiring, mergeAlerts, RealmAlert } from '../../src/core/alerts';

/** A restarted Alertmanager answers with no alerts until Prometheus re-sends them (faults.backends.test.ts shows it live). */
describe('keepStillFiring (a restarted Alertmanager relearning its alerts)', () => {
  const labels = { alertname: 'ServiceDown', instance: 'a:1', severity: 'critical' };
  const amAlert = {
    fingerprint: 'fp1',
    labels: { ...labels, env: 'x' },
    annotations: {},
    state: 'active',
    startsAt: 1,
    endsAt: 9,
    silencedBy: [],
    inhibitedBy: [],
    generatorURL: '',
    receivers: [],
    updatedAt: 1,
  };
  const firingBefore: RealmAlert[] = mergeAlerts([amAlert as never], undefined, 0);
  const promFiring: PromActiveAlert[] = [{ labels, annotations: {}, state: 'firing', activeAt: 1, value: '0' } as never];

  it('keeps an alert Prometheus still fires when Alertmanager forgot it, with the same key', () => {
    const next = keepStillFiring(mergeAlerts([], promFiring, 0), firingBefore, promFiring);
    assert.deepEqual(
      next.map((a) => a.key),
      ['fp1'],
    );
  });
  it('lets it resolve when Prometheus no longer fires it (or is unreachable)', () => {
    assert.deepEqual(keepStillFiring(mergeAlerts([], [], 0), firingBefore, []), []);
    assert.deepEqual(keepStillFiring(mergeAlerts([], undefined, 0), firingBefore, undefined), []);
  });
  it('adds nothing new: an alert only Prometheus fires still waits for Alertmanager', () => {
    assert.deepEqual(keepStillFiring(mergeAlerts([], promFiring, 0), [], promFiring), []);
  });
  it("Alertmanager's own answer wins (a silenced alert stays suppressed)", () => {
    const silenced = { ...amAlert, state: 'suppressed', silencedBy: ['s1'] };
    const next = keepStillFiring(mergeAlerts([silenced as never], promFiring, 0), firingBefore, promFiring);
    assert.deepEqual(
      next.map((a) => [a.key, a.state]),
      [['fp1', 'suppressed']],
    );
  });
});
