import assert from 'node:assert/strict';
import type { EngineEvent } from '../../src/clients/dockerClient';
import type { RealmAlert } from '../../src/core/alerts';
import { ContainerInfo, groupByService } from '../../src/core/containers';
import { describeIncident, incidentOf, timeToRecovery } from '../../src/core/incidents';
import { AuditTrail } from '../../src/healer/auditTrail';
import { Emitter } from '../../src/platform/event';
import { InMemoryMemento } from '../support/inMemoryMemento';
import type { AlertStoreChange } from '../../src/state/alertStore';
import { IncidentStore } from '../../src/state/incidentStore';
import type { ServicesSnapshot } from '../../src/state/serviceStore';
import { ManualClock, settle } from '../support/manualClock';
import { containerInfo } from '../support/containerInfo';

const SETTLE = 30_000;

function container(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return containerInfo({ id: 'w1', name: 'app-worker-1', service: 'worker', image: 'busybox', ...over });
}

class Harness {
  readonly clock = new ManualClock();
  readonly memento = new InMemoryMemento();
  readonly events = new Emitter<EngineEvent>();
  readonly snapshots = new Emitter<ServicesSnapshot>();
  readonly alerts = new Emitter<AlertStoreChange>();
  readonly audit = new AuditTrail(this.memento, this.clock);
  snapshot: ServicesSnapshot = this.snap([container()]);
  lines = ['starting', 'Error: ECONNREFUSED db:5432'];
  store = this.build();

  build(): IncidentStore {
    const read = () => this.snapshot;
    return new IncidentStore(
      {
        engineEvents: this.events.event,
        services: {
          onDidChange: this.snapshots.event,
          get snapshot() {
            return read();
          },
          whenCurrent: async () => this.snapshot,
        },
        alerts: this.alerts.event,
        decisions: this.audit.onDidChange,
        projects: () => ['app'],
        lastLines: async () => this.lines,
      },
      { memento: this.memento, clock: this.clock, timers: this.clock, settleMs: SETTLE },
    );
  }

  snap(containers: ContainerInfo[]): ServicesSnapshot {
    return { engine: 'reachable', projects: [{ name: 'app', role: 'app' }], containers, groups: groupByService(containers), updatedAt: this.clock.now() };
  }

  event(action: string, over: Partial<EngineEvent> = {}): void {
    this.events.fire({
      action,
      containerId: 'w1',
      name: 'app-worker-1',
      project: 'app',
      service: 'worker',
      time: this.clock.now(),
      receivedAt: this.clock.now(),
      attributes: {},
      ...over,
    });
  }

  setState(c: ContainerInfo): void {
    this.snapshot = this.snap([c]);
    this.snapshots.fire(this.snapshot);
  }
}

function alert(state: RealmAlert['state'] = 'firing'): RealmAlert {
  return {
    key: 'fp1',
    name: 'WorkerErrors',
    state,
    severity: 'warning',
    labels: { alertname: 'WorkerErrors', service: 'worker' },
    annotations: { summary: 'errors' },
    since: 0,
    silencedBy: [],
    inhibitedBy: [],
    generatorURL: 'http://prom/graph?g0.expr=rate(errors%5B1m%5D)%20%3E%200',
    source: 'alertmanager',
  };
}
const change = (over: Partial<AlertStoreChange>): AlertStoreChange => ({
  added: [],
  resolved: [],
  changed: [],
  updated: [],
  statusChanged: false,
  silencesChanged: false,
  snapshot: {} as never,
  ...over,
});

