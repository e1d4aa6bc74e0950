// The Incident panel's extension side (plain Node, vscode shimmed): the view it builds, the log
// window (Loki, else the engine's lines of the dead container, said which), links resolved against
// the stored incident (never a URL from the webview), and malformed messages dropped.
import './support/vscodeShim';
import assert from 'node:assert/strict';
import type { Incident } from '../../src/core/incidents';
import { Emitter } from '../../src/platform/event';
import { memoryLogger } from '../support/memoryLogger';
import type { IncidentReply } from '../../src/shared/incidentProtocol';
import { IncidentPanels } from '../../src/webviews/incidentPanel';
import { waitUntil } from '../support/waitFor';
import { fakePanel, fakeUri } from './support/fakePanel';

const T0 = Date.UTC(2026, 0, 15, 12);

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'i1',
    key: 'app/worker',
    project: 'app',
    service: 'worker',
    cause: 'crash',
    openedAt: T0,
    exitCode: 137,
    oomKilled: true,
    memoryLimitBytes: 64 * 1024 * 1024,
    firing: [],
    logLines: ['allocating', 'ERROR out of memory'],
    logSource: 'engine',
    alerts: [
      {
        key: 'a1',
        name: 'WorkerDown',
        query: 'up{job="worker"} == 0',
        labels: { alertname: 'WorkerDown', service: 'worker' },
        annotations: { summary: '<b>down</b>' },
        firingAt: T0 + 1_000,
      },
    ],
    timeline: [
      { time: T0, kind: 'die', text: 'app-worker-1 died (exit 137, OOM-killed)', container: 'app-worker-1', exitCode: 137 },
      { time: T0 + 1_000, kind: 'alert-firing', text: 'alert WorkerDown firing', alertname: 'WorkerDown' },
    ],
    ...over,
  };
}

describe('Incident panel (extension side)', () => {
  const followed: unknown[] = [];
  let lokiAnswer: () => Promise<unknown>;
  const build = (i: Incident) =>
    new IncidentPanels({
      extensionUri: fakeUri('/ext'),
      logger: memoryLogger(),
      now: () => T0 + 120_000,
      incidents: { get: (id) => (id === i.id ? i : undefined), onDidChange: new Emitter<Incident | undefined>().event },
      loki: () => ({ baseUrl: 'http://127.0.0.1:3100', queryRange: (() => lokiAnswer()) as never }),
      prometheus: () =>
        ({
          queryRange: async () => ({ result: [{ metric: { name: 'app-worker-1' }, values: [[T0 / 1000, 1]] }], step: 15 }),
          labelValues: async () => [],
        }) as never,
      follow: {
        logs: (...a) => void followed.push(['logs', ...a]),
        metrics: (...a) => void followed.push(['metrics', ...a]),
        alertmanager: (a) => void followed.push(['alertmanager', a]),
      },
    });

  it("builds the view (reason, alert detail as text, links, charts: the alert's query and memory for an OOM) and falls back to the engine's lines without Loki", async () => {
    const i = incident();
    const panels = build(i);
    const fake = fakePanel();
    panels.revive(fake.panel);
    await fake.receive({ type: 'ready' });
    await fake.receive({ type: 'loadIncident', requestId: 1, id: 'i1' });
    const reply = fake.posted.find((m): m is Extract<IncidentReply, { type: 'incident' }> => m.type === 'incident')!;
    assert.equal(reply.requestId, 1);
    const view = reply.view!;
    assert.equal(view.reason, 'OOM-killed at 64 MiB');
    assert.deepEqual(
      view.entries.map((e) => e.kind),
      ['die', 'alert-firing'],
    );
    assert.deepEqual(view.entries[0].links, [{ kind: 'logs', atMs: T0 }, { kind: 'memory' }]);
    assert.deepEqual(view.entries[1].links, [
      { kind: 'metrics', alert: 0 },
      { kind: 'alertmanager', alert: 0 },
      { kind: 'logs', atMs: T0 + 1_000 },
    ]);
    assert.match(view.entries[1].detail ?? '', /summary: <b>down<\/b>/);
    assert.deepEqual(
      view.charts.map((c) => c.unit),
      ['count', 'bytes'],
    );

    lokiAnswer = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3100'), { code: 'ECONNREFUSED' });
    };
    await fake.receive({ type: 'loadLogs', requestId: 2, id: 'i1' });
    const logs = fake.posted.find((m): m is Extract<IncidentReply, { type: 'incidentLogs' }> => m.type === 'incidentLogs')!.logs;
    assert.equal(logs.source, 'engine');
    assert.match(logs.sourceText, /^Without Loki \(.+\): the last 2 lines of the dead container, from the Docker engine\.$/);
    assert.deepEqual(
      logs.entries.map((e) => [e.line, e.level]),
      [
        ['allocating', 'unknown'],
        ['ERROR out of memory', 'error'],
      ],
    );

    await fake.receive({ type: 'loadChart', requestId: 3, id: 'i1', chart: 1 });
    const chart = await waitUntil('the memory chart', () =>
      fake.posted.find((m): m is Extract<IncidentReply, { type: 'incidentChart' }> => m.type === 'incidentChart'),
    );
    assert.equal(chart.chart, 1);
    assert.equal(chart.series.length, 1);
    panels.dispose();
  });

  it("reads Loki's window (not the healer's own decision lines), follows links with the stored query and labels, and drops what is malformed", async () => {
    const i = incident();
    const panels = build(i);
    const fake = fakePanel();
    panels.revive(fake.panel);
    await fake.receive({ type: 'ready' });
    lokiAnswer = async () => ({
      resultType: 'streams',
      streams: [
        {
          labels: { compose_service: 'worker' },
          entries: [
            [`${T0 - 1_000}000000`, 'level=error boom'],
            [`${T0 - 2_000}000000`, 'level=info up'],
          ],
        },
        { labels: { compose_service: 'worker', job: 'realm-healer' }, entries: [[`${T0}000000`, '{"action":"restart"}']] },
      ],
    });
    await fake.receive({ type: 'loadLogs', requestId: 4, id: 'i1' });
    const logs = fake.posted.find((m): m is Extract<IncidentReply, { type: 'incidentLogs' }> => m.type === 'incidentLogs')!.logs;
    assert.equal(logs.source, 'loki');
    assert.deepEqual(
      logs.entries.map((e) => e.line),
      ['level=info up', 'level=error boom'],
    );

    await fake.receive({ type: 'follow', id: 'i1', link: { kind: 'metrics', alert: 0 } });
    await fake.receive({ type: 'follow', id: 'i1', link: { kind: 'alertmanager', alert: 0 } });
    await fake.receive({ type: 'follow', id: 'i1', link: { kind: 'logs', atMs: T0 } });
    await fake.receive({ type: 'follow', id: 'i1', link: { kind: 'metrics', alert: 7 } });
    await fake.receive({ type: 'follow', id: 'i1', link: { kind: 'url', href: 'javascript:alert(1)' } });
    await fake.receive({ type: 'runLogsQuery', requestId: 1, query: 'x' });
    assert.deepEqual(
      followed.slice(-3),
      [
        ['metrics', 'up{job="worker"} == 0', T0 - 300_000, T0 + 300_000],
        ['alertmanager', { name: 'WorkerDown', labels: { alertname: 'WorkerDown', service: 'worker' } }],
        ['logs', '{compose_project="app", compose_service="worker"}', T0 - 300_000, T0 + 300_000],
      ],
      "an alert index past the list follows nothing; an unknown link kind and another panel's message are dropped",
    );
    panels.dispose();
  });
});
