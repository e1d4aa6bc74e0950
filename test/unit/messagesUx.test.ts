/**
 * Issue 13, "Everywhere": every notification reads "Realm: …" (one prefix style), none shows a raw
 * error object, Open in Grafana with Grafana down says so instead of opening a tab, Copy Password
 * says it copied, and the manifest's keybindings, welcome button and walkthrough are wired.
 */
import './support/vscodeShim';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { GrafanaUi, openGrafana } from '../../src/commands/openInGrafana';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string }[];
    keybindings: { command: string; key: string; mac?: string; when?: string }[];
    viewsWelcome: { view: string; contents: string; when?: string }[];
    walkthroughs: { id: string; steps: { id: string; title: string; description: string; media: { markdown?: string }; completionEvents?: string[] }[] }[];
  };
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function fakeUi() {
  const calls: { kind: string; args: unknown[] }[] = [];
  const answers: (string | undefined)[] = [];
  const ui: GrafanaUi = {
    openExternal: async (url) => {
      calls.push({ kind: 'open', args: [url] });
      return true;
    },
    info: async (m, ...i) => {
      calls.push({ kind: 'info', args: [m, ...i] });
      return answers.shift();
    },
    warn: async (m, ...i) => {
      calls.push({ kind: 'warn', args: [m, ...i] });
      return answers.shift();
    },
    copy: async (t) => {
      calls.push({ kind: 'copy', args: [t] });
    },
    executeCommand: async (c) => {
      calls.push({ kind: 'command', args: [c] });
    },
  };
  return { ui, calls, answers };
}

describe('Messages and manifest UX (issue 13)', () => {
  it('every notification literal starts with "Realm: " and none interpolates a raw error', () => {
    const bad: string[] = [];
    const call = /(?:show(?:Information|Warning|Error)Message|\bui\.(?:info|warn))\(\s*(?:withoutLinks\(\s*)?([`'"])([^`'"]{0,60})/g;
    for (const file of sources(path.join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(call)) {
        if (!m[2].startsWith('Realm: ')) bad.push(`${path.relative(ROOT, file)}: ${m[1]}${m[2]}…`);
      }
      for (const m of text.matchAll(/show(?:Information|Warning|Error)Message\([^;]*\$\{(?:err|error|e)\}/g))
        bad.push(`${path.relative(ROOT, file)}: raw error in ${m[0].slice(0, 80)}`);
    }
    assert.deepEqual(bad, []);
  });

  it('Open in Grafana with Grafana down says so and offers Stack Up, instead of opening a tab that fails', async () => {
    const { ui, calls, answers } = fakeUi();
    answers.push('Stack Up');
    const secrets = { get: async () => 'pw', store: async () => undefined };
    const opened = await openGrafana({ grafanaUrl: () => 'http://127.0.0.1:1', secrets, ui }, 'http://127.0.0.1:1/d/realm');
    assert.equal(opened, false);
    assert.equal(calls.filter((c) => c.kind === 'open').length, 0, 'no browser tab');
    assert.deepEqual(calls[0], {
      kind: 'warn',
      args: [
        'Realm: Grafana at http://127.0.0.1:1 is not running, so there is nothing to open. Start the stack (Stack Up) or set realm.grafanaUrl to a running Grafana.',
        'Stack Up',
        'Use Existing Grafana…',
      ],
    });
    assert.deepEqual(calls[1], { kind: 'command', args: ['realm.stackUp'] });
  });

  it('Open in Grafana with Grafana up opens it, and Copy Password says it copied', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/api/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"commit":"x","database":"ok","version":"11.1.0"}');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { ui, calls, answers } = fakeUi();
      answers.push('Copy Password');
      const secrets = { get: async () => 'generated-secret', store: async () => undefined };
      assert.equal(await openGrafana({ grafanaUrl: () => url, secrets, ui }, `${url}/d/realm`), true);
      for (const end = Date.now() + 5000; !calls.some((c) => c.kind === 'copy') && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        calls.map((c) => c.kind),
        ['open', 'info', 'copy', 'info'],
      );
      assert.deepEqual(calls[2].args, ['generated-secret']);
      assert.equal(calls[3].args[0], 'Realm: the Grafana admin password is on the clipboard.');

      const remote = fakeUi();
      await openGrafana(
        { grafanaUrl: () => 'https://grafana.example.com', secrets, ui: remote.ui, isUp: async () => true },
        'https://grafana.example.com/d/realm',
      );
      assert.deepEqual(
        remote.calls.map((c) => c.kind),
        ['open'],
        "no stack password offered for someone else's Grafana",
      );
    } finally {
      server.close();
    }
  });

  it('binds the main actions to chords no VS Code default uses, and each names a contributed command', () => {
    const keys = manifest.contributes.keybindings;
    const commands = new Set(manifest.contributes.commands.map((c) => c.command));
    const byCommand = new Map(keys.map((k) => [k.command, k]));
    for (const c of ['realm.services.focus', 'realm.healNow', 'realm.searchLogs', 'realm.openMetrics']) assert.ok(byCommand.has(c), `${c} has a keybinding`);
    for (const k of keys) {
      assert.ok(commands.has(k.command) || k.command.endsWith('.focus'), `${k.command} is contributed`);
      assert.match(k.key, /^ctrl\+alt\+k [a-z]$/, 'one chord prefix, a plain letter second');
      assert.match(k.mac ?? '', /^cmd\+alt\+k [a-z]$/);
    }
    assert.equal(new Set(keys.map((k) => k.key)).size, keys.length, 'no two share a chord');
  });

  it('the Alerts welcome view offers the URL settings; a walkthrough covers the first run, each step with its markdown', () => {
    const welcome = manifest.contributes.viewsWelcome.find((w) => w.view === 'realm.alerts' && w.contents.includes('has not answered yet'))!;
    assert.match(welcome.contents, /\n\[Use Existing Prometheus\/Alertmanager…\]\(command:realm\.useExistingBackends\)/);
    assert.ok(welcome.contents.indexOf('Use Existing') < welcome.contents.indexOf('Set Backend Credentials'), 'the URL settings before credentials');
    const [walk] = manifest.contributes.walkthroughs;
    assert.deepEqual(
      walk.steps.map((s) => s.id),
      ['openProject', 'appUp', 'backends', 'seeAlert', 'watchHeal', 'searchLogs'],
    );
    for (const s of walk.steps) {
      assert.ok(s.media.markdown && existsSync(path.join(ROOT, s.media.markdown)), `${s.id}: ${s.media.markdown} exists`);
      assert.match(s.media.markdown!, /^media\/walkthrough\/.+\.md$/);
      assert.match(s.description, /\]\(command:realm\.|\]\(command:workbench\.|\]\(command:vscode\./, `${s.id} has a button`);
      assert.ok(s.completionEvents?.length, `${s.id} completes by itself`);
    }
  });
});
