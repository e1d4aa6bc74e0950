import assert from 'node:assert/strict';
import { mapWithConcurrency } from '../../src/platform/concurrency';

describe('mapWithConcurrency', () => {
  it('keeps the order of its input and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapWithConcurrency(
      Array.from({ length: 50 }, (_, i) => i),
      8,
      async (i) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setImmediate(r));
        running--;
        return i * 2;
      },
    );
    assert.deepEqual(
      out,
      Array.from({ length: 50 }, (_, i) => i * 2),
    );
    assert.equal(most, 8);
  });

  it('rejects with the first failure, and answers an empty input', async () => {
    await assert.rejects(
      mapWithConcurrency([1, 2, 3], 2, async (i) => {
        if (i === 2) throw new Error('boom');
        return i;
      }),
      /boom/,
    );
    assert.deepEqual(await mapWithConcurrency([], 8, async (i) => i), []);
  });
});
