import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeCliRunner, ComposeError, type ComposeCli, type ComposeProjectRef } from '../../src/clients/composeCli';
import { composeDown, composeUp } from '../../src/clients/composeLifecycle';
import { projectResources } from '../../src/clients/composeResources';
import { DockerClient } from '../../src/clients/dockerClient';

// Stack Up with an image no registry can serve (issue 11). The image lives on a "registry" at
// 127.0.0.1:9 where nothing listens, so the engine's pull fails as it does offline or behind a
// broken proxy — without any traffic leaving the machine. Runs with compose v2 and v1 (both in the harness).
const DOCKER_HOST = process.env.DOCKER_HOST;
const MISSING = '127.0.0.1:9/realm/offline-prometheus:v2.53.2';
const CLIS: Array<[string, ComposeCli]> = [
  ['v2', { program: 'docker', baseArgs: ['compose'], flavour: 'v2', version: '2' }],
  ['v1', { program: 'docker-compose', baseArgs: [], flavour: 'v1', version: '1.29.2' }],
];

for (const [flavour, cli] of CLIS) {
  describe(`Stack Up when an image cannot be pulled (compose ${flavour})`, function () {
    this.timeout(240_000);
    const docker = new DockerClient({ dockerHost: DOCKER_HOST });
    const runner = new ComposeCliRunner(cli, { dockerHost: DOCKER_HOST });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmit-offline-'));
    const project: ComposeProjectRef = { files: [path.join(dir, 'compose.yaml')], projectName: `realmit-offline-${flavour}-${process.pid}` };
    const yaml = (withMissing: boolean) => `
services:
  web:
    image: realm-test/busybox:base
    command: ["sleep", "100000"]
    init: true
    volumes: ["webdata:/data"]
${
  withMissing
    ? `  prometheus:
    image: ${MISSING}
    volumes: ["promdata:/prometheus"]
    depends_on: [web]
`
    : ''
}volumes:
  webdata:
${withMissing ? '  promdata:\n' : ''}`;

    after(async () => {
      await composeDown(runner, project, { removeVolumes: true }).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('names the image, says what to do, and removes what it created while an earlier volume stays', async () => {
      // an earlier Stack Up of the project (without the missing service) left its volume
      fs.writeFileSync(project.files[0], yaml(false));
      await composeUp(runner, docker, project, { healthTimeoutMs: 60_000 });
      await composeDown(runner, project);
      const before = await projectResources(docker, project.projectName);
      assert.deepEqual(before.volumes, [`${project.projectName}_webdata`]);

      fs.writeFileSync(project.files[0], yaml(true));
      let failure: ComposeError | undefined;
      try {
        await composeUp(runner, docker, project, { healthTimeoutMs: 60_000 });
      } catch (e) {
        failure = e as ComposeError;
      }
      assert.ok(failure instanceof ComposeError, `Stack Up should fail, got ${String(failure)}`);
      assert.equal(failure.kind, 'image-unavailable', failure.message);
      assert.deepEqual(failure.details.missingImages, [MISSING]);
      assert.match(failure.message, new RegExp(`Could not pull image ${MISSING.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      assert.match(failure.message, /registry cannot be reached/);
      assert.match(failure.message, /Pull it when online \(docker compose -p realmit-offline/);
      assert.doesNotMatch(failure.message, /registry-1|dial tcp/, 'the raw engine error stays in the log, not the message');

      const after = await projectResources(docker, project.projectName);
      assert.deepEqual(after.containers, [], `left containers: ${JSON.stringify(after.containers)}`);
      assert.deepEqual(after.networks, [], `left networks: ${JSON.stringify(after.networks)}`);
      assert.deepEqual(after.volumes, [`${project.projectName}_webdata`], 'only the volume of the earlier run stays');
    });
  });
}