describe('IncidentStore', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.store.dispose());

  it('opens on a crash with exit code, OOM flag and last lines; the healer restart and a settled recovery close it', async () => {
    h.event('start');
    await h.clock.advance(3000);
    // what the store's inspect after the die reads
    h.snapshot = h.snap([container({ state: 'exited', exitCode: 137, oomKilled: true })]);
    h.event('die', { exitCode: 137 });
    await settle();
    const [i] = h.store.all();
    assert.equal(h.store.all().length, 1);
    assert.equal(i.cause, 'crash');
    assert.equal(i.exitCode, 137);
    assert.equal(i.oomKilled, true);
    assert.equal(i.ranForMs, 3000);
    assert.deepEqual(i.logLines, h.lines);
    await h.audit.record({
      trigger: { kind: 'event', event: 'die', containerId: 'w1', containerName: 'app-worker-1', time: h.clock.now(), exitCode: 137 },
      service: 'app/worker',
      action: 'restart',
      outcome: 'done',
      durationMs: 200,
    });
    h.event('start');
    await h.clock.advance(120_000);
    assert.match(describeIncident(i, h.clock.now()), /^worker — crashed \(exit 137, OOM\) 2m ago, restarted, down$/);
    h.setState(container());
    assert.match(describeIncident(i, h.clock.now()), /restarted, recovering$/);
    await h.clock.advance(SETTLE - 1);
    assert.equal(i.closedAt, undefined, 'not before the settle time');
    await h.clock.advance(1);
    assert.equal(i.closedAt, h.clock.now());
    assert.equal(timeToRecovery(i), 120_000 + SETTLE);
    assert.equal(i.fixedBy, "the healer's restart");
    assert.deepEqual(
      i.timeline.map((t) => t.kind),
      ['die', 'healer', 'start', 'recovering', 'closed'],
    );
  });

  it('an alert after a crash joins the incident; it closes only once the alert resolved', async () => {
    h.event('die', { exitCode: 1 });
    h.alerts.fire(change({ added: [alert()] }));
    assert.equal(h.store.all().length, 1);
    const [i] = h.store.all();
    assert.equal(i.alerts[0].query, 'rate(errors[1m]) > 0');
    h.event('start');
    h.setState(container());
    await h.clock.advance(SETTLE * 2);
    assert.equal(i.closedAt, undefined, 'the alert still fires');
    h.alerts.fire(change({ resolved: [alert()] }));
    assert.equal(i.closedAt, h.clock.now());
    assert.ok(i.timeline.some((t) => t.kind === 'alert-firing') && i.timeline.some((t) => t.kind === 'alert-resolved'));
  });

  it('a firing alert that changes while its service is back (new annotations) does not restart the settle time', async () => {
    h.event('die', { exitCode: 1 });
    h.alerts.fire(change({ added: [alert()] }));
    const [i] = h.store.all();
    h.event('start');
    h.setState(container());
    await h.clock.advance(SETTLE / 2);
    h.alerts.fire(change({ changed: [{ alert: { ...alert(), annotations: { summary: 'errors, still' } }, previous: alert() }] } as never));
    h.alerts.fire(change({ resolved: [alert()] }));
    assert.equal(i.closedAt, undefined, 'not before the settle time');
    await h.clock.advance(SETTLE / 2);
    assert.equal(i.closedAt, h.clock.now(), 'closed a settle time after the service came back, no later');
    assert.equal(i.timeline.filter((t) => t.kind === 'alert-firing').length, 1);
  });

  it('closes when the services snapshot shows the restart before the start event reaches it (the store applies events first)', async () => {
    h.event('die', { exitCode: 1 });
    h.alerts.fire(change({ added: [alert()] }));
    const [i] = h.store.all();
    // the service store heard the start first and already shows the service running
    h.setState(container());
    h.event('start');
    assert.notEqual(i.healthySince, undefined, 'recovering from the start on');
    h.alerts.fire(change({ resolved: [alert()] }));
    await h.clock.advance(SETTLE);
    assert.equal(i.closedAt, h.clock.now(), 'closed a settle time after the restart');
  });

  it('a new crash while recovering restarts the settle time and stays one incident', async () => {
    h.event('die', { exitCode: 1 });
    h.event('start');
    h.setState(container());
    await h.clock.advance(SETTLE - 1000);
    h.event('die', { exitCode: 1 });
    h.setState(container({ state: 'exited', exitCode: 1 }));
    await h.clock.advance(5000);
    assert.equal(h.store.all().length, 1);
    assert.equal(h.store.all()[0].closedAt, undefined);
  });

  it('a stop (kill then die), a clean exit and an unwatched project open nothing', async () => {
    h.event('kill');
    h.event('die', { exitCode: 137 });
    h.event('die', { containerId: 'w2', exitCode: 0 });
    h.event('die', { project: 'other', exitCode: 1 });
    await settle();
    assert.equal(h.store.all().length, 0);
  });

  it('unhealthy opens an incident that closes after a healthy check and the settle time', async () => {
    h.event('health_status', { healthStatus: 'unhealthy' });
    h.setState(container({ health: 'unhealthy' }));
    h.event('health_status', { healthStatus: 'healthy' });
    h.setState(container({ health: 'healthy' }));
    await h.clock.advance(SETTLE);
    const [i] = h.store.all();
    assert.equal(i.cause, 'unhealthy');
    assert.equal(timeToRecovery(i), SETTLE);
  });

  it('survives a reload (open and recovering) and keeps at most 50 incidents', async () => {
    for (let n = 0; n < 55; n++) {
      h.event('die', { service: `s${n}`, exitCode: 1 });
    }
    h.event('die', { exitCode: 1 });
    h.event('start');
    h.setState(container());
    await h.store.flushed();
    assert.equal(h.store.all().length, 50);
    h.store.dispose();
    const reloaded = h.build();
    assert.equal(reloaded.all().length, 50);
    const w = reloaded.openOf('app/worker');
    assert.ok(w && w.healthySince !== undefined);
    await h.clock.advance(SETTLE);
    assert.ok(reloaded.latestOf('app/worker')?.closedAt, 'the settle timer runs again after a reload');
    reloaded.dispose();
  });
});

describe('incidentOf (what Show Incident / Export Post-mortem run on)', () => {
  it('finds the incident from its node, id, a service node, a healer decision or an alert it joined', async () => {
    const h = new Harness();
    h.event('die', { exitCode: 1 });
    h.alerts.fire(change({ added: [alert()] }));
    const [i] = h.store.all();
    assert.equal(incidentOf({ incident: { id: i.id } }, h.store), i);
    assert.equal(incidentOf(i.id, h.store), i);
    assert.equal(incidentOf({ group: { project: 'app', service: 'worker' } }, h.store), i);
    assert.equal(incidentOf({ entry: { service: 'app/worker' } }, h.store), i);
    assert.equal(incidentOf({ alert: { key: 'fp1' } }, h.store), i);
    assert.equal(incidentOf({ group: { project: 'app', service: 'db' } }, h.store), undefined);
    assert.equal(incidentOf(undefined, h.store), undefined);
    h.store.dispose();
  });
});
