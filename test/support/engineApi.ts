import Docker from 'dockerode';
import { parseDockerHost } from '../../src/clients/dockerContext';

let api: Docker | undefined;

/**
 * dockerode on the harness engine (DOCKER_HOST), for what a test does to containers behind the
 * extension's back (create fixtures, `docker stop` by hand, check a replica is gone). The extension
 * itself reaches the engine only through DockerClient.
 */
export function engineApi(): Docker {
  api ??= new Docker(parseDockerHost(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'));
  return api;
}
