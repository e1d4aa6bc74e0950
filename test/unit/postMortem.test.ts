import assert from 'node:assert/strict';
import type { Incident } from '../../src/core/incidents';
import { buildPostMortem, escapeInline, fence } from '../../src/core/postMortem';

// VS Code's Markdown preview renders with markdown-it (here through @vscode/vsce, which renders the README)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (opts?: { html?: boolean }) => { render(md: string): string };
const render = (md: string) => new MarkdownIt({ html: true }).render(md);

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](http://evil.example) ![x](http://evil.example/x.png)',
  '```',
  '````js',
  '| a | b |',
  '# heading? **bold** _it_',
];

function incident(): Incident {
  const t0 = Date.UTC(2026, 0, 1, 10, 0);
  return {
    id: '1',
    key: 'app/worker',
    project: 'app',
    service: 'worker',
    cause: 'crash',
    openedAt: t0,
    closedAt: t0 + 95_000,
    exitCode: 137,
    oomKilled: true,
    ranForMs: 3000,
    firing: [],
    healedBy: 'restart',
    restarted: true,
    fixedBy: "the healer's restart",
    logSource: "the engine's log of the dead container",
    logLines: ['ok line', ...HOSTILE],
    alerts: [
      {
        key: 'fp',
        name: 'Worker<b>Errors</b>',
        query: 'rate(errors_total{service="worker"}[1m]) > 0',
        labels: { service: 'worker', note: '[x](http://evil.example) | <i>y</i>' },
        annotations: { summary: '`code` & <u>u</u>' },
        firingAt: t0 + 10_000,
        resolvedAt: t0 + 60_000,
      },
    ],
    timeline: [
      { time: t0, kind: 'die', text: 'app-worker-1 died (exit 137, OOM-killed) <b>|</b> [l](http://evil.example)', exitCode: 137 },
      { time: t0 + 1000, kind: 'healer', text: 'healer: worker: restart — done', outcome: 'done' },
      { time: t0 + 95_000, kind: 'closed', text: 'recovered' },
    ],
  };
}

describe('post-mortem Markdown', () => {
  it('holds the summary, timeline table, log excerpt, alerts with queries, healer actions and empty Cause/Follow-ups', () => {
    const md = buildPostMortem(incident(), Date.UTC(2026, 0, 1, 11));
    for (const heading of ['## Summary', '## Timeline', '## Log excerpt', '## Alerts', "## The healer's actions", '## Cause', '## Follow-ups'])
      assert.ok(md.includes(`\n${heading}\n`), heading);
    assert.match(md, /\| Start \| 2026-01-01T10:00:00\.000Z \|/);
    assert.match(md, /\| End \| 2026-01-01T10:01:35\.000Z \|/);
    assert.match(md, /\| Time to recovery \| 1m 35s \|/);
    assert.match(md, /\| What fixed it \| the healer's restart \|/);
    assert.match(md, /\| Crash \| OOM\\-killed \|/);
    assert.ok(md.includes('rate(errors_total{service="worker"}[1m]) > 0'), 'the query verbatim in a fence');
    const html = render(md);
    // the timeline is one table of three rows plus the header, whatever the text said
    const timeline = html.slice(html.indexOf('<h2>Timeline</h2>'), html.indexOf('<h2>Log excerpt</h2>'));
    assert.equal((timeline.match(/<tr>/g) ?? []).length, 4);
    assert.equal((timeline.match(/<td>/g) ?? []).length, 9);
  });

  it('keeps hostile log lines, labels and alert names inert: no HTML, links, images or early fence ends', () => {
    // the document's own italics (the empty Cause section) are the only emphasis
    const html = render(buildPostMortem(incident(), 0)).replace('<em>To be written.</em>', '');
    for (const tag of ['<script', '<img', '<a ', '<b>', '<i>', '<u>', '<strong>', '<em>']) assert.ok(!html.includes(tag), `rendered ${tag}`);
    // every log line renders inside the one code block, as written
    const code = /<pre><code class="language-text">([\s\S]*?)<\/code><\/pre>/.exec(html);
    assert.ok(code, 'one text code block');
    const decoded = code[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    assert.deepEqual(decoded.trimEnd().split('\n'), ['ok line', ...HOSTILE]);
    assert.ok(html.includes('Worker&lt;b&gt;Errors&lt;/b&gt;'), 'the alert name shows as text');
  });

  it('escapes inline text so it renders as itself', () => {
    for (const s of HOSTILE.concat(['a\\|b', 'x\ny', '&amp; <!-- c -->'])) {
      const html = render(escapeInline(s)).trim();
      const text = html
        .replace(/^<p>|<\/p>$/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
      assert.equal(text, s.replace(/\n/g, ' '), s);
    }
  });

  it('fences with more backticks than any run inside', () => {
    assert.ok(fence(['a ```` b']).startsWith('`````text\n'));
    assert.ok(fence(['plain']).startsWith('```text\n'));
  });
});
