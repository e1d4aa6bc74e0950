import assert from 'node:assert/strict';
import type { LogEntry } from '../../src/shared/protocol';
import { webviewSuite, WebviewPage } from './fixture';

// Browser globals used inside page.evaluate callbacks (this file compiles without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, innerWidth: number;

const T = Date.UTC(2026, 0, 15, 12, 0, 0);
const MB_LINE = 'A'.repeat(1_000_000);
/** Lines a hostile or broken service could log. Each would run code if parsed as HTML. */
const HOSTILE: string[] = [
  '<img src=x onerror="window.__pwned=1;alert(1)">',
  '<script>window.__pwned=2</script>',
  '<a href="javascript:window.__pwned=3">click me</a>',
  '<svg onload="window.__pwned=4"></svg>',
  '\u001b[31mERROR\u001b[0m red \u001b]0;evil title\u0007 after',
  'lone surrogates \ud800 and \udfff, replacement \ufffd\ufffd (invalid UTF-8 decoded by the extension)',
  'multi\nline\r\nentry',
  MB_LINE,
];

describe('Logs webview with hostile log content', function () {
  const pages = webviewSuite(this);
  let wp: WebviewPage;

  it('renders every hostile line and label as text: nothing executes, the layout holds', async () => {
    wp = await pages.open('logs');
    const entries: LogEntry[] = HOSTILE.map((line, i) => ({ tsNs: `${T + i}000000`, line, level: i === 4 ? 'error' : 'unknown' }));
    const labels = { compose_service: '<img src=x onerror="window.__pwned=5">', 'x"><script>window.__pwned=6</script>': 'javascript:window.__pwned=7' };
    await wp.page.getByLabel('LogQL query').fill('{compose_service=~".+"}');
    await wp.page.getByLabel('LogQL query').press('Enter');
    const run = await wp.waitForPosted('runLogsQuery');
    await wp.send({
      type: 'logsResult',
      requestId: run.requestId,
      query: run.query,
      streams: [{ labels, entries }],
      limit: 1000,
      truncated: false,
      startMs: T - 1000,
      endMs: T + 1000,
    });
    await wp.page.locator('.status', { hasText: `${HOSTILE.length} lines` }).waitFor();

    const texts = await wp.page.locator('.log-list .row:not([hidden]) .text').allTextContents();
    assert.equal(texts.length, HOSTILE.length);
    assert.equal(texts[HOSTILE.length - 1 - 0], HOSTILE[0], 'markup is shown verbatim');
    assert.ok(texts.includes(HOSTILE[1]) && texts.includes(HOSTILE[2]) && texts.includes(HOSTILE[3]));
    assert.ok(texts.includes('ERROR red  after'), 'ANSI escapes are removed, not interpreted');
    assert.ok(texts.some((t) => t.startsWith('lone surrogates')));
    assert.ok(texts.includes('multi ⏎ line ⏎ entry'), 'a multi-line entry stays one row');
    assert.ok(
      texts.some((t) => t.length === 2001 && t.startsWith('AAAA')),
      'a 1 MB line is clipped in its row',
    );

    // Open every line's details (keyboard), including the 1 MB one and its hostile labels.
    const list = wp.page.getByRole('listbox', { name: 'Log lines' });
    await list.focus();
    for (let i = 0; i < HOSTILE.length; i++) {
      await list.press(i === 0 ? 'Home' : 'ArrowDown');
      await list.press('Enter');
      await wp.page.getByRole('region', { name: 'Line details' }).waitFor();
    }
    const details = wp.page.getByRole('region', { name: 'Line details' });
    assert.deepEqual(await details.locator('.labels th').allTextContents(), Object.keys(labels));
    assert.deepEqual(await details.locator('.labels td').allTextContents(), Object.values(labels));

    const verdict = await wp.page.evaluate(() => ({
      pwned: window.__pwned,
      injected: document.querySelectorAll('#app img, #app script, #app svg, #app a, #app iframe').length,
      pageOverflow: document.documentElement.scrollWidth - innerWidth,
      rowHeights: [...document.querySelectorAll('.log-list .row:not([hidden])')].map(
        (r: { getBoundingClientRect(): { height: number } }) => r.getBoundingClientRect().height,
      ),
      listVisible: document.querySelector('.log-list').getBoundingClientRect().height,
      title: document.title,
    }));
    assert.equal(verdict.pwned, undefined, 'no hostile script ran');
    assert.equal(verdict.injected, 0, 'no element was created from log text');
    assert.ok(verdict.pageOverflow <= 0, `no horizontal overflow of the page (${verdict.pageOverflow}px)`);
    assert.ok(
      verdict.rowHeights.every((hgt: number) => hgt === 20),
      `every row keeps its height: ${verdict.rowHeights}`,
    );
    assert.ok(verdict.listVisible >= 120, 'the list keeps its space');
    assert.equal(verdict.title, 'logs', 'an OSC title sequence did not change the title');
    assert.deepEqual(wp.dialogs, [], 'no dialog fired');
    assert.deepEqual(wp.pageErrors, [], 'no script error');
    assert.deepEqual(await wp.cspViolations(), [], 'nothing even tried to load past the CSP');
  });

  it('shows a hostile error message as text', async () => {
    wp = await pages.open('logs');
    await wp.page.getByLabel('LogQL query').fill('{a="b"}');
    await wp.page.getByLabel('LogQL query').press('Enter');
    const run = await wp.waitForPosted('runLogsQuery');
    const message = 'parse error: <img src=x onerror="window.__pwned=8">';
    await wp.send({ type: 'logsError', requestId: run.requestId, message });
    await wp.page.getByRole('alert').filter({ hasText: 'parse error' }).waitFor();
    assert.equal(await wp.page.locator('.error').textContent(), message);
    assert.equal(await wp.page.evaluate(() => window.__pwned), undefined);
    assert.equal(await wp.page.locator('#app img').count(), 0);
  });
});
