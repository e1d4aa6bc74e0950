import assert from 'node:assert/strict';
import { formatDuration } from '../../src/core/duration';
import { describeBudget, HOUR_MS, RateLimiter } from '../../src/core/rateLimiter';
import { FakeClock } from '../support/fakeClock';
import { InMemoryMemento } from '../support/inMemoryMemento';

describe('RateLimiter', () => {
  let clock: FakeClock;
  let memento: InMemoryMemento;
  beforeEach(() => {
    clock = new FakeClock();
    memento = new InMemoryMemento();
  });

  it('allows 3 actions per service per hour by default, then refuses', async () => {
    const limiter = new RateLimiter(memento, clock);
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.canAct('p/arcanum'), true);
      await limiter.record('p/arcanum');
      clock.advance(60_000);
    }
    assert.equal(limiter.canAct('p/arcanum'), false);
    assert.equal(limiter.canAct('p/other'), true, 'budgets are per service');
  });

  it('is a sliding window: the oldest action frees a slot exactly one hour later', async () => {
    const limiter = new RateLimiter(memento, clock);
    const first = clock.now();
    await limiter.record('s');
    clock.advance(18 * 60_000);
    await limiter.record('s');
    await limiter.record('s');
    const status = limiter.status('s');
    assert.equal(status.used, 3);
    assert.equal(status.nextSlotAt, first + HOUR_MS);
    assert.equal(describeBudget('arcanum', status, clock.now()), 'arcanum 3/3 this hour, next slot in 42 min');
    clock.advance(42 * 60_000 - 1);
    assert.equal(limiter.canAct('s'), false);
    clock.advance(1);
    assert.equal(limiter.canAct('s'), true);
    assert.equal(describeBudget('arcanum', limiter.status('s'), clock.now()), 'arcanum 2/3 this hour');
  });

  it('keeps the budget across a reload (a new instance on the same memento)', async () => {
    const before = new RateLimiter(memento, clock);
    await before.record('s');
    await before.record('s');
    await before.record('s');
    const after = new RateLimiter(memento, clock);
    assert.equal(after.canAct('s'), false);
    assert.equal(after.status('s').used, 3);
    assert.deepEqual(after.keys(), ['s']);
  });

  it('honours a changed maximum and resets one or all services', async () => {
    const limiter = new RateLimiter(memento, clock, { maxActionsPerHour: 1 });
    await limiter.record('a');
    await limiter.record('b');
    assert.equal(limiter.canAct('a'), false);
    limiter.setMaxActionsPerHour(2);
    assert.equal(limiter.canAct('a'), true);
    limiter.setMaxActionsPerHour(1);
    await limiter.reset('a');
    assert.equal(limiter.canAct('a'), true);
    assert.equal(limiter.canAct('b'), false);
    await limiter.reset();
    assert.equal(limiter.canAct('b'), true);
  });

  it('drops expired history from the stored value', async () => {
    const limiter = new RateLimiter(memento, clock);
    await limiter.record('old');
    clock.advance(HOUR_MS + 1);
    await limiter.record('new');
    assert.deepEqual(Object.keys(memento.get<Record<string, number[]>>('realm.healer.actionHistory') ?? {}), ['new']);
  });

  it('formats waits in seconds, minutes and hours', () => {
    assert.equal(formatDuration(30_000, 'countdown'), '30 s');
    assert.equal(formatDuration(42 * 60_000, 'countdown'), '42 min');
    assert.equal(formatDuration(65 * 60_000, 'countdown'), '1 h 5 min');
  });
});
