import assert from 'node:assert/strict';
import { AlertmanagerClient, AmAlert, Silence } from '../../src/clients/alertmanagerClient';
import { BackendError } from '../../src/clients/http';
import { PromActiveAlert } from '../../src/clients/prometheusTypes';
import { parseAmAlert, parseSilence } from '../../src/clients/alertmanagerTypes';
import { parseAlert } from '../../src/clients/prometheusTypes';
import { memoryLogger, MemoryLogger } from '../support/memoryLogger';
import { AlertSources, AlertStore, AlertStoreChange, firingAlertSource } from '../../src/state/alertStore';
import { RealmAlert } from '../../src/core/alerts';
import { sample, SampleServer } from './support/sampleServer';
import { waitFor } from './support/waitFor';
import { ManualClock } from '../support/manualClock';

const amFiring = (sample('am-alerts-firing').body as unknown[]).map((a, i) => parseAmAlert(a, `[${i}]`));
const amSilenced = (sample('am-alerts-silenced').body as unknown[]).map((a, i) => parseAmAlert(a, `[${i}]`));
const silences = (sample('am-silences-active').body as unknown[]).map((s, i) => parseSilence(s, `[${i}]`));
const promFiring = (sample('prom-alerts-firing').body as { data: { alerts: unknown[] } }).data.alerts.map((a, i) => parseAlert(a, `[${i}]`));
const down = () => new BackendError('alertmanager', 'unreachable', 'http://am', 'alertmanager is unreachable at http://am: ECONNREFUSED');

/** Sources whose answers the test sets; counts calls and the most polls ever in flight at once. */
class FakeSources implements AlertSources {
  amAlerts: AmAlert[] | Error = [];
  amSilences: Silence[] = [];
  promAlerts: PromActiveAlert[] | Error = [];
  delayMs = 0;
  /** Set with a manual clock: request delays and call times follow it instead of wall time. */
  clock?: ManualClock;
  calls = 0;
  callTimes: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private async answer<T>(v: T | Error): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise<void>((r) => (this.clock ?? globalThis).setTimeout(() => r(), this.delayMs));
      if (v instanceof Error) throw v;
      return v;
    } finally {
      this.inFlight--;
    }
  }
  alertmanager = {
    baseUrl: 'http://am',
    alerts: () => {
      this.calls++;
      this.callTimes.push(this.clock?.now() ?? Date.now());
      return this.answer(this.amAlerts);
    },
    silences: () => this.answer(this.amAlerts instanceof Error ? this.amAlerts : this.amSilences),
  };
  prometheus = { baseUrl: 'http://prom', alerts: () => this.answer(this.promAlerts) };
}

