import assert from 'node:assert/strict';
import { RingBuffer } from '../../src/core/ringBuffer';

describe('RingBuffer', () => {
  it('keeps items in order until full', () => {
    const b = new RingBuffer<number>(3);
    b.pushAll([1, 2]);
    assert.deepEqual(b.toArray(), [1, 2]);
    assert.equal(b.size, 2);
    assert.equal(b.last(), 2);
  });

  it('evicts the oldest beyond capacity and counts evictions', () => {
    const b = new RingBuffer<number>(3);
    b.pushAll([1, 2, 3, 4, 5]);
    assert.deepEqual(b.toArray(), [3, 4, 5]);
    assert.equal(b.evicted, 2);
    assert.equal(b.at(0), 3);
    assert.equal(b.at(3), undefined);
  });

  it('stays bounded at the default tail size under 100,000 pushes', () => {
    const b = new RingBuffer<string>(5_000);
    for (let i = 0; i < 100_000; i++) b.push(`line ${i}`);
    assert.equal(b.size, 5_000);
    assert.equal(b.at(0), 'line 95000');
    assert.equal(b.last(), 'line 99999');
  });

  it('clears and rejects a nonsensical capacity', () => {
    const b = new RingBuffer<number>(2);
    b.pushAll([1, 2, 3]);
    b.clear();
    assert.deepEqual(b.toArray(), []);
    assert.equal(b.evicted, 0);
    assert.throws(() => new RingBuffer(0), RangeError);
  });
});
