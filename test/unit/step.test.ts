import assert from 'node:assert/strict';
import { chooseStep, MAX_POINTS_PER_SERIES, pointCount } from '../../src/core/step';

describe('chooseStep', () => {
  const end = 1_795_867_654;

  it('keeps one hour near the target with a readable step', () => {
    const step = chooseStep(end - 3600, end, 300);
    assert.equal(step, 15);
    assert.ok(pointCount(end - 3600, end, step) <= 300);
  });

  it('never goes below one second for short ranges', () => {
    assert.equal(chooseStep(end - 60, end), 1);
    assert.equal(chooseStep(end, end), 1);
  });

  it('stays under the 11,000-point limit Prometheus enforces, for ranges from seconds to decades', () => {
    for (const range of [1, 59, 10_999, 11_000, 11_001, 86_400, 30 * 86_400, 365 * 86_400, end]) {
      for (const target of [1, 2, 300, 10_999, 11_000, 50_000]) {
        const step = chooseStep(end - range, end, target);
        assert.ok(step >= 1, `step ${step}`);
        assert.ok(pointCount(end - range, end, step) <= MAX_POINTS_PER_SERIES, `range ${range} target ${target} → ${step}`);
      }
    }
  });

  it('allows exactly 11,000 points, as the real server does (sample range_11000_points_ok)', () => {
    // start=1795856655 end=1795867654 step=1 was accepted; one second more was refused
    assert.equal(pointCount(1_795_856_655, 1_795_867_654, 1), 11_000);
    assert.equal(pointCount(1_795_856_653, 1_795_867_654, 1), 11_002);
    assert.equal(chooseStep(1_795_856_655, end, 11_000), 1);
    assert.equal(chooseStep(1_795_856_653, end, 11_000), 2);
  });

  it('uses whole days beyond a day per point', () => {
    const step = chooseStep(0, end, 300);
    assert.equal(step % 86_400, 0);
    assert.ok(pointCount(0, end, step) <= 300);
  });

  it('rejects non-finite times', () => {
    assert.throws(() => chooseStep(Number.NaN, end), RangeError);
  });
});
