import assert from 'node:assert/strict';
import { resolveRange } from '../../src/shared/protocol';
import { isWebviewMessage } from './support/anyPanelMessage';

describe('webview protocol validator', () => {
  const good: unknown[] = [
    { type: 'ready' },
    { type: 'runMetricsQuery', requestId: 1, panelId: 'main', query: 'up', range: { kind: 'relative', last: '1h' } },
    { type: 'runLogsQuery', requestId: 2, query: '{a="b"}', range: { kind: 'absolute', startMs: 1, endMs: 2 }, limit: 1000, direction: 'forward' },
    { type: 'fetchLabelValues', label: 'compose_service' },
    { type: 'showContext', requestId: 3, labels: { a: 'b' }, tsNs: '1700000000000000000', count: 20 },
    { type: 'startTail', query: '{a="b"}' },
    { type: 'openInGrafana', datasource: 'loki', query: '{a="b"}', range: { kind: 'relative', last: '5m' } },
    { type: 'copy', text: 'x' },
  ];
  for (const m of good) it(`accepts ${(m as { type: string }).type}`, () => assert.equal(isWebviewMessage(m), true));

  const bad: Array<[string, unknown]> = [
    ['null', null],
    ['an array', [{ type: 'ready' }]],
    ['an unknown type', { type: 'deleteEverything' }],
    ['a prototype key as type', { type: 'toString' }],
    ['a string requestId', { type: 'runMetricsQuery', requestId: '1', panelId: 'main', query: 'up', range: { kind: 'relative', last: '1h' } }],
    ['an unknown panel', { type: 'runMetricsQuery', requestId: 1, panelId: 'evil', query: 'up', range: { kind: 'relative', last: '1h' } }],
    ['an unknown quick range', { type: 'runLogsQuery', requestId: 1, query: 'x', range: { kind: 'relative', last: '1y' }, limit: 10, direction: 'backward' }],
    [
      'a reversed absolute range',
      { type: 'runLogsQuery', requestId: 1, query: 'x', range: { kind: 'absolute', startMs: 5, endMs: 1 }, limit: 10, direction: 'backward' },
    ],
    ['a huge limit', { type: 'runLogsQuery', requestId: 1, query: 'x', range: { kind: 'relative', last: '1h' }, limit: 10_000_000, direction: 'backward' }],
    ['a non-numeric timestamp', { type: 'showContext', requestId: 1, labels: {}, tsNs: '12e5', count: 5 }],
    ['non-string labels', { type: 'showContext', requestId: 1, labels: { a: 1 }, tsNs: '1', count: 5 }],
    ['an unknown datasource', { type: 'openInGrafana', datasource: 'http', query: 'x', range: { kind: 'relative', last: '5m' } }],
    ['a 2 MB copy', { type: 'copy', text: 'x'.repeat(2_000_000) }],
  ];
  for (const [what, m] of bad) it(`drops ${what}`, () => assert.equal(isWebviewMessage(m), false));

  it('resolves relative ranges against the given clock', () => {
    assert.deepEqual(resolveRange({ kind: 'relative', last: '15m' }, 1_000_000_000), { startMs: 1_000_000_000 - 900_000, endMs: 1_000_000_000 });
    assert.deepEqual(resolveRange({ kind: 'relative', last: '7d' }, 7 * 86_400_000), { startMs: 0, endMs: 7 * 86_400_000 });
  });
});
