import assert from 'node:assert/strict';
import type { AmAlert } from '../../src/clients/alertmanagerTypes';
import type { PromActiveAlert } from '../../src/clients/prometheusTypes';
import { AlertDiff, diffAlerts } from '../../src/core/alertDiff';
import { keepStillFiring, mergeAlerts, RealmAlert, sortAlerts } from '../../src/core/alerts';
import { LabelIndex } from '../../src/core/labelIndex';

/**
 * The keyed merge and diff must answer exactly what the old pairwise scans answered. The scans are
 * kept here as the reference and both run on the same random alert sets: many alerts of one rule,
 * external labels on Alertmanager's copies, pending ones, a source switch, resolutions.
 */

function contains(outer: Record<string, string>, inner: Record<string, string>): boolean {
  return Object.entries(inner).every(([k, v]) => outer[k] === v);
}

function referenceKeepStillFiring(merged: RealmAlert[], previous: readonly RealmAlert[], prom: PromActiveAlert[] | undefined): RealmAlert[] {
  const same = (a: { labels: Record<string, string> }, b: { labels: Record<string, string> }) =>
    a.labels.alertname === b.labels.alertname && (contains(a.labels, b.labels) || contains(b.labels, a.labels));
  const kept = previous.filter(
    (old) => old.state === 'firing' && !merged.some((m) => m.key === old.key || same(m, old)) && (prom ?? []).some((p) => p.state === 'firing' && same(p, old)),
  );
  return kept.length ? sortAlerts([...merged, ...kept]) : merged;
}

function referenceDiff(before: RealmAlert[], after: RealmAlert[]): AlertDiff {
  const diff: AlertDiff = { added: [], resolved: [], changed: [], updated: [] };
  const unmatched = new Map(before.map((a) => [a.key, a]));
  const pairs: [RealmAlert, RealmAlert][] = [];
  const rest: RealmAlert[] = [];
  for (const a of after) {
    const old = unmatched.get(a.key);
    if (old) {
      unmatched.delete(a.key);
      pairs.push([old, a]);
    } else rest.push(a);
  }
  for (const a of rest) {
    const old = [...unmatched.values()].find(
      (b) => b.source !== a.source && b.name === a.name && (contains(a.labels, b.labels) || contains(b.labels, a.labels)),
    );
    if (old) {
      unmatched.delete(old.key);
      pairs.push([old, a]);
    } else diff.added.push(a);
  }
  diff.resolved.push(...unmatched.values());
  for (const [old, a] of pairs) {
    if (old.state !== a.state) diff.changed.push({ alert: a, from: old.state });
    else if (JSON.stringify(old.annotations) !== JSON.stringify(a.annotations) || old.silencedBy.join() !== a.silencedBy.join()) diff.updated.push(a);
  }
  return diff;
}

/** A small deterministic PRNG, so a failure reproduces. */
/** An Alertmanager alert as /api/v2/alerts gives it, active unless `over` says otherwise; times are the index. */
function amAlert(i: number, fingerprint: string, labels: Record<string, string>, over: Partial<AmAlert> = {}): AmAlert {
  return {
    fingerprint,
    labels,
    annotations: {},
    state: 'active',
    startsAt: i,
    endsAt: i + 1,
    silencedBy: [],
    inhibitedBy: [],
    generatorURL: '',
    receivers: [],
    updatedAt: i,
    ...over,
  } as AmAlert;
}

