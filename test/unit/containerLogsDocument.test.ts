/**
 * Issue 13: Show Container Logs opens a read-only `realm-logs:` document (a content provider, not an
 * Untitled buffer), newest line last (the editor is scrolled there), ANSI escapes removed, replicas
 * merged in time order and tagged; log text stays plain text.
 */
import { window, workspace } from './support/vscodeShim';
import assert from 'node:assert/strict';
import { ContainerLogDocuments, LOGS_SCHEME, renderLogs } from '../../src/commands/containerLogsDocument';
import { container } from './support/treeNodes';

describe('Container log documents (issue 13)', () => {
  const noop = () => ({ dispose: () => undefined });
  before(
    () => Object.assign(window, { onDidChangeVisibleTextEditors: noop, visibleTextEditors: [] }) && Object.assign(workspace, { onDidChangeTextDocument: noop }),
  );
  after(() => {
    delete window.onDidChangeVisibleTextEditors;
    delete window.visibleTextEditors;
    delete workspace.onDidChangeTextDocument;
  });

  it('renders oldest first and newest last, without ANSI escapes, one replica per tag in time order', () => {
    const a = container({ name: 'shop-web-1', id: 'a' });
    const b = container({ name: 'shop-web-2', id: 'b', number: 2 });
    const text = renderLogs({ project: 'shop', service: 'web', containers: [a, b] }, [
      { container: a, lines: ['2026-12-01T10:00:01.000000000Z \u001b[32mGET /\u001b[0m 200', '2026-12-01T10:00:03.000000000Z <script>alert(1)</script>'] },
      { container: b, lines: ['2026-12-01T10:00:02.000000000Z \u001b]0;title\u0007started'] },
    ]);
    const body = text.split('\n').filter((l) => /^shop-web-\d \| /.test(l));
    assert.deepEqual(
      body,
      [
        'shop-web-1 | 2026-12-01T10:00:01.000000000Z GET / 200',
        'shop-web-2 | 2026-12-01T10:00:02.000000000Z started',
        'shop-web-1 | 2026-12-01T10:00:03.000000000Z <script>alert(1)</script>',
      ],
      'merged by time, newest last, escapes gone, markup kept as the text it is',
    );
    assert.ok(!text.includes('\u001b'));
    assert.match(text, /^# shop\/web — newest at the bottom/);
  });

  it('serves a realm-logs: document, read fresh from the engine on each read', async () => {
    let reads = 0;
    const docs = new ContainerLogDocuments(async () => {
      reads++;
      return [`line ${reads}`];
    });
    const c = container({ name: 'shop-web-1' });
    const uri = docs.uriOf({ project: 'shop', service: 'web', containers: [c] });
    assert.equal(uri.scheme, LOGS_SCHEME);
    assert.equal(uri.path, '/shop/shop-web-1.log');
    assert.match(await docs.provideTextDocumentContent(uri), /no longer known to Realm/, 'an unknown document says what to do');
    (docs as unknown as { sources: Map<string, unknown> }).sources.set(uri.toString(), { project: 'shop', service: 'web', containers: [c] });
    assert.match(await docs.provideTextDocumentContent(uri), /\nline 1\n$/);
    assert.match(await docs.provideTextDocumentContent(uri), /\nline 2\n$/, 'refresh and follow re-read');
    docs.dispose();
  });
});
