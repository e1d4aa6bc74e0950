import assert from 'node:assert/strict';
import { alignSeries } from '../../src/core/chartSeries';

describe('alignSeries', () => {
  it('puts series on one time axis with gaps where a series has no sample', () => {
    const { times, series, dropped } = alignSeries([
      {
        metric: { job: 'a' },
        values: [
          [10, 1],
          [20, 2],
          [30, 3],
        ],
      },
      {
        metric: { job: 'b' },
        values: [
          [20, 5],
          [40, NaN],
        ],
      },
    ]);
    assert.deepEqual(times, [10, 20, 30, 40]);
    assert.deepEqual(
      series.map((s) => s.values),
      [
        [1, 2, 3, null],
        [null, 5, null, null],
      ],
    );
    assert.deepEqual(series[1].labels, { job: 'b' });
    assert.equal(dropped, 0);
  });

  it('caps the number of series and says how many were left out', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ metric: { i: String(i) }, values: [[1, i]] as Array<[number, number]> }));
    const { series, dropped } = alignSeries(many);
    assert.equal(series.length, 50);
    assert.equal(dropped, 10);
  });
});