describe('AlertStore', () => {
  let src: FakeSources;
  let log: MemoryLogger;
  let store: AlertStore;
  let changes: AlertStoreChange[];
  let critical: RealmAlert[][];

  /** Moves the manual clock on in 5 ms steps until `condition` holds: driven time, with a bound. */
  async function advanceUntil(clock: ManualClock, condition: () => boolean, what: string, maxMs = 5000): Promise<void> {
    for (let waited = 0; !condition(); waited += 5) {
      if (waited > maxMs) throw new Error(`${what}: not after ${maxMs} ms of driven time`);
      await clock.advance(5);
    }
  }

  function start(options: Partial<ConstructorParameters<typeof AlertStore>[1]> = {}): void {
    store = new AlertStore(src, { logger: log, intervalMs: 10, hiddenIntervalMs: 10, maxBackoffMs: 80, ...options });
    store.onDidChange((c) => changes.push(c));
    store.onDidFireCritical((a) => critical.push(a));
  }

  beforeEach(() => {
    src = new FakeSources();
    log = memoryLogger();
    changes = [];
    critical = [];
  });
  afterEach(() => store?.dispose());

  it('polls only while something listens', async () => {
    const clock = new ManualClock();
    store = new AlertStore(src, { logger: log, intervalMs: 10, hiddenIntervalMs: 10, clock, timers: clock });
    await clock.advance(50);
    assert.equal(src.calls, 0, 'no listener, no requests');
    const sub = store.onDidChange(() => undefined);
    await advanceUntil(clock, () => src.calls >= 3, 'polling to start');
    sub.dispose();
    await clock.advance(30); // let a poll already in flight finish
    const after = src.calls;
    await clock.advance(60);
    assert.equal(src.calls, after, 'stopped once the last listener left');
    assert.equal(store.isPolling, false);
  });

  it('reports a firing alert once, then its silencing and resolution, with one critical event', async () => {
    src.amAlerts = amFiring;
    start();
    await waitFor(() => changes.length >= 1, 'the first change');
    assert.deepEqual(
      changes[0].added.map((a) => [a.name, a.state]),
      [['ServiceDown', 'firing']],
    );
    assert.equal(changes[0].snapshot.status, 'ok');
    await waitFor(() => src.calls >= 5, 'more polls');
    assert.equal(changes.length, 1, 'unchanged polls fire nothing');
    assert.deepEqual(
      critical.map((c) => c.map((a) => a.name)),
      [['ServiceDown']],
    );

    src.amAlerts = amSilenced;
    src.amSilences = silences;
    await waitFor(() => changes.length >= 2, 'the silencing');
    assert.deepEqual(
      changes[1].changed.map((c) => [c.from, c.alert.state]),
      [['firing', 'suppressed']],
    );
    assert.equal(changes[1].silencesChanged, true);
    assert.equal(store.snapshot.silences[0].id, 'eb93dada-c80d-4452-be92-b8e86c22948e');

    src.amAlerts = [];
    await waitFor(() => changes.length >= 3, 'the resolution');
    assert.deepEqual(
      changes[2].resolved.map((a) => a.name),
      ['ServiceDown'],
    );
    assert.equal(critical.length, 1, 'one notification in all');
  });

  it('never has two polls in flight, even when requests are slower than the interval', async () => {
    const clock = new ManualClock();
    src.clock = clock;
    src.delayMs = 40;
    start({ clock, timers: clock });
    const refreshes = Promise.all([store.refresh(), store.refresh(), store.refresh()]);
    await clock.advance(40);
    await refreshes;
    await advanceUntil(clock, () => src.calls >= 5, 'several polls');
    assert.equal(src.maxInFlight, 3, 'one poll = alerts + silences + Prometheus alerts in parallel, never more');
  });

  it('stays quiet on a blip, reports unreachable after retries, backs off, and logs the outage once', async () => {
    const clock = new ManualClock();
    src.clock = clock;
    src.amAlerts = amFiring;
    start({ failuresBeforeUnreachable: 3, clock, timers: clock });
    await advanceUntil(clock, () => changes.length === 1, 'first success');
    let unreachableAtCall = 0;
    store.onDidChange((c) => {
      if (c.snapshot.status === 'unreachable' && !unreachableAtCall) unreachableAtCall = src.calls;
    });
    src.amAlerts = down();
    src.promAlerts = down();
    await advanceUntil(clock, () => store.snapshot.status === 'unreachable', 'unreachable', 3000);
    assert.equal(unreachableAtCall, 4, 'one success, then two failures stay a blip; the third makes it unreachable');
    assert.equal(changes.at(-1)?.statusChanged, true);
    assert.deepEqual(
      store.snapshot.alerts.map((a) => a.name),
      ['ServiceDown'],
      'with both backends down the last known alerts stay',
    );
    const failStart = src.calls;
    await advanceUntil(clock, () => src.calls >= failStart + 4, 'backed-off retries', 3000);
    const gaps = src.callTimes
      .slice(-4)
      .map((t, i, a) => (i ? t - a[i - 1] : 0))
      .slice(1);
    assert.ok(gaps.at(-1)! >= 60, `gaps grow up to the 80 ms cap: ${gaps.join(', ')}`);
    assert.equal(log.lines.filter((l) => l.startsWith('[warn]') && l.includes('Alertmanager unreachable')).length, 1);
    assert.equal(log.lines.filter((l) => l.startsWith('[warn]') && l.includes('Prometheus unreachable')).length, 1);
    assert.match(
      log.lines.find((l) => l.includes('Alertmanager unreachable'))!,
      /ECONNREFUSED/,
    );

    src.amAlerts = amFiring;
    src.promAlerts = [];
    await advanceUntil(clock, () => store.snapshot.status === 'ok', 'recovery', 3000);
    assert.equal(log.lines.filter((l) => l.startsWith('[info]') && l.includes('Alertmanager at http://am answers again')).length, 1);
    assert.equal(critical.length, 1, 'recovery does not re-notify');
  });

  it('shows Prometheus firing alerts while Alertmanager is unreachable, without re-notifying', async () => {
    src.amAlerts = amFiring;
    start({ failuresBeforeUnreachable: 2 });
    await waitFor(() => changes.length === 1, 'first success');
    src.amAlerts = down();
    src.promAlerts = promFiring;
    await waitFor(() => store.snapshot.fallback, 'the fallback');
    assert.equal(store.snapshot.status, 'unreachable');
    assert.deepEqual(
      store.snapshot.alerts.map((a) => [a.name, a.source]),
      [['ServiceDown', 'prometheus']],
    );
    assert.equal(critical.length, 1);
  });

  it('says unreachable (never having reached it) when Alertmanager is down from the start', async () => {
    src.amAlerts = down();
    src.promAlerts = down();
    start({ failuresBeforeUnreachable: 2 });
    assert.equal(store.snapshot.status, 'starting');
    await waitFor(() => store.snapshot.status === 'unreachable', 'unreachable');
    assert.equal(store.snapshot.everReachable, false);
    assert.match(store.snapshot.lastError?.message ?? '', /ECONNREFUSED/);
  });

  it('polls faster while a view is visible', async () => {
    const clock = new ManualClock();
    src.amAlerts = [];
    start({ intervalMs: 10, hiddenIntervalMs: 10_000, clock, timers: clock });
    await advanceUntil(clock, () => src.calls === 1, 'first poll');
    await clock.advance(100);
    assert.equal(src.calls, 1, 'hidden: the slow interval');
    store.setVisible(true);
    await advanceUntil(clock, () => src.calls >= 5, 'fast polling while visible', 2000);
    store.setVisible(false);
    await clock.advance(60); // the poll already scheduled still runs
    const n = src.calls;
    await clock.advance(100);
    assert.equal(src.calls, n, 'slow again when hidden');
  });

  it('reports a pending alert that starts firing as new critical', async () => {
    src.promAlerts = [{ ...promFiring[0], state: 'pending' }];
    start();
    await waitFor(() => changes.length === 1, 'pending seen');
    assert.equal(store.snapshot.alerts[0].state, 'pending');
    assert.equal(critical.length, 0, 'pending alerts do not notify');
    src.promAlerts = promFiring;
    src.amAlerts = amFiring;
    await waitFor(() => critical.length === 1, 'critical event');
    assert.deepEqual(
      changes.at(-1)?.changed.map((c) => c.from),
      ['pending'],
    );
  });

  it('works with the real client against real Alertmanager bodies', async () => {
    const server = await new SampleServer().start();
    try {
      server.on('GET /api/v2/alerts', sample('am-alerts-firing')).on('GET /api/v2/silences', sample('am-silences-after-expire'));
      store = new AlertStore({ alertmanager: new AlertmanagerClient({ baseUrl: server.url }) }, { logger: log, intervalMs: 20 });
      store.onDidChange((c) => changes.push(c));
      await waitFor(() => changes.length === 1, 'the first change');
      assert.equal(store.snapshot.alerts[0].name, 'ServiceDown');
      assert.deepEqual(store.snapshot.silences, [], 'expired silences are not listed');
    } finally {
      store.dispose();
      await server.stop();
    }
  });

  it('gives the healer no alerts to act on once both Alertmanager and Prometheus stopped answering', async () => {
    src.amAlerts = amFiring;
    start();
    const source = firingAlertSource(store);
    await waitFor(() => source.firing().length > 0, 'firing alerts for the healer');
    src.amAlerts = down();
    src.promAlerts = new BackendError('prometheus', 'unreachable', 'http://prom', 'prometheus is unreachable');
    await waitFor(() => store.snapshot.status === 'unreachable', 'unreachable', 3000);
    assert.ok(store.snapshot.alerts.length > 0, 'the view keeps the last list, marked unreachable');
    assert.deepEqual(source.firing(), [], 'but nothing stale is healed');
    store.dispose();
  });
});
