import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeCliRunner, ComposeError, detectComposeCli, type ComposeCli, type ComposeProjectRef } from '../../src/clients/composeCli';
import { composeDown, composeUp } from '../../src/clients/composeLifecycle';
import { readComposeProject } from '../../src/clients/composeConfig';
import { appProject } from '../../src/clients/composeProjects';
import { readContainerLogs } from '../../src/clients/containerLogs';
import { DockerClient } from '../../src/clients/dockerClient';
import { engineApi } from '../support/engineApi';

// The compose runner against the harness's dockerd and the local busybox images, on Compose v2
// (what users run: the `docker compose` plugin the harness installs) and on Debian's docker-compose
// 1.29 (v1, the fallback). Every project here is named realmit-stack-<pid>-… and removed in `after`.
const PREFIX = `realmit-stack-${process.pid}`;
const V1: ComposeCli = { program: 'docker-compose', baseArgs: [], flavour: 'v1', version: '1.29.2' };
const DOCKER_HOST = process.env.DOCKER_HOST;

/** Rejects unless `promise` rejects with a ComposeError; returns that error. */
async function composeFailure(promise: Promise<unknown>): Promise<ComposeError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ComposeError, `expected a ComposeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the compose command to fail');
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const flavour of ['v2', 'v1'] as const)
  describe(`compose runner against the real engine (Compose ${flavour})`, function () {
    this.timeout(180_000);
    const docker = new DockerClient({ dockerHost: DOCKER_HOST });
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmit-stack-'));
    const projects: ComposeProjectRef[] = [];
    let cli: ComposeCli;
    let runner: ComposeCliRunner;

    /** Writes a compose project into its own folder and remembers it for clean-up. */
    function project(suffix: string, composeYaml: string): ComposeProjectRef {
      const dir = path.join(workDir, suffix);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'docker-compose.yml'), composeYaml);
      const ref = { files: [path.join(dir, 'docker-compose.yml')], projectName: `${PREFIX}-${flavour}-${suffix}` };
      projects.push(ref);
      return ref;
    }

    before(async () => {
      assert.ok(DOCKER_HOST, 'source /tmp/realm-it/env first');
      cli = flavour === 'v2' ? await detectComposeCli({ dockerHost: DOCKER_HOST }) : V1;
      runner = new ComposeCliRunner(cli, { dockerHost: DOCKER_HOST });
    });

    after(async () => {
      for (const p of projects) {
        await runner?.down(p).catch(() => undefined);
        // whatever `down` could not remove (a malformed file, say) goes by label
        const left = await docker.listComposeContainers([p.projectName]).catch(() => []);
        await Promise.all(left.map((c) => docker.removeContainer(c.id, true).catch(() => undefined)));
      }
      fs.rmSync(workDir, { recursive: true, force: true });
    });

    it(flavour === 'v2' ? 'prefers the `docker compose` v2 plugin when it is installed' : 'runs docker-compose v1 (the fallback) the same way', async () => {
      assert.equal(cli.flavour, flavour);
      if (flavour === 'v2') assert.deepEqual([cli.program, cli.baseArgs], ['docker', ['compose']]);
      const version = await runner.run({ files: [], projectName: '' }, ['version', ...(flavour === 'v1' ? ['--short'] : [])]);
      assert.match(version.stdout, flavour === 'v2' ? /v?2\.\d+\.\d+/ : /^1\.\d+\.\d+/);
    });

    describe('a project with a healthy, a plain, an unhealthy and a never-healthy service', () => {
      let app: ComposeProjectRef;
      let webPort: number;
      const lines: string[] = [];
      let outcome: Awaited<ReturnType<typeof composeUp>>;
      let upMs = 0;

      before(async () => {
        webPort = await freePort();
        app = project(
          'app',
          `version: "2.4"
