/**
 * Alerts at scale: 500 and 5,000 firing alerts posted to a PRIVATE Alertmanager (Debian's, on a
 * free port; the harness's shared one is left alone), then the store's whole poll (HTTP, validation,
 * merge, diff) p50, and the merge + diff alone p50 — steady state, Alertmanager restarted (every
 * alert missing, Prometheus still firing them) and the switch to Prometheus' stand-ins — next to the
 * pairwise scans they replaced. Then how often the store polls with and without a visible view.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { AlertmanagerClient } from '../src/clients/alertmanagerClient';
import type { AmAlert } from '../src/clients/alertmanagerTypes';
import type { PromActiveAlert } from '../src/clients/prometheusTypes';
import { PrometheusClient } from '../src/clients/prometheusClient';
import { diffAlerts } from '../src/core/alertDiff';
import { keepStillFiring, mergeAlerts, RealmAlert, sortAlerts } from '../src/core/alerts';
import { memoryLogger } from '../test/support/memoryLogger';
import { AlertStore } from '../src/state/alertStore';
import { OwnedProcess } from '../test/integration/faultsSupport';
import { waitUntil } from '../test/support/waitFor';
import { ms, percentile } from './scaleSupport';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

function timed(runs: number, f: () => void): number[] {
  for (let i = 0; i < 3; i++) f(); // warm: a poll every 2 s runs this code hot
  return Array.from({ length: runs }, () => {
    const t = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t) / 1e6;
  });
}

/** The pairwise scan keepStillFiring used before (for the comparison line only). */
function pairwiseKeep(merged: RealmAlert[], previous: readonly RealmAlert[], prom: PromActiveAlert[]): RealmAlert[] {
  const contains = (o: Record<string, string>, i: Record<string, string>) => Object.entries(i).every(([k, v]) => o[k] === v);
  const same = (a: { labels: Record<string, string> }, b: { labels: Record<string, string> }) =>
    a.labels.alertname === b.labels.alertname && (contains(a.labels, b.labels) || contains(b.labels, a.labels));
  const kept = previous.filter(
    (old) => old.state === 'firing' && !merged.some((m) => m.key === old.key || same(m, old)) && prom.some((p) => p.state === 'firing' && same(p, old)),
  );
  return kept.length ? sortAlerts([...merged, ...kept]) : merged;
}

/** Posts alerts number `first` … `end - 1` (each a distinct label set). */
async function post(url: string, first: number, end: number): Promise<void> {
  const endsAt = new Date(Date.now() + 3600_000).toISOString();
  for (let from = first; from < end; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, end - from) }, (_, k) => {
      const i = from + k;
      return {
        labels: { alertname: `ScaleBench${i % 5}`, instance: `host${i}:9100`, job: 'node', severity: i % 10 === 0 ? 'critical' : 'warning' },
        annotations: { summary: `bench alert ${i}` },
        endsAt,
      };
    });
    const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    if (!res.ok) throw new Error(`posting alerts: ${res.status} ${await res.text()}`);
  }
}

export async function alertsPart(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscale-am-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  fs.writeFileSync(path.join(root, 'am.yml'), 'route:\n  receiver: none\n  group_wait: 1h\nreceivers:\n  - name: none\n');
  const am = OwnedProcess.start(
    'alertmanager',
    'prometheus-alertmanager',
    [
      `--config.file=${path.join(root, 'am.yml')}`,
      `--storage.path=${path.join(root, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      '--cluster.listen-address=',
    ],
    path.join(root, 'am.log'),
  );
  const client = new AlertmanagerClient({ baseUrl: url });
  try {
    await waitUntil('the private Alertmanager', async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok, 30_000);
    console.log('alerts: a private Alertmanager 0.25, alerts posted through its API (goal: 5,000 diffed in ≤ 10 ms)');
    let posted = 0;
    for (const n of [500, 5000]) {
      await post(url, posted, n);
      posted = n;
      await waitUntil(`Alertmanager to list ${n}`, async () => (await client.alerts()).length >= n, 60_000);
      const store = new AlertStore({ alertmanager: client }, { logger: memoryLogger() });
      const polls: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t = Date.now();
        await store.refresh();
        polls.push(Date.now() - t);
      }
      store.dispose();
      const amAlerts: AmAlert[] = await client.alerts();
      const prom = amAlerts.map(
        (a) => ({ labels: { ...a.labels }, annotations: a.annotations, state: 'firing', activeAt: a.startsAt, value: '1' }) as PromActiveAlert,
      );
      const before = mergeAlerts(amAlerts, prom, Date.now());
      const steady = timed(20, () => diffAlerts(before, keepStillFiring(mergeAlerts(amAlerts, prom, Date.now()), before, prom)));
      const restarted = timed(10, () => diffAlerts(before, keepStillFiring(mergeAlerts([], prom, Date.now()), before, prom)));
      const fallback = timed(10, () => diffAlerts(before, mergeAlerts(undefined, prom, Date.now())));
      const old = timed(1, () => pairwiseKeep(mergeAlerts([], prom, Date.now()), before, prom));
      console.log(
        `  ${String(n).padStart(5)} alerts: store poll (HTTP + validation + merge + diff) p50 ${ms(percentile(polls, 50))}; merge + diff alone p50: steady ${ms(percentile(steady, 50))}, ` +
          `Alertmanager restarted ${ms(percentile(restarted, 50))}, switch to Prometheus ${ms(percentile(fallback, 50))} (the old pairwise keepStillFiring: ${ms(percentile(old, 50))})`,
      );
    }
    await pollRates(client);
  } finally {
    await am.stop('SIGTERM');
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Requests per minute with a listener (status bar, notifier, healer) and no visible view, then with one. */
async function pollRates(alertmanager: AlertmanagerClient): Promise<void> {
  const counts = { am: 0, prom: 0 };
  const promUrl = process.env.REALM_IT_PROMETHEUS_URL;
  const prometheus = promUrl ? new PrometheusClient({ baseUrl: promUrl }) : undefined;
  const store = new AlertStore(
    {
      alertmanager: {
        baseUrl: alertmanager.baseUrl,
        alerts: (o) => (counts.am++, alertmanager.alerts(o)),
        silences: (o) => (counts.am++, alertmanager.silences(o)),
      },
      prometheus: prometheus && { baseUrl: prometheus.baseUrl, alerts: (o) => (counts.prom++, prometheus.alerts(o)) },
    },
    { logger: memoryLogger() },
  );
  const sub = store.onDidChange(() => undefined);
  const window = async (seconds: number) => {
    await waitUntil('the first poll', () => counts.am > 0, 30_000);
    const from = { ...counts };
    const t = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000)); // a rate is counted over a window
    const minutes = (Date.now() - t) / 60_000;
    return `Alertmanager ${Math.round((counts.am - from.am) / minutes)}/min, Prometheus ${prometheus ? `${Math.round((counts.prom - from.prom) / minutes)}/min` : 'not configured'}`;
  };
  try {
    const hidden = await window(60);
    store.setVisible(true);
    const visible = await window(30);
    console.log(`  polling with every Realm view hidden (status bar, notifier, healer listening): ${hidden}; with a view visible: ${visible}`);
  } finally {
    sub.dispose();
    store.dispose();
  }
}
