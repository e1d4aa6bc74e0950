/**
 * Which services are active under profiles, read with one `config --profile '*'` run and
 * COMPOSE_PROFILES, against the real compose CLI's own plain `config --services` (the reference):
 * `.env` profiles, the shell's COMPOSE_PROFILES over `.env`'s, `*`, and a service whose profiles
 * are all disabled while an active one depends on it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ComposeCliRunner, detectComposeCli } from '../../src/clients/composeCli';
import { readComposeProject } from '../../src/clients/composeConfig';

const run = promisify(execFile);

const COMPOSE = [
  'services:',
  '  web: {image: busybox}',
  '  debug: {image: busybox, profiles: [debug]}',
  '  tools: {image: busybox, profiles: [tools, ops]}',
  '  seed: {image: busybox, profiles: [seed]}',
  '  api:',
  '    image: busybox',
  '    depends_on: {cache: {condition: service_started, required: false}}',
  '  cache: {image: busybox, profiles: [cache]}',
  '',
].join('\n');

describe('Compose profiles: one config run, the active set as compose has it', function () {
  this.timeout(60_000);
  let runner: ComposeCliRunner;
  let dir: string;
  before(async () => {
    runner = new ComposeCliRunner(await detectComposeCli());
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-profiles-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), COMPOSE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** compose's own answer: `docker compose config --services` with the same env, in the same folder. */
  async function composeActive(env: Record<string, string | undefined>): Promise<string[]> {
    const { stdout } = await run('docker', ['compose', 'config', '--services'], { cwd: dir, env: { ...process.env, ...env } as NodeJS.ProcessEnv });
    return stdout.trim().split('\n').filter(Boolean).sort();
  }

  const cases: { name: string; dotEnv?: string; shell?: string }[] = [
    { name: 'no profile enabled' },
    { name: '.env enables one', dotEnv: 'COMPOSE_PROFILES=debug\n' },
    { name: 'the shell overrides .env', dotEnv: 'COMPOSE_PROFILES=debug\n', shell: 'ops, seed' },
    { name: 'every profile', shell: '*' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      if (c.dotEnv) fs.writeFileSync(path.join(dir, '.env'), c.dotEnv);
      const saved = process.env.COMPOSE_PROFILES;
      if (c.shell === undefined) delete process.env.COMPOSE_PROFILES;
      else process.env.COMPOSE_PROFILES = c.shell;
      try {
        const expected = await composeActive({ COMPOSE_PROFILES: c.shell });
        const { model } = await readComposeProject(runner, { files: [], projectName: 'profiles', workingDir: dir });
        assert.deepEqual(
          model.services
            .filter((s) => s.active)
            .map((s) => s.name)
            .sort(),
          expected,
        );
        assert.deepEqual(model.services.map((s) => s.name).sort(), ['api', 'cache', 'debug', 'seed', 'tools', 'web'], 'every service is known, active or not');
      } finally {
        if (saved === undefined) delete process.env.COMPOSE_PROFILES;
        else process.env.COMPOSE_PROFILES = saved;
      }
    });
  }
});
