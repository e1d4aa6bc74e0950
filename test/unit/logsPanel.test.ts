// The Logs panel's live tail lifecycle (plain Node, vscode shimmed): a tail is opened only while the
// panel still wants it. `startTail` checks the query over HTTP before opening the websocket; a stop,
// a close, a reload (`ready`) or another start during that check must win.
import './support/vscodeShim';
import assert from 'node:assert/strict';
import { LokiClient } from '../../src/clients/lokiClient';
import type { LokiTail } from '../../src/clients/lokiTail';
import { memoryLogger } from '../support/memoryLogger';
import type { ExtensionMessage } from '../../src/shared/protocol';
import { LogsPanels } from '../../src/webviews/logsPanel';
import { FakeLoki } from '../fakes/lokiFake';
import { fakePanel, fakeUri } from './support/fakePanel';
import { settle as settleTurns } from '../support/manualClock';

describe('Logs panel live tail lifecycle', function () {
  this.timeout(30_000);
  let loki: FakeLoki;
  let client: LokiClient;
  let panels: LogsPanels;
  let fake: ReturnType<typeof fakePanel>;
  /** Every tail the panel opened, and those not disposed yet. */
  let opened: LokiTail[];
  let undisposed: Set<LokiTail>;
  /** Check queries held until the test releases them. */
  let held: Array<() => void>;
  /** Check queries started / answered (the panel decides whether to open a tail right after the answer). */
  let checks: { started: number; answered: number };

  beforeEach(async () => {
    loki = new FakeLoki();
    await loki.start();
    client = new LokiClient({ baseUrl: loki.url, timeoutMs: 5_000 });
    opened = [];
    undisposed = new Set();
    held = [];
    checks = { started: 0, answered: 0 };
    const realQuery = client.queryRange.bind(client);
    client.queryRange = async (req) => {
      checks.started++;
      try {
        await new Promise<void>((resolve) => held.push(resolve));
        return await realQuery(req);
      } finally {
        checks.answered++;
      }
    };
    const realTail = client.tail.bind(client);
    client.tail = (options) => {
      const t = realTail(options);
      opened.push(t);
      undisposed.add(t);
      const dispose = t.dispose.bind(t);
      t.dispose = () => {
        undisposed.delete(t);
        dispose();
      };
      return t;
    };
    panels = new LogsPanels({ extensionUri: fakeUri('/ext'), logger: memoryLogger(), loki: () => client, grafana: () => ({ url: '', lokiUid: 'l' }) });
    fake = fakePanel();
    panels.revive(fake.panel);
    await fake.receive({ type: 'ready' });
  });
  afterEach(async () => {
    panels.dispose();
    for (const t of opened) t.dispose();
    await loki.stop();
  });

  /** Posts `startTail` and waits until its check query is held (the await the races happen in). */
  async function startHeld(query = '{compose_service="api"}'): Promise<{ done: Promise<unknown>; release: () => void }> {
    const before = held.length;
    const done = fake.receive({ type: 'startTail', query });
    await waitUntil(() => held.length > before, 'the check query');
    return { done, release: held[before] };
  }
  const live = () => [...undisposed];
  /** Every check query answered and whatever the panel does next has run: a tail it would open is open. */
  async function settle(): Promise<void> {
    await waitUntil(() => checks.answered === checks.started, 'every check query to answer');
    await settleTurns();
  }
  const tailStates = () => fake.posted.filter((m): m is Extract<ExtensionMessage, { type: 'tailState' }> => m.type === 'tailState');

  it('opens the tail once the check query succeeds (baseline)', async () => {
    const start = await startHeld();
    start.release();
    await start.done;
    await waitUntil(() => loki.tailCount === 1 && tailStates().some((s) => s.state === 'connected'), 'a connected tail');
    assert.equal(live().length, 1);
  });

  it('a stopTail during the check query wins: no tail is opened', async () => {
    const start = await startHeld();
    await fake.receive({ type: 'stopTail' });
    start.release();
    await start.done;
    await settle();
    assert.equal(opened.length, 0, 'no websocket tail was opened');
    assert.equal(loki.tailCount, 0);
  });

  it('the panel closing during the check query wins: no tail is opened', async () => {
    const start = await startHeld();
    fake.close();
    start.release();
    await start.done;
    await settle();
    assert.equal(opened.length, 0, 'no websocket tail outlives the panel');
    assert.equal(loki.tailCount, 0);
  });

  it("a second startTail during the first one's check leaves exactly one tail, the second", async () => {
    const first = await startHeld('{compose_service="first"}');
    const second = await startHeld('{compose_service="second"}');
    second.release();
    await second.done;
    first.release();
    await first.done;
    await waitUntil(() => loki.tailCount === 1, 'one tail websocket');
    await settle();
    assert.equal(live().length, 1, `one live tail, not ${live().length}`);
    assert.equal(opened.length, 1);
    assert.equal(loki.tailCount, 1);
    const upgrade = loki.requests.filter((r) => r.path === '/loki/api/v1/tail');
    assert.equal(upgrade.length, 1);
  });

  it('a reloaded webview (ready again, tailing off) stops the tail, also one still being checked', async () => {
    const start = await startHeld();
    start.release();
    await start.done;
    await waitUntil(() => loki.tailCount === 1, 'a tail websocket');
    await fake.receive({ type: 'ready' });
    assert.equal(live().length, 0, 'the tail of the old page is stopped');
    await waitUntil(() => loki.tailCount === 0, 'the websocket closed');

    const again = await startHeld();
    await fake.receive({ type: 'ready' });
    again.release();
    await again.done;
    await settle();
    assert.equal(live().length, 0, 'a tail checked across the reload is not opened');
  });
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
