/** The views' "subscribe only while visible": one subscription per shown period, none while hidden. */
import assert from 'node:assert/strict';
import { WhileVisible } from '../../src/platform/whileVisible';

function setUp() {
  const log: string[] = [];
  let live = 0;
  const visibility = new WhileVisible({
    subscribe: () => {
      live++;
      log.push('subscribe');
      return [{ dispose: () => (live--, log.push('release')) }, undefined];
    },
    ticker: { setVisible: (v) => log.push(`ticker ${v}`) },
    shown: () => log.push('redraw'),
  });
  return { visibility, log, live: () => live };
}

describe('WhileVisible', () => {
  it('subscribes, ticks and redraws when shown; lets go of both when hidden', () => {
    const { visibility, log, live } = setUp();
    visibility.setVisible(true);
    assert.deepEqual(log, ['subscribe', 'ticker true', 'redraw']);
    assert.equal(live(), 1);
    visibility.setVisible(false);
    assert.deepEqual(log.slice(3), ['release', 'ticker false']);
    assert.equal(live(), 0);
    assert.equal(visibility.visible, false);
  });

  it('a repeated visibility event changes nothing (VS Code may report the same state twice)', () => {
    const { visibility, log, live } = setUp();
    visibility.setVisible(false);
    visibility.setVisible(true);
    visibility.setVisible(true);
    assert.equal(live(), 1);
    assert.equal(log.filter((l) => l === 'subscribe').length, 1);
  });

  it('dispose releases a visible view and is harmless twice', () => {
    const { visibility, live } = setUp();
    visibility.setVisible(true);
    visibility.dispose();
    visibility.dispose();
    assert.equal(live(), 0);
  });
});
