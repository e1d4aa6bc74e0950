import assert from 'node:assert/strict';
import { detectLogLevel, stripAnsi } from '../../src/core/logLevel';

describe('detectLogLevel', () => {
  const cases: Array<[string, string]> = [
    ['ts=2026-01-01T00:00:00Z level=error msg="db down"', 'error'],
    ['level=warn msg=slow', 'warn'],
    ['lvl=dbug msg=x level=info', 'info'],
    ['{"ts":1,"level":"debug","msg":"x"}', 'debug'],
    ['{"severity": "WARNING", "message": "disk"}', 'warn'],
    ['2026-01-01 12:00:00 ERROR something broke', 'error'],
    ['[warn] retrying', 'warn'],
    ['INFO  started in 2s', 'info'],
    ['FATAL out of memory', 'error'],
    ['GET /health 200 0 errors', 'unknown'],
    ['\u001b[31mERROR\u001b[0m red text', 'error'],
    ['\u001b[1;33mWARN\u001b[0m yellow', 'warn'],
    ['no level here', 'unknown'],
  ];
  for (const [line, level] of cases) {
    it(`reads ${JSON.stringify(line)} as ${level}`, () => assert.equal(detectLogLevel(line), level));
  }

  it('stays fast on a 1 MB line', () => {
    const line = 'x'.repeat(1_000_000) + ' ERROR';
    const t0 = performance.now();
    assert.equal(detectLogLevel(line), 'unknown'); // levels live at the head of a line
    assert.ok(performance.now() - t0 < 50);
  });

  it('strips ANSI colour and OSC sequences', () => {
    assert.equal(stripAnsi('\u001b[31mred\u001b[0m \u001b]0;title\u0007plain'), 'red plain');
  });
});
