import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendError } from '../../src/clients/http';
import { GrafanaClient } from '../../src/clients/grafanaClient';
import {
  GrafanaPasswordDriftDeps,
  KEEP_CHOICE,
  RESET_ADMIN_PASSWORD_CMD,
  RESET_CHOICE,
  resolveGrafanaPasswordDrift,
} from '../../src/commands/grafanaPasswordDrift';
import { memoryLogger } from '../support/memoryLogger';

// Grafana keeps the admin password its data volume was created with (issue 11): a fake Grafana API
// that answers /api/user as the real one does (200 with the user, 401 {"message":"Invalid username or password"}).
class FakeGrafana {
  password = 'first-machine-secret';
  starting = false;
  readonly seen: string[] = [];
  private server = http.createServer((req, res) => {
    const auth = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    this.seen.push(`${req.method} ${req.url}`);
    if (this.starting) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('starting');
    if (req.url !== '/api/user') return void res.writeHead(404).end();
    if (auth !== `admin:${this.password}`)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Invalid username or password","statusCode":401}');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1,"login":"admin","isGrafanaAdmin":true}');
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('Grafana password drift', () => {
  let grafana: FakeGrafana;
  beforeEach(async () => {
    grafana = new FakeGrafana();
    await grafana.start();
  });
  afterEach(() => grafana.stop());

  it('GrafanaClient.checkSignIn: accepted, rejected (401), starting (503), and an unreachable Grafana is an error without the password', async () => {
    const client = new GrafanaClient({ baseUrl: grafana.url });
    assert.equal(await client.checkSignIn('admin', 'first-machine-secret'), 'accepted');
    assert.equal(await client.checkSignIn('admin', 'new-profile-secret'), 'rejected');
    grafana.starting = true;
    assert.equal(await client.checkSignIn('admin', 'first-machine-secret'), 'starting');
    const down = new GrafanaClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    await assert.rejects(
      down.checkSignIn('admin', 'hunter2-secret'),
      (e: BackendError) => e.backend === 'grafana' && e.kind === 'unreachable' && !e.message.includes('hunter2'),
    );
  });

  /** The drift flow with the fake Grafana, a fake container exec and a scripted UI. */
  function deps(stored: string, answers: { choice?: string; oldPassword?: string; execExit?: number }) {
    const client = new GrafanaClient({ baseUrl: grafana.url });
    const calls = {
      stored: [] as string[],
      resets: [] as Array<{ cmd: readonly string[]; stdin: string }>,
      info: [] as string[],
      warn: [] as string[],
      prompts: [] as string[],
    };
    const logger = memoryLogger();
    let secret = stored;
    const d: GrafanaPasswordDriftDeps = {
      checkSignIn: (u, p) => client.checkSignIn(u, p),
      storedPassword: async () => secret,
      storePassword: async (p) => {
        secret = p;
        calls.stored.push(p);
      },
      resetInContainer: async (password) => {
        calls.resets.push({ cmd: RESET_ADMIN_PASSWORD_CMD, stdin: password });
        if ((answers.execExit ?? 0) !== 0) return { exitCode: answers.execExit!, output: `Error: could not reset ${password}` };
        grafana.password = password; // what `grafana cli admin reset-admin-password` does to grafana.db
        return { exitCode: 0, output: 'Admin password changed successfully ✔' };
      },
      ui: {
        choose: async (message, ...choices) => {
          calls.prompts.push(message);
          assert.deepEqual(choices, [RESET_CHOICE, KEEP_CHOICE]);
          return answers.choice;
        },
        askPassword: async () => answers.oldPassword,
        info: (m) => calls.info.push(m),
        warn: (m) => calls.warn.push(m),
      },
      logger,
    };
    return { d, calls, logger, secret: () => secret };
  }

  it("asks nothing when Grafana accepts Realm's password", async () => {
    const { d, calls } = deps('first-machine-secret', {});
    assert.equal(await resolveGrafanaPasswordDrift(d), 'in-sync');
    assert.equal(calls.prompts.length, 0);
  });

  it("on 401 resets Grafana's admin password in the container (password on stdin) and checks it signs in", async () => {
    const { d, calls, logger } = deps('new-profile-secret', { choice: RESET_CHOICE });
    assert.equal(await resolveGrafanaPasswordDrift(d), 'reset');
    assert.match(calls.prompts[0], /data volume was first created/);
    assert.deepEqual(calls.resets, [{ cmd: ['grafana', 'cli', 'admin', 'reset-admin-password', '--password-from-stdin'], stdin: 'new-profile-secret' }]);
    assert.equal(grafana.password, 'new-profile-secret');
    assert.equal(calls.info.length, 1);
    assert.ok(!logger.lines.join('\n').includes('new-profile-secret'), 'the password is never logged');
  });

  it('on 401 can keep the old password: checked against Grafana first, then stored', async () => {
    const kept = deps('new-profile-secret', { choice: KEEP_CHOICE, oldPassword: 'first-machine-secret' });
    assert.equal(await resolveGrafanaPasswordDrift(kept.d), 'kept-old');
    assert.deepEqual(kept.calls.stored, ['first-machine-secret']);
    assert.equal(kept.calls.resets.length, 0, 'Grafana is left as it is');

    const wrong = deps('new-profile-secret', { choice: KEEP_CHOICE, oldPassword: 'a-guess' });
    assert.equal(await resolveGrafanaPasswordDrift(wrong.d), 'failed');
    assert.deepEqual(wrong.calls.stored, [], 'a password Grafana rejects is not stored');
    assert.equal(wrong.secret(), 'new-profile-secret');
  });

  it('a failed reset says so, logs the output with the password masked, and changes nothing', async () => {
    const { d, calls, logger } = deps('new-profile-secret', { choice: RESET_CHOICE, execExit: 1 });
    assert.equal(await resolveGrafanaPasswordDrift(d), 'failed');
    assert.match(calls.warn[0], /failed \(exit 1\)/);
    assert.ok(logger.lines.some((l) => l.includes('could not reset [redacted]')));
    assert.ok(!logger.lines.join('\n').includes('new-profile-secret'));
    assert.equal(grafana.password, 'first-machine-secret');
  });

  it('dismissing the question, or a Grafana still starting, changes nothing', async () => {
    const dismissed = deps('new-profile-secret', {});
    assert.equal(await resolveGrafanaPasswordDrift(dismissed.d), 'dismissed');
    grafana.starting = true;
    const starting = deps('new-profile-secret', { choice: RESET_CHOICE });
    assert.equal(await resolveGrafanaPasswordDrift(starting.d), 'not-checked');
    assert.equal(starting.calls.prompts.length, 0);
  });
});
