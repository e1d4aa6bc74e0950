import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeCliRunner, type ComposeProjectRef } from '../../src/clients/composeCli';
import { composeDown, composeUp } from '../../src/clients/composeLifecycle';
import { DockerClient } from '../../src/clients/dockerClient';

// Compose v1 deadlocks once a project has more services than COMPOSE_PARALLEL_LIMIT slots (the
// default 64 hung at 63 of 200). Reproduced cheaply here with a user limit of 3 and 6 services,
// which hangs docker-compose 1.29.2 for good without Realm's raised limit.
const DOCKER_HOST = process.env.DOCKER_HOST;
const SERVICES = 6;

describe('App Up with docker-compose v1 on a project larger than COMPOSE_PARALLEL_LIMIT', function () {
  this.timeout(180_000);
  const docker = new DockerClient({ dockerHost: DOCKER_HOST });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscale-v1-'));
  const project: ComposeProjectRef = { files: [path.join(dir, 'docker-compose.yml')], projectName: `realmscale-v1-${process.pid}` };
  const runner = new ComposeCliRunner(
    { program: 'docker-compose', baseArgs: [], flavour: 'v1', version: '1.29.2' },
    {
      dockerHost: DOCKER_HOST,
      baseEnv: { ...process.env, COMPOSE_PARALLEL_LIMIT: '3' },
    },
  );

  before(() => {
    assert.ok(DOCKER_HOST, 'source /tmp/realm-it/env first');
    const services = Array.from(
      { length: SERVICES },
      (_, i) => `  s${i}:\n    image: realm-test/busybox:base\n    command: ["sleep", "100000"]\n    init: true\n    network_mode: none\n`,
    );
    fs.writeFileSync(project.files[0], `version: "2.4"\nservices:\n${services.join('')}`);
  });
  after(async () => {
    await composeDown(runner, project).catch(() => undefined);
    const left = await docker.listComposeContainers([project.projectName]).catch(() => []);
    await Promise.all(left.map((c) => docker.removeContainer(c.id, true).catch(() => undefined)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts every service instead of hanging', async () => {
    const started = Date.now();
    const outcome = await composeUp(runner, docker, project, { healthTimeoutMs: 30_000, pollMs: 250 });
    assert.equal(outcome.results.length, SERVICES);
    assert.ok(outcome.ok, JSON.stringify(outcome.results));
    const running = (await docker.listComposeContainers([project.projectName])).filter((c) => c.state === 'running');
    assert.equal(running.length, SERVICES);
    console.log(`      ${SERVICES} services up with v1 and COMPOSE_PARALLEL_LIMIT=3 in ${Date.now() - started} ms`);
  });
});
