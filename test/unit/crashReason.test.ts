import assert from 'node:assert/strict';
import type { EngineEvent } from '../../src/clients/dockerClient';
import { parseContainerInspect, toContainerInfo as fromInspect } from '../../src/clients/dockerResponses';

/** What the client makes of an inspect answer: checked, then mapped. */
const toContainerInfo = (v: unknown) => fromInspect(parseContainerInspect(v));
import { ContainerInfo, groupByService } from '../../src/core/containers';
import { crashReason, Incident, quotableLine } from '../../src/core/incidents';
import { Emitter } from '../../src/platform/event';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { IncidentStore } from '../../src/state/incidentStore';
import type { ServicesSnapshot } from '../../src/state/serviceStore';
import { ManualClock, settle } from '../support/manualClock';
import { containerInfo } from '../support/containerInfo';

const base = (over: Partial<Incident>): Incident => ({
  id: '1',
  key: 'app/api',
  project: 'app',
  service: 'api',
  cause: 'crash',
  openedAt: 0,
  firing: [],
  alerts: [],
  timeline: [],
  ...over,
});

describe('crash reason at a glance', () => {
  it('names the OOM kill with the memory limit, in binary units', () => {
    assert.equal(crashReason(base({ exitCode: 137, oomKilled: true, memoryLimitBytes: 512 * 1024 * 1024 })), 'OOM-killed at 512 MiB');
    assert.equal(crashReason(base({ exitCode: 137, oomKilled: true })), 'OOM-killed');
  });

  it('gives the exit code, how long it ran and the last non-empty line, ANSI stripped and bounded', () => {
    const i = base({ exitCode: 1, ranForMs: 3_000, logLines: ['starting', '\u001b[31mError: ECONNREFUSED db:5432\u001b[0m', '   '] });
    assert.equal(crashReason(i), 'exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432`');
    const long = crashReason(base({ exitCode: 2, logLines: ['x'.repeat(5_000)] }))!;
    assert.ok(long.length < 200 && long.endsWith('…`'), long);
    assert.equal(crashReason(base({ exitCode: 3 })), 'exit 3');
    assert.equal(crashReason(base({ exitCode: 1, logLines: ['a `quoted` word'] })), 'exit 1; last line: ``a `quoted` word``');
  });

  it('an unhealthy incident quotes the failing check; an alert has no crash reason', () => {
    assert.equal(
      crashReason(base({ cause: 'unhealthy', healthOutput: "wget: can't connect to remote host\n" })),
      "unhealthy: wget: can't connect to remote host",
    );
    assert.equal(crashReason(base({ cause: 'unhealthy' })), 'unhealthy');
    assert.equal(crashReason(base({ cause: 'alert' })), undefined);
  });

  it('quotable lines fold control characters and whitespace', () => {
    assert.equal(quotableLine('a\tb\r\nc\u0007d'), 'a b c d');
  });

  it("reads the memory limit and the health check's last output from inspect", () => {
    const info = toContainerInfo({
      Id: 'c1',
      Name: '/app-api-1',
      Created: '2026-01-01T00:00:00Z',
      Config: { Image: 'x', Labels: {} },
      State: {
        Status: 'running',
        Health: {
          Status: 'unhealthy',
          Log: [
            { ExitCode: 0, Output: 'old' },
            { ExitCode: 7, Output: 'curl: (7) Failed to connect' },
          ],
        },
      },
      HostConfig: { Memory: 8 * 1024 * 1024 },
    });
    assert.equal(info.memoryLimitBytes, 8 * 1024 * 1024);
    assert.equal(info.healthOutput, 'curl: (7) Failed to connect');
    const unlimited = toContainerInfo({ Id: 'c2', Name: '/x', Created: '', Config: { Image: 'x' }, State: { Status: 'exited' }, HostConfig: { Memory: 0 } });
    assert.equal(unlimited.memoryLimitBytes, undefined);
  });

  it("the store records the engine's OOM flag, the limit and the failing check from inspect", async () => {
    const clock = new ManualClock();
    const events = new Emitter<EngineEvent>();
    const c: ContainerInfo = containerInfo({ id: 'w1', name: 'app-api-1', service: 'api', image: 'x' });
    const snap: ServicesSnapshot = {
      engine: 'reachable',
      projects: [{ name: 'app', role: 'app' }],
      containers: [c],
      groups: groupByService([c]),
      updatedAt: 0,
    };
    let inspected: ContainerInfo = { ...c, state: 'exited', exitCode: 137, oomKilled: true, memoryLimitBytes: 16 * 1024 * 1024 };
    const store = new IncidentStore(
      {
        engineEvents: events.event,
        services: { onDidChange: new Emitter<ServicesSnapshot>().event, snapshot: snap, whenCurrent: async () => snap },
        projects: () => ['app'],
        inspect: async () => inspected,
        lastLines: async () => ['allocating'],
      },
      { memento: new InMemoryMemento(), clock, timers: clock },
    );
    const fire = (action: string, over: Partial<EngineEvent> = {}) =>
      events.fire({
        action,
        containerId: 'w1',
        name: 'app-api-1',
        project: 'app',
        service: 'api',
        time: clock.now(),
        receivedAt: clock.now(),
        attributes: {},
        ...over,
      });
    fire('die', { exitCode: 137 });
    await settle();
    assert.equal(crashReason(store.all()[0]), 'OOM-killed at 16 MiB');
    store.dispose();

    inspected = { ...c, health: 'unhealthy', healthOutput: 'HTTP 503 from /health' };
    const store2 = new IncidentStore(
      {
        engineEvents: events.event,
        services: { onDidChange: new Emitter<ServicesSnapshot>().event, snapshot: snap, whenCurrent: async () => snap },
        projects: () => ['app'],
        inspect: async () => inspected,
      },
      { memento: new InMemoryMemento(), clock, timers: clock },
    );
    fire('health_status', { healthStatus: 'unhealthy' });
    await settle();
    assert.equal(crashReason(store2.all()[0]), 'unhealthy: HTTP 503 from /health');
    store2.dispose();
  });
});
