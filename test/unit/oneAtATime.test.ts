import assert from 'node:assert/strict';
import { getOrPostForm, POST_THRESHOLD_CHARS } from '../../src/clients/http';
import { containsLabels } from '../../src/core/labelIndex';
import { OneAtATime } from '../../src/platform/oneAtATime';
import { settle } from '../support/manualClock';

/** A pass the test finishes by hand. */
function gatedWork() {
  const gates: Array<() => void> = [];
  let started = 0;
  const work = () =>
    new Promise<number>((resolve) => {
      const n = ++started;
      gates.push(() => resolve(n));
    });
  return { work, gates, started: () => started };
}

describe('one of each: one run at a time, the POST threshold, label containment', () => {
  it('OneAtATime: a burst of requests during a run is exactly one more run, and everyone gets its result', async () => {
    const { work, gates, started } = gatedWork();
    const runs = new OneAtATime(work);
    const first = runs.run();
    const burst = [runs.run(), runs.run(), runs.run()];
    assert.equal(started(), 1, 'one run at a time');
    assert.equal(runs.running, true);
    gates.shift()!();
    await settle();
    assert.equal(started(), 2, 'the burst queued exactly one more');
    gates.shift()!();
    assert.deepEqual(await Promise.all([first, ...burst]), [2, 2, 2, 2], 'everyone waits for the queued pass');
    await settle();
    assert.equal(started(), 2);
    assert.equal(runs.running, false);
  });

  it('OneAtATime: asked between the last pass and its settling, the pass still runs; work waiting elsewhere counts too', async () => {
    const { work, gates, started } = gatedWork();
    let waiting = 0;
    const runs = new OneAtATime(work, () => waiting > 0);
    const first = runs.run();
    gates.shift()!();
    // the loop has checked for more (none) but its promise has not settled: this request must not be lost
    await Promise.resolve();
    void runs.run();
    await first;
    await settle();
    assert.equal(started(), 2, 'the late request ran');
    gates.shift()!();
    await settle();
    waiting = 1;
    const third = runs.run();
    gates.shift()!();
    await settle();
    assert.equal(started(), 4, 'more() kept the loop going');
    waiting = 0;
    gates.shift()!();
    assert.equal(await third, 4);
  });

  it('OneAtATime: a failed run rejects its callers, and the next request runs again', async () => {
    let calls = 0;
    const runs = new OneAtATime(async () => {
      calls++;
      if (calls === 1) throw new Error('engine down');
      return calls;
    });
    await assert.rejects(runs.run(), /engine down/);
    assert.equal(await runs.run(), 2);
  });

  it('getOrPostForm: GET up to the threshold, a POST form past it, GET for repeated parameters', () => {
    const short = getOrPostForm('/api/v1/query', { query: 'up', time: undefined });
    assert.equal(short.method, 'GET');
    const long = getOrPostForm('/api/v1/query', { query: 'x'.repeat(POST_THRESHOLD_CHARS) }, { timeoutMs: 5 });
    assert.equal(long.method, 'POST');
    assert.deepEqual(long.form, { query: 'x'.repeat(POST_THRESHOLD_CHARS) });
    assert.equal(long.timeoutMs, 5);
    // "query=" + 1993 characters is exactly 2000: still a GET
    assert.equal(getOrPostForm('/q', { query: 'a'.repeat(POST_THRESHOLD_CHARS - 7) }).method, 'GET');
    assert.equal(getOrPostForm('/q', { query: 'a'.repeat(POST_THRESHOLD_CHARS - 6) }).method, 'POST');
    assert.equal(getOrPostForm('/api/v1/series', { 'match[]': ['a'.repeat(3000), 'b'] }).method, 'GET');
  });

  it('containsLabels: every label of the subset, same value; nothing from the prototype', () => {
    assert.equal(containsLabels({ a: '1', b: '2' }, { a: '1' }), true);
    assert.equal(containsLabels({ a: '1' }, {}), true);
    assert.equal(containsLabels({ a: '1' }, { a: '2' }), false);
    assert.equal(containsLabels({ a: '1' }, { b: '1' }), false);
    assert.equal(containsLabels({}, { constructor: 'x' }), false);
  });
});
