import assert from 'node:assert/strict';
import { AuditEntry, AuditTrail } from '../../src/healer/auditTrail';
import { FakeClock } from '../support/fakeClock';
import { memoryLogger } from '../support/memoryLogger';
import { InMemoryMemento } from '../support/inMemoryMemento';

describe('AuditTrail', () => {
  const trigger = { kind: 'event' as const, event: 'die' as const, containerId: 'c1', containerName: 'app-arcanum-1', time: 1, exitCode: 137 };

  it('records outcomes with time, trigger, service, action and duration, and fires a change event', async () => {
    const clock = new FakeClock();
    const logger = memoryLogger();
    const trail = new AuditTrail(new InMemoryMemento(), clock, logger);
    const seen: Array<AuditEntry | undefined> = [];
    trail.onDidChange((e) => seen.push(e));
    await trail.record({ trigger, service: 'app/arcanum', action: 'restart', outcome: 'done', durationMs: 210 });
    await trail.record({ trigger, service: 'app/arcanum', action: 'restart', outcome: 'failed', detail: 'engine said no', durationMs: 5 });
    await trail.record({
      trigger,
      service: 'app/arcanum',
      action: 'restart',
      outcome: 'skipped',
      reason: 'rate-limited',
      detail: 'budget spent',
      durationMs: 0,
    });
    assert.equal(seen.length, 3);
    const [latest] = trail.recent(1);
    assert.equal(latest.outcome, 'skipped');
    assert.equal(latest.reason, 'rate-limited');
    assert.equal(latest.time, clock.now());
    // one wording everywhere: service: action — outcome (reason)
    assert.deepEqual(logger.lines, [
      '[info] [healer] arcanum: restart — done (died, exit 137) in 210 ms',
      '[warn] [healer] arcanum: restart — failed (engine said no) in 5 ms',
      '[info] [healer] arcanum: restart — gave up (budget spent)',
    ]);
  });

  it('keeps only the last 1,000 entries and survives a reload', async () => {
    const memento = new InMemoryMemento();
    const trail = new AuditTrail(memento, new FakeClock());
    for (let i = 0; i < 1005; i++) void trail.record({ trigger, service: `s${i}`, outcome: 'skipped', reason: 'dry-run', durationMs: 0 });
    await trail.record({ trigger, service: 'last', outcome: 'done', durationMs: 1 });
    assert.equal(trail.entries().length, 1000);
    const reloaded = new AuditTrail(memento, new FakeClock());
    assert.equal(reloaded.entries().length, 1000);
    assert.equal(reloaded.entries()[999].service, 'last');
    assert.equal(reloaded.entries()[0].service, 's6');
  });

  it('exports JSON with ISO times', async () => {
    const trail = new AuditTrail(new InMemoryMemento(), new FakeClock());
    await trail.record({
      trigger: { kind: 'alert', alertname: 'ArcanumNeedsRestart', fingerprint: 'abc' },
      service: 'app/arcanum',
      action: 'restart',
      outcome: 'done',
      durationMs: 3,
    });
    const parsed = JSON.parse(trail.toJSON()) as { entries: Array<{ isoTime: string; trigger: { alertname: string } }> };
    assert.equal(parsed.entries[0].isoTime, '2026-01-01T00:00:00.000Z');
    assert.equal(parsed.entries[0].trigger.alertname, 'ArcanumNeedsRestart');
  });
});
