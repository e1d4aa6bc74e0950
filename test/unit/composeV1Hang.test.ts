import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeCliRunner, ComposeError } from '../../src/clients/composeCli';

/** A docker-compose that prints what v1 prints before its parallel-limit deadlock, then nothing, forever. */
function hangingCompose(dir: string, env: NodeJS.ProcessEnv = {}): ComposeCliRunner {
  const bin = fs.mkdtempSync(path.join(dir, 'bin-'));
  fs.writeFileSync(
    path.join(bin, 'docker-compose'),
    `#!${process.execPath}
require('fs').writeFileSync(process.env.REALM_ENV_LOG, process.env.COMPOSE_PARALLEL_LIMIT ?? '');
console.log('Creating demo_s1_1 ... ');
setInterval(() => undefined, 1000);
`,
    { mode: 0o755 },
  );
  return new ComposeCliRunner(
    { program: 'docker-compose', baseArgs: [], flavour: 'v1', version: '1.29.2' },
    {
      baseEnv: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, REALM_ENV_LOG: path.join(dir, 'env.txt'), ...env },
    },
  );
}

describe('compose v1 up that stops making progress', function () {
  this.timeout(30_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-v1hang-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is stopped with an error that names the cause and the way out, and gets a parallel limit above the project size', async () => {
    const runner = hangingCompose(tmp);
    const started = Date.now();
    const err = await runner.up({ files: ['compose.yaml'], projectName: 'demo' }, { size: { services: 200, containers: 200 }, idleTimeoutMs: 3000 }).then(
      () => assert.fail('a hung up must not succeed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ComposeError, String(err));
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /printed nothing for 3 s and was stopped/);
    assert.match(err.message, /Compose v1.*more containers than COMPOSE_PARALLEL_LIMIT \(200 containers; Realm set COMPOSE_PARALLEL_LIMIT=601/);
    assert.match(err.message, /use Compose v2 \(`docker compose`\)/);
    assert.ok(Date.now() - started < 15_000, 'stopped soon after it went quiet, not at the 10-minute limit');
    assert.equal(fs.readFileSync(path.join(tmp, 'env.txt'), 'utf8'), '601', 'the CLI ran with the raised limit');
  });

  it('keeps a user limit that is already large enough', async () => {
    const runner = hangingCompose(tmp, { COMPOSE_PARALLEL_LIMIT: '1000' });
    await runner.up({ files: ['compose.yaml'], projectName: 'demo' }, { size: { services: 5, containers: 5 }, idleTimeoutMs: 3000 }).catch(() => undefined);
    assert.equal(fs.readFileSync(path.join(tmp, 'env.txt'), 'utf8'), '1000');
  });
});
