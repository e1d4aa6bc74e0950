import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerClient, DockerError, parseDockerHost, parseEngineEvent, toContainerInfo, toDockerError } from '../../src/clients/dockerClient';

describe('DockerClient (no engine needed)', () => {
  it('parses DOCKER_HOST forms and rejects the unsupported ones clearly', () => {
    assert.deepEqual(parseDockerHost('unix:///tmp/d.sock'), { socketPath: '/tmp/d.sock' });
    assert.deepEqual(parseDockerHost('tcp://127.0.0.1:2375'), { host: '127.0.0.1', port: 2375, protocol: 'http' });
    assert.throws(() => parseDockerHost('ssh://me@host'), /Unsupported DOCKER_HOST "ssh:\/\/me@host"/);
  });

  it('turns engine inspect output into a ContainerInfo with compose identity, health and restarts', () => {
    const info = toContainerInfo({
      Id: 'abc', Name: '/demo_web_2', Created: '2026-01-01T00:00:00Z',
      Config: { Image: 'busybox', Labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '2' } },
      State: { Status: 'exited', ExitCode: 137, StartedAt: '2026-01-01T00:00:01Z', FinishedAt: '2026-01-01T00:01:00Z', Health: { Status: 'unhealthy' } },
      RestartCount: 4, HostConfig: { RestartPolicy: { Name: 'on-failure' } },
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
    const die = parseEngineEvent(JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: 'x', Attributes: { name: 'a', exitCode: '137', 'com.docker.compose.project': 'p', 'com.docker.compose.service': 's' } }, timeNano: 1_700_000_000_123_000_000 }));
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
    await assert.rejects(client.ping(), (e: unknown) => e instanceof DockerError && e.isUnreachable && /Unsupported DOCKER_HOST "ssh:\/\/me@build-box"/.test(e.message));
    await assert.rejects(client.listComposeContainers(), /Unsupported DOCKER_HOST/);
  });

  it('reports a missing socket as an unreachable engine, naming it', async () => {
    const sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'realm-')), 'none.sock');
    const client = new DockerClient({ dockerHost: `unix://${sock}`, timeoutMs: 2000 });
    await assert.rejects(client.ping(), (e: unknown) => e instanceof DockerError && e.isUnreachable && e.message.includes(sock));
  });
});
