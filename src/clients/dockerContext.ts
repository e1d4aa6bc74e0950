import type Docker from 'dockerode';
import { DockerError } from './dockerErrors';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The engine endpoint of the docker CLI's current context, as `docker` itself would pick it when
 * DOCKER_HOST is unset: DOCKER_CONTEXT, else `currentContext` in the CLI's config.json, looked up
 * in contexts/meta/<sha256(name)>/meta.json. Docker Desktop, Colima and rootless setups live there
 * and often have no /var/run/docker.sock. Undefined for the default context or anything unreadable.
 */
export function dockerHostFromContext(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string | undefined {
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker');
  try {
    const name = env.DOCKER_CONTEXT || (JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
    if (!name || name === 'default') return undefined;
    const id = createHash('sha256').update(name).digest('hex');
    const meta = JSON.parse(readFileSync(path.join(configDir, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as { Endpoints?: { docker?: { Host?: unknown } } };
    const host = meta.Endpoints?.docker?.Host;
    return typeof host === 'string' && host ? host : undefined;
  } catch {
    return undefined; // no config, no such context, or malformed JSON: fall back to the default socket
  }
}

/** Maps DOCKER_HOST forms to dockerode's connection options. */
export function parseDockerHost(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') };
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://')) {
    const u = new URL(host.replace(/^tcp:/, process.env.DOCKER_TLS_VERIFY ? 'https:' : 'http:'));
    return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 2376 : 2375)), protocol: u.protocol.replace(':', '') as 'http' | 'https' };
  }
  if (host.startsWith('/')) return { socketPath: host };
  throw new DockerError('unreachable', 'connect', host, `Unsupported DOCKER_HOST "${host}": use unix://, npipe:// or tcp://`);
}
