import assert from 'node:assert/strict';
import { formatDuration } from '../../src/core/duration';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatDuration (the one duration formatter)', () => {
  it('exact: the two largest units, seconds kept past a minute, rounded down', () => {
    assert.equal(formatDuration(-5 * S), '0s');
    assert.equal(formatDuration(999), '0s');
    assert.equal(formatDuration(59 * S + 999), '59s');
    assert.equal(formatDuration(60 * S), '1m');
    assert.equal(formatDuration(95 * S), '1m 35s');
    assert.equal(formatDuration(H - 1), '59m 59s');
    assert.equal(formatDuration(H), '1h');
    assert.equal(formatDuration(H + 59 * S), '1h', 'a zero middle unit ends the figure: never "1h 0m 59s"');
    assert.equal(formatDuration(D - 1), '23h 59m');
    assert.equal(formatDuration(D + 5 * M), '1d');
    assert.equal(formatDuration(D + H), '1d 1h');
  });

  it('age: seconds only under a minute, so a tree row does not show a stale seconds figure', () => {
    assert.equal(formatDuration(-10, 'age'), '0s');
    assert.equal(formatDuration(59 * S + 999, 'age'), '59s');
    assert.equal(formatDuration(60 * S, 'age'), '1m');
    assert.equal(formatDuration(119 * S, 'age'), '1m', 'rounded down: a container up 1m 59s is "up 1m"');
    assert.equal(formatDuration(H - 1, 'age'), '59m');
    assert.equal(formatDuration(H + 30 * S, 'age'), '1h');
    assert.equal(formatDuration(H + 61 * S, 'age'), '1h 1m');
    assert.equal(formatDuration(D - 1, 'age'), '23h 59m');
    assert.equal(formatDuration(D, 'age'), '1d');
    assert.equal(formatDuration(D + H + 59 * M, 'age'), '1d 1h');
  });

  it('countdown: rounded up and in words, so a wait that has not passed never reads "0 s"', () => {
    assert.equal(formatDuration(-1, 'countdown'), '0 s');
    assert.equal(formatDuration(0, 'countdown'), '0 s');
    assert.equal(formatDuration(1, 'countdown'), '1 s');
    assert.equal(formatDuration(8 * S, 'countdown'), '8 s');
    assert.equal(formatDuration(59 * S + 1, 'countdown'), '1 min', '59.001 s rounds up to 60 s, which reads as a minute');
    assert.equal(formatDuration(61 * S, 'countdown'), '2 min', 'minutes round up too');
    assert.equal(formatDuration(H - 1, 'countdown'), '1 h');
    assert.equal(formatDuration(H + 1, 'countdown'), '1 h 1 min');
    assert.equal(formatDuration(90 * M, 'countdown'), '1 h 30 min');
  });
});
