import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as net from 'node:net';
import * as path from 'node:path';
import { DockerClient } from '../../src/clients/dockerClient';
import { waitUntil } from '../support/waitFor';
import { parseDockerHost } from '../../src/clients/dockerContext';
import { DockerError, toDockerError } from '../../src/clients/dockerErrors';
import { parseContainerInspect, parseEngineEvent, toContainerInfo } from '../../src/clients/dockerResponses';

describe('DockerClient (no engine needed)', () => {
  it('parses DOCKER_HOST forms and rejects the unsupported ones clearly', () => {
    assert.deepEqual(parseDockerHost('unix:///tmp/d.sock'), { socketPath: '/tmp/d.sock' });
    assert.deepEqual(parseDockerHost('tcp://127.0.0.1:2375'), { host: '127.0.0.1', port: 2375, protocol: 'http' });
    assert.throws(() => parseDockerHost('ssh://me@host'), /Unsupported DOCKER_HOST "ssh:\/\/me@host"/);
  });

  it('turns engine inspect output into a ContainerInfo with compose identity, health and restarts', () => {
    const info = toContainerInfo({
      Id: 'abc',
      Name: '/demo_web_2',
      Created: '2026-01-01T00:00:00Z',
      Config: {
        Image: 'busybox',
        Labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '2' },
      },
      State: { Status: 'exited', ExitCode: 137, StartedAt: '2026-01-01T00:00:01Z', FinishedAt: '2026-01-01T00:01:00Z', Health: { Status: 'unhealthy' } },
      RestartCount: 4,
      HostConfig: { RestartPolicy: { Name: 'on-failure' } },
    });
    assert.equal(info.name, 'demo_web_2');
    assert.equal(info.project, 'demo');
    assert.equal(info.service, 'web');
    assert.equal(info.number, 2);
    assert.equal(info.exitCode, 137);
    assert.equal(info.health, 'unhealthy');
    assert.equal(info.restartCount, 4);
    assert.equal(info.restartPolicy, 'on-failure');
    assert.equal(info.startedAt, undefined, 'no uptime for a stopped container');
  });

  it('parses engine events, splits health_status, and drops exec_* health probes', () => {
    const die = parseEngineEvent(
      JSON.stringify({
        Type: 'container',
        Action: 'die',
        Actor: { ID: 'x', Attributes: { name: 'a', exitCode: '137', 'com.docker.compose.project': 'p', 'com.docker.compose.service': 's' } },
        timeNano: 1_700_000_000_123_000_000,
      }),
    );
    assert.equal(die?.action, 'die');
    assert.equal(die?.exitCode, 137);
    assert.equal(die?.service, 's');
    assert.equal(die?.time, 1_700_000_000_123);
    const health = parseEngineEvent(JSON.stringify({ Type: 'container', Action: 'health_status: unhealthy', Actor: { ID: 'x', Attributes: {} }, time: 1 }));
    assert.equal(health?.action, 'health_status');
    assert.equal(health?.healthStatus, 'unhealthy');
    assert.equal(parseEngineEvent(JSON.stringify({ Type: 'container', Action: 'exec_start: sh -c wget', Actor: { ID: 'x' } })), undefined);
    assert.equal(parseEngineEvent(JSON.stringify({ Type: 'network', Action: 'connect', Actor: { ID: 'n' } })), undefined);
    assert.equal(parseEngineEvent('{not json'), undefined);
  });

  it('classifies engine errors so the UI can tell "down" from "refused"', () => {
    assert.equal(toDockerError(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }), 'ping', 'unix:///x').kind, 'unreachable');
    assert.match(toDockerError(Object.assign(new Error('x'), { code: 'EACCES' }), 'ping', 'unix:///x').message, /permission denied/);
    assert.equal(toDockerError(Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 }), 'inspect', 'e').kind, 'not-found');
    const api = toDockerError(Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500, json: { message: 'driver failed' } }), 'start', 'e');
    assert.equal(api.kind, 'api');
    assert.match(api.message, /driver failed/);
  });

  it('an unsupported DOCKER_HOST does not throw at construction (activation goes on); each call says why', async () => {
    const client = new DockerClient({ dockerHost: 'ssh://me@build-box' });
    await assert.rejects(
      client.ping(),
      (e: unknown) => e instanceof DockerError && e.isUnreachable && /Unsupported DOCKER_HOST "ssh:\/\/me@build-box"/.test(e.message),
    );
    await assert.rejects(client.listComposeContainers(), /Unsupported DOCKER_HOST/);
  });

  it('reports a missing socket as an unreachable engine, naming it', async () => {
    const sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'realm-')), 'none.sock');
    const client = new DockerClient({ dockerHost: `unix://${sock}`, timeoutMs: 2000 });
    await assert.rejects(client.ping(), (e: unknown) => e instanceof DockerError && e.isUnreachable && e.message.includes(sock));
  });
  it('checks inspect results before use: a malformed answer names the field', () => {
    const good = {
      Id: 'abc',
      Name: '/demo_web_1',
      Created: '2026-01-01T00:00:00Z',
      Config: { Image: 'busybox', Labels: null, Tty: true },
      State: {
        Status: 'running',
        ExitCode: 0,
        StartedAt: '2026-01-01T00:00:01Z',
        Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output: 'connection refused\n' }] },
      },
      RestartCount: 0,
      HostConfig: { RestartPolicy: { Name: '' } },
      Mounts: [],
      NetworkSettings: {},
    };
    const parsed = parseContainerInspect(good);
    assert.equal(parsed.Config.Tty, true);
    assert.deepEqual(parsed.State.Health?.Log, [{ ExitCode: 1, Output: 'connection refused\n' }]);
    assert.equal(toContainerInfo(parsed).restartPolicy, 'no');
    assert.throws(
      () => parseContainerInspect({ ...good, State: { ...good.State, Status: 'sleeping' } }),
      /inspect\.State\.Status should be one of created, running/,
    );
    assert.throws(() => parseContainerInspect({ ...good, Config: { Image: 7 } }), /inspect\.Config\.Image should be a string, got number/);
    assert.throws(() => parseContainerInspect({ ...good, Config: { Image: 'x', Labels: { a: 1 } } }), /inspect\.Config\.Labels\.a should be a string/);
    assert.throws(() => parseContainerInspect('<html>proxy error</html>'), /inspect should be an object/);
  });

  it('a call past its timeout is aborted, not left running, and says which call and how long', async () => {
    // an "engine" that accepts connections and never answers
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-'));
    const sock = path.join(dir, 'silent.sock');
    const open = new Set<net.Socket>();
    let closedByClient = 0;
    const server = net.createServer((s) => {
      open.add(s);
      s.resume(); // reads the request (and so sees the client close) but never answers
      s.on('close', () => {
        open.delete(s);
        closedByClient++;
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const client = new DockerClient({ dockerHost: `unix://${sock}`, timeoutMs: 300 });
      await assert.rejects(
        client.ping(),
        (e: unknown) => e instanceof DockerError && e.kind === 'timeout' && /did not answer ping within 0\.3 s/.test(e.message),
      );
      await assert.rejects(client.inspectContainer('abc'), (e: unknown) => e instanceof DockerError && e.kind === 'timeout' && e.operation === 'inspect');
      await waitUntil('the aborted requests close their connections', () => open.size === 0, 10_000);
      assert.ok(closedByClient >= 2);
    } finally {
      for (const s of open) s.destroy();
      server.close();
    }
  });
});
