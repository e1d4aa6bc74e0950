import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { execWithStdin } from '../../src/clients/containerExec';
import { DockerClient } from '../../src/clients/dockerClient';
import { RESET_ADMIN_PASSWORD_CMD } from '../../src/commands/grafanaPasswordDrift';
import { waitUntil } from '../support/waitFor';

// `docker exec -i` through the engine API, as the Grafana password reset uses it, on the harness engine.
describe('execWithStdin against the real Docker engine', function () {
  this.timeout(120_000);
  const docker = new Docker({ socketPath: process.env.DOCKER_HOST!.replace('unix://', '') });
  const client = new DockerClient({ dockerHost: process.env.DOCKER_HOST });
  let container: Docker.Container;

  before(async () => {
    await docker
      .getContainer('realmit-exec')
      .remove({ force: true })
      .catch(() => undefined);
    // a stand-in `grafana` binary that records its argv and the line it reads from stdin
    const script = '#!/bin/sh\necho "$@" > /tmp/args\nread pw\necho "$pw" > /tmp/pw\necho "Admin password changed successfully"\n';
    container = await docker.createContainer({
      name: 'realmit-exec',
      Image: 'realm-test/busybox:base',
      HostConfig: { Init: true },
      Cmd: ['sh', '-c', `printf '%s' '${script.replace(/'/g, "'\\''")}' > /bin/grafana && chmod +x /bin/grafana && exec sleep 100000`],
    });
    await container.start();
  });
  after(async () => {
    await container?.remove({ force: true }).catch(() => undefined);
  });

  it('runs an argv in the container with stdin, and returns the exit code and output', async () => {
    const r = await execWithStdin(client, container.id, ['sh', '-c', 'read p; echo "got:$p"; echo oops >&2; exit 3'], 's3cret-value\n');
    assert.equal(r.exitCode, 3);
    assert.match(r.output, /got:s3cret-value/);
    assert.match(r.output, /oops/);
  });

  it('passes the Grafana password on stdin, never in the argv', async () => {
    await waitUntil(
      'the stand-in grafana is installed',
      async () => (await execWithStdin(client, container.id, ['test', '-x', '/bin/grafana'], '')).exitCode === 0,
    );
    const r = await execWithStdin(client, container.id, RESET_ADMIN_PASSWORD_CMD, 'Zq9-new-profile-secret\n');
    assert.equal(r.exitCode, 0, r.output);
    assert.match(r.output, /changed successfully/);
    const args = await execWithStdin(client, container.id, ['cat', '/tmp/args', '/tmp/pw'], '');
    assert.equal(args.output, 'cli admin reset-admin-password --password-from-stdin\nZq9-new-profile-secret\n');
  });

  it('fails with a DockerError for a container that does not exist', async () => {
    await assert.rejects(execWithStdin(client, 'no-such-container-realm', ['true'], ''), (e: Error) => e.name === 'DockerError' && /exec/.test(e.message));
  });
});