services:
  web:
    image: realm-test/busybox:web
    init: true
    ports: ["127.0.0.1:${webPort}:8080"]
  plain:
    image: realm-test/busybox:base
    init: true
    command: ["sh", "-c", "echo hello-from-plain; exec sleep 600"]
  sick:
    image: realm-test/busybox:base
    init: true
    command: ["sleep", "600"]
    healthcheck:
      test: ["CMD", "sh", "-c", "echo backend refused >&2; exit 1"]
      interval: 1s
      retries: 2
  slow:
    image: realm-test/busybox:base
    init: true
    command: ["sleep", "600"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1h
`,
        );
        const t0 = Date.now();
        outcome = await composeUp(runner, docker, app, { onLine: (l) => lines.push(l), healthTimeoutMs: 10_000, pollMs: 250 });
        upMs = Date.now() - t0;
      });

      it('streams compose output lines while it runs', () => {
        assert.ok(
          lines.some((l) => /Creating .*web|web.*Creat/.test(l)),
          `output: ${lines.join('\n')}`,
        );
      });

      it('reports each service: healthy, started, and failed with the reason', () => {
        const by = Object.fromEntries(outcome.results.map((r) => [r.service, r]));
        assert.equal(by.web.outcome, 'healthy');
        assert.equal(by.plain.outcome, 'started');
        assert.equal(by.sick.outcome, 'failed');
        assert.match(by.sick.reason ?? '', /unhealthy.*backend refused/);
        assert.equal(by.slow.outcome, 'failed');
        assert.match(by.slow.reason ?? '', /not healthy after 10 s/);
        assert.equal(outcome.ok, false);
        assert.equal(by.web.replicas.length, 1);
        assert.equal(by.web.replicas[0].status, 'healthy');
      });

      it('gives up on the never-healthy service within the bounded wait', () => {
        assert.ok(upMs < 60_000, `up took ${upMs} ms`);
      });

      it('serves the healthy service on the published 127.0.0.1 port', async () => {
        const res = await fetch(`http://127.0.0.1:${webPort}/`);
        assert.match(await res.text(), /hello from busybox httpd/);
      });

      it("shows a service's logs through the runner", async () => {
        const seen: string[] = [];
        await runner.logs(app, { services: ['plain'], tail: 50, onLine: (l) => seen.push(l) });
        assert.ok(
          seen.some((l) => l.includes('hello-from-plain')),
          seen.join('\n'),
        );
      });

      it("reads one container's logs straight from the engine (Show Container Logs)", async () => {
        const plain = (await docker.listComposeContainers([app.projectName])).find((c) => c.service === 'plain')!;
        const lines2 = await readContainerLogs(docker, plain.id, { tail: 100 });
        assert.ok(
          lines2.some((l) => /^\d{4}-\d\d-\d\dT\S+ hello-from-plain$/.test(l)),
          lines2.join('\n'),
        );
      });

      it('restarts one service (its container starts again)', async () => {
        const before = (await docker.listComposeContainers([app.projectName])).find((c) => c.service === 'plain')!;
        await runner.restart(app, ['plain'], { timeoutMs: 60_000 });
        const after = (await docker.listComposeContainers([app.projectName])).find((c) => c.service === 'plain')!;
        assert.equal(after.id, before.id);
        assert.equal(after.state, 'running');
        assert.ok((after.startedAt ?? 0) > (before.startedAt ?? 0), 'started again');
      });

      it("lists the project's containers with ps, and down removes them all", async () => {
        assert.equal((await runner.ps(app)).length, 4);
        const lines2: string[] = [];
        await composeDown(runner, app, { onLine: (l) => lines2.push(l) });
        assert.ok(
          lines2.some((l) => /Removing/.test(l)),
          lines2.join('\n'),
        );
        assert.deepEqual(await docker.listComposeContainers([app.projectName]), []);
      });
    });

    it('says which port is already in use when a host process holds it', async () => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const busy = project(
          'port',
          `version: "2.4"\nservices:\n  web:\n    image: realm-test/busybox:web\n    init: true\n    ports: ["127.0.0.1:${port}:8080"]\n`,
        );
        const err = await composeFailure(composeUp(runner, docker, busy, { healthTimeoutMs: 5_000 }));
        assert.equal(err.kind, 'port-in-use', err.message);
        assert.equal(err.details.port, port);
        assert.equal(err.details.hostIp, '127.0.0.1');
        assert.equal(err.details.service, 'web');
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
        assert.equal(err.details.results?.[0].outcome, 'failed');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('rejects malformed YAML with file, line and column before anything is created', async () => {
      const bad = project('bad', 'version: "2.4"\nservices:\n  web:\n    image: realm-test/busybox:web\n   init: true\n');
      const err = await composeFailure(composeUp(runner, docker, bad));
      assert.equal(err.kind, 'malformed-file');
      assert.equal(err.details.file, bad.files[0]);
      assert.equal(err.details.line, 5);
      assert.ok((err.details.column ?? 0) >= 1);
      assert.ok(err.details.problems && err.details.problems.length >= 1);
      assert.deepEqual(await docker.listComposeContainers([bad.projectName]), []);
    });

    it('turns a compose schema error into malformed-file placed on the offending key', async () => {
      const odd = project('schema', 'version: "2.4"\nservices:\n  web:\n    image: realm-test/busybox:web\n    imagex: typo\n');
      const err = await composeFailure(readComposeProject(runner, odd));
      assert.equal(err.kind, 'malformed-file');
      assert.match(
        err.message,
        flavour === 'v2' ? /services\.web Additional property imagex is not allowed/ : /Unsupported config option for services\.web: 'imagex'/,
      );
      assert.deepEqual([err.details.file, err.details.line, err.details.column], [odd.files[0], 5, 5]);
    });

    if (flavour === 'v2') {
      it("brings `npm start`'s demo (examples/demo, top-level name:) up with App Up's resolution, and down again", async () => {
        // the demo pins busybox:1.36.1, which cannot be pulled here: the local busybox stands in for it
        await engineApi().getImage('realm-test/busybox:base').tag({ repo: 'busybox', tag: '1.36.1' });
        const demo = path.resolve(__dirname, '../../../examples/demo');
        const { ref } = await appProject(demo, { composeFiles: [], composeProjectName: '' }, runner);
        assert.deepEqual([ref.projectName, ref.files, ref.workingDir], ['demo', [], demo], 'named by its name:, files picked by compose');
        projects.push(ref);
        const outcome = await composeUp(runner, docker, ref, { healthTimeoutMs: 60_000, pollMs: 250 });
        const by = Object.fromEntries(outcome.results.map((r) => [r.service, r.outcome]));
        assert.deepEqual(by, { arcanum: 'started', web: 'healthy', worker: 'started' }, JSON.stringify(outcome.results));
        await composeDown(runner, ref);
        assert.deepEqual(await docker.listComposeContainers(['demo']), []);
      });
    }

    if (flavour === 'v1') {
      it("says plainly that a v2-only file (the demo's top-level name:) needs Compose v2", async () => {
        const demo = path.resolve(__dirname, '../../../examples/demo/compose.yaml');
        const err = await composeFailure(readComposeProject(runner, { files: [demo], projectName: '', workingDir: path.dirname(demo) }));
        assert.equal(err.kind, 'malformed-file');
        assert.match(err.message, /^compose\.yaml needs Docker Compose v2: it uses top-level `name:` \(line \d+\)/);
        assert.doesNotMatch(err.message, /does not match any of the regexes/);
        assert.equal(err.details.file, demo);
      });
    }

    it('cancels a running up through the AbortSignal', async () => {
      const slow = project(
        'cancel',
        `version: "2.4"\nservices:\n${[1, 2, 3, 4, 5, 6].map((i) => `  s${i}:\n    image: realm-test/busybox:base\n    init: true\n    command: ["sleep", "600"]\n`).join('')}`,
      );
      const controller = new AbortController();
      const err = await composeFailure(composeUp(runner, docker, slow, { signal: controller.signal, onLine: () => controller.abort() }));
      assert.equal(err.kind, 'cancelled');
    });

    it('reports an unreachable engine', async () => {
      const nowhere = new ComposeCliRunner(cli, { dockerHost: `unix://${path.join(workDir, 'no-such.sock')}` });
      const ref = project('nowhere', 'version: "2.4"\nservices:\n  web:\n    image: realm-test/busybox:web\n');
      const err = await composeFailure(nowhere.ps(ref));
      assert.equal(err.kind, 'engine-unreachable', err.message);
      assert.match(err.message, /no-such\.sock/);
    });
  });

