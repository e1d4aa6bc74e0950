import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dockerHostFromContext } from '../../src/clients/dockerContext';

describe('the docker CLI context (when DOCKER_HOST is unset)', () => {
  let home: string;
  const writeContext = (name: string, host: string) => {
    const dir = path.join(home, '.docker', 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  };
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-home-'));
    fs.mkdirSync(path.join(home, '.docker'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('follows currentContext in config.json, as `docker` does (Docker Desktop, Colima)', () => {
    writeContext('colima', 'unix:///Users/me/.colima/default/docker.sock');
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    assert.equal(dockerHostFromContext({}, home), 'unix:///Users/me/.colima/default/docker.sock');
  });

  it('prefers DOCKER_CONTEXT, honours DOCKER_CONFIG, and ignores the default context', () => {
    writeContext('remote', 'tcp://10.0.0.5:2375');
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'default' }));
    assert.equal(dockerHostFromContext({}, home), undefined, 'default: the standard socket');
    assert.equal(dockerHostFromContext({ DOCKER_CONTEXT: 'remote' }, home), 'tcp://10.0.0.5:2375');
    assert.equal(dockerHostFromContext({ DOCKER_CONTEXT: 'remote', DOCKER_CONFIG: path.join(home, 'elsewhere') }, home), undefined);
  });

  it('falls back quietly when the config or the context is missing or malformed', () => {
    assert.equal(dockerHostFromContext({}, home), undefined);
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), '{not json');
    assert.equal(dockerHostFromContext({}, home), undefined);
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'gone' }));
    assert.equal(dockerHostFromContext({}, home), undefined);
  });
});