function random(seed: number): () => number {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

interface Scenario {
  am: AmAlert[];
  prom: PromActiveAlert[];
}

function scenario(rnd: () => number, size: number): Scenario {
  const am: AmAlert[] = [];
  const prom: PromActiveAlert[] = [];
  for (let i = 0; i < size; i++) {
    const labels: Record<string, string> = { alertname: `Rule${Math.floor(rnd() * 3)}`, instance: `host${Math.floor(rnd() * size)}:9100` };
    if (rnd() < 0.5) labels.severity = rnd() < 0.5 ? 'critical' : 'warning';
    if (rnd() < 0.2) labels.job = 'node';
    const state = rnd();
    if (state < 0.7) {
      const amLabels = rnd() < 0.8 ? { ...labels, env: 'prod' } : { ...labels };
      am.push(
        amAlert(i, `fp-${JSON.stringify(amLabels)}`, amLabels, {
          annotations: { summary: `s${Math.floor(rnd() * 2)}` },
          state: rnd() < 0.1 ? 'suppressed' : 'active',
        }),
      );
    }
    if (state > 0.2) prom.push({ labels, annotations: {}, state: rnd() < 0.3 ? 'pending' : 'firing', activeAt: i, value: '1' } as PromActiveAlert);
  }
  return { am, prom };
}

const keys = (xs: RealmAlert[]) => xs.map((a) => a.key);
const diffKeys = (d: AlertDiff) => ({
  added: keys(d.added),
  resolved: keys(d.resolved),
  updated: keys(d.updated),
  changed: d.changed.map((c) => [c.alert.key, c.from]),
});

describe('alerts at scale: keyed merge and diff', () => {
  it('finds exactly the label sets that contain a query or are contained in it', () => {
    const rnd = random(7);
    const names = ['alertname', 'instance', 'env', 'job', 'severity'];
    const sets = Array.from({ length: 300 }, () => Object.fromEntries(names.filter(() => rnd() < 0.6).map((n) => [n, `v${Math.floor(rnd() * 3)}`])));
    const index = new LabelIndex(sets, (s) => s);
    for (const query of sets.slice(0, 100)) {
      const expected = sets.filter((s) => contains(s, query) || contains(query, s));
      assert.deepEqual(index.related(query), expected);
    }
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`answers as the pairwise scans did (random alerts, seed ${seed})`, () => {
      const rnd = random(seed);
      const size = 20 + Math.floor(rnd() * 200);
      const first = scenario(rnd, size);
      const second = scenario(rnd, size);
      const before = mergeAlerts(first.am, first.prom, 0);
      // Alertmanager restarted (knows nothing), then relearned part of the list, then fell back to Prometheus
      for (const am of [[], second.am, first.am.slice(0, size / 3)]) {
        const merged = mergeAlerts(am, second.prom, 0);
        assert.deepEqual(keys(keepStillFiring(merged, before, second.prom)), keys(referenceKeepStillFiring(merged, before, second.prom)));
        assert.deepEqual(diffKeys(diffAlerts(before, merged)), diffKeys(referenceDiff(before, merged)));
      }
      const fallback = mergeAlerts(undefined, second.prom, 0);
      assert.deepEqual(diffKeys(diffAlerts(before, fallback)), diffKeys(referenceDiff(before, fallback)));
      assert.deepEqual(diffKeys(diffAlerts(fallback, before)), diffKeys(referenceDiff(fallback, before)));
    });
  }

  it('pairs 5,000 Prometheus stand-ins with their Alertmanager alerts of one rule', () => {
    const am = Array.from({ length: 5000 }, (_, i) => amAlert(i, `fp${i}`, { alertname: 'InstanceDown', instance: `h${i}`, env: 'prod' }));
    const prom = am.map(
      (a) =>
        ({ labels: { alertname: 'InstanceDown', instance: a.labels.instance }, annotations: {}, state: 'firing', activeAt: 1, value: '1' }) as PromActiveAlert,
    );
    const before = mergeAlerts(am, prom, 0);
    const d = diffAlerts(before, mergeAlerts(undefined, prom, 0));
    assert.equal(d.added.length + d.resolved.length + d.changed.length, 0, 'switching to the fallback is not 5,000 new alerts');
    assert.equal(keepStillFiring(mergeAlerts([], prom, 0), before, prom).length, 5000, 'a restarted Alertmanager resolves none of them');
  });
});