describe('compose CLI detection and invocation (fake `docker` scripts on PATH)', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmit-stack-fakecli-'));
  const argsLog = path.join(dir, 'args.log');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Puts an executable fake `docker` (a sh script) into its own folder and returns a PATH that finds it first. */
  function fakeDocker(name: string, script: string): string {
    const bin = path.join(dir, name);
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return `${bin}${path.delimiter}${process.env.PATH}`;
  }

  // answers like the v2 plugin: `docker compose version` → "Docker Compose version v2.29.1"; records argv one per line
  const v2Path = fakeDocker(
    'v2',
    `if [ "$1 $2" = "compose version" ]; then echo "Docker Compose version v2.29.1"; exit 0; fi
for a in "$@"; do printf '%s\\n' "$a"; done > "${argsLog}"
case " $* " in *" logs "*) exec sleep 30;; esac
echo abc123`,
  );
  // answers like Debian's docker 20.10 without the plugin
  const noPluginPath = fakeDocker('noplugin', `echo "docker: 'compose' is not a docker command." >&2; exit 1`);

  it('chooses `docker compose` (v2) when it answers', async () => {
    const cli = await detectComposeCli({ baseEnv: { ...process.env, PATH: v2Path } });
    assert.deepEqual([cli.program, cli.baseArgs, cli.flavour, cli.version], ['docker', ['compose'], 'v2', '2.29.1']);
  });

  it('falls back to docker-compose (v1) when `docker compose` does not answer', async () => {
    const cli = await detectComposeCli({ baseEnv: { ...process.env, PATH: noPluginPath } });
    assert.deepEqual([cli.program, cli.baseArgs, cli.flavour], ['docker-compose', [], 'v1']);
  });

  it('says no compose CLI is installed when neither answers', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    const err = await composeFailure(detectComposeCli({ baseEnv: { ...process.env, PATH: empty } }));
    assert.equal(err.kind, 'no-compose-cli');
    assert.match(err.message, /install the Docker Compose plugin/);
  });

  it('passes file names and env as data: an argument array, never a shell string', async () => {
    const cli = await detectComposeCli({ baseEnv: { ...process.env, PATH: v2Path } });
    const runner = new ComposeCliRunner(cli, { baseEnv: { ...process.env, PATH: v2Path }, dockerHost: 'unix:///tmp/realmit-nowhere.sock' });
    const tricky = path.join(dir, 'my project $(touch pwned); echo', 'compose.yaml');
    const ids = await runner.ps({ files: [tricky], projectName: 'realmit-stack-fake' });
    assert.deepEqual(ids, ['abc123']);
    assert.deepEqual(fs.readFileSync(argsLog, 'utf8').split('\n').slice(0, -1), [
      'compose',
      '--ansi',
      'never',
      '-p',
      'realmit-stack-fake',
      '-f',
      tricky,
      'ps',
      '-q',
    ]);
    assert.equal(fs.existsSync(path.join(process.cwd(), 'pwned')), false);
  });

  it('stops a command that outlives its timeout', async () => {
    const cli = await detectComposeCli({ baseEnv: { ...process.env, PATH: v2Path } });
    const runner = new ComposeCliRunner(cli, { baseEnv: { ...process.env, PATH: v2Path } });
    const t0 = Date.now();
    const err = await composeFailure(runner.logs({ files: ['compose.yaml'], projectName: 'p' }, { timeoutMs: 500 }));
    assert.equal(err.kind, 'timeout');
    assert.ok(Date.now() - t0 < 10_000);
  });
});
