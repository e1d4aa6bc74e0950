import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appProject, appProjectRef } from '../../src/clients/composeProjects';
import { ComposeCliRunner, detectComposeCli } from '../../src/clients/composeCli';
import { ComposeFileError, parseComposeFile, parsePort } from '../../src/core/composeFile';
import { detectComposeFiles, normalizeProjectName, resolveProjectName } from '../../src/core/composeProject';
import { classifyComposeFailure } from '../../src/clients/composeErrors';

const APP = `
x-common: &common
  init: true
  labels:
    team: core
services:
  web:
    <<: *common
    image: realm-test/busybox:web
    ports:
      - "127.0.0.1:8080:80"
      - 9000
      - target: 53
        published: 5353
        host_ip: 127.0.0.1
        protocol: udp
    depends_on:
      db:
        condition: service_healthy
    healthcheck:
      test: ["CMD", "wget", "-q", "http://127.0.0.1/"]
  db:
    build: ./db
    labels:
      - "realm.heal=false"
      - "tier=data"
    deploy:
      replicas: 3
    healthcheck:
      test: ["NONE"]
  worker:
    image: worker:1.2
    depends_on: [db]
    scale: 2
    profiles: [jobs]
`;

/** Asserts that parsing throws a ComposeFileError and returns it. */
function parseError(text: string, file = '/ws/compose.yaml'): ComposeFileError {
  try {
    parseComposeFile(text, file);
  } catch (e) {
    assert.ok(e instanceof ComposeFileError, `expected ComposeFileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the compose file to be rejected');
}

describe('composeFile.parseComposeFile', () => {
  const model = parseComposeFile(APP, '/ws/compose.yaml');
  const svc = (name: string) => model.services.find((s) => s.name === name)!;

  it('lists every service in file order with image or build', () => {
    assert.deepEqual(
      model.services.map((s) => s.name),
      ['web', 'db', 'worker'],
    );
    assert.equal(svc('web').image, 'realm-test/busybox:web');
    assert.equal(svc('db').image, undefined);
    assert.equal(svc('db').hasBuild, true);
  });

  it('reads labels in map and list form, resolving YAML merge keys, and the realm.heal opt-out', () => {
    assert.deepEqual(svc('web').labels, { team: 'core' });
    assert.deepEqual(svc('db').labels, { 'realm.heal': 'false', tier: 'data' });
    assert.equal(svc('web').healable, true);
    assert.equal(svc('db').healable, false);
  });

  it('reads replicas from deploy.replicas, the v2-format scale, or defaults to 1', () => {
    assert.equal(svc('db').replicas, 3);
    assert.equal(svc('worker').replicas, 2);
    assert.equal(svc('web').replicas, 1);
  });

  it('reads depends_on in both the list and the map form, and profiles', () => {
    assert.deepEqual(svc('web').dependsOn, ['db']);
    assert.deepEqual(svc('worker').dependsOn, ['db']);
    assert.deepEqual(svc('worker').profiles, ['jobs']);
  });

  it('knows whether a healthcheck is declared (test: NONE disables it)', () => {
    assert.equal(svc('web').hasHealthcheck, true);
    assert.equal(svc('db').hasHealthcheck, false);
    assert.equal(svc('worker').hasHealthcheck, false);
  });

  it('reads short and long port syntax', () => {
    assert.deepEqual(svc('web').ports, [
      { hostIp: '127.0.0.1', published: '8080', target: '80', protocol: 'tcp' },
      { hostIp: undefined, published: undefined, target: '9000', protocol: 'tcp' },
      { hostIp: '127.0.0.1', published: '5353', target: '53', protocol: 'udp' },
    ]);
    assert.deepEqual(parsePort('[::1]:8443:443/tcp'), { hostIp: '::1', published: '8443', target: '443', protocol: 'tcp' });
    assert.deepEqual(parsePort('127.0.0.1:${WEB_PORT:-8080}:80'), { hostIp: '127.0.0.1', published: '${WEB_PORT:-8080}', target: '80', protocol: 'tcp' });
    assert.deepEqual(parsePort('8080-8081:80-81'), { hostIp: undefined, published: '8080-8081', target: '80-81', protocol: 'tcp' });
  });

  it('records where each service is defined (1-based line and column)', () => {
    assert.deepEqual(svc('web').position, { line: 7, column: 3 });
  });

  it('reads the top-level name when there is one', () => {
    assert.equal(parseComposeFile('name: Shop\nservices:\n  a:\n    image: x\n', 'f').name, 'Shop');
    assert.equal(model.name, undefined);
  });
});

describe('composeFile errors', () => {
  it('reports malformed YAML with file, line and column', () => {
    const err = parseError('services:\n  web:\n    image: x\n   ports: [1\n');
    assert.equal(err.file, '/ws/compose.yaml');
    assert.equal(err.line, 4);
    assert.ok(err.column >= 1);
    assert.match(err.message, /^\/ws\/compose\.yaml:4:\d+: /);
  });

  it('reports an unknown service in depends_on at the dependency itself', () => {
    const err = parseError('services:\n  web:\n    image: x\n    depends_on:\n      - dbb\n  db:\n    image: y\n');
    assert.equal(err.problems.length, 1);
    assert.match(err.message, /service "web" depends on unknown service "dbb"/);
    assert.deepEqual([err.line, err.column], [5, 9]);
  });

  it('reports a duplicate key, a service that is not a mapping, and a missing services key', () => {
    assert.match(parseError('services:\n  a:\n    image: x\n  a:\n    image: y\n').message, /:4:3: .*unique/i);
    assert.match(parseError('services:\n  a: just-text\n').message, /:2:6: service "a" must be a mapping/);
    assert.match(parseError('version: "3"\n').message, /`services` is missing/);
    assert.match(parseError('- a\n- b\n').message, /must be a mapping/);
  });

  it('lists every problem, not just the first', () => {
    const err = parseError('services:\n  a:\n    depends_on: [x]\n  b:\n    image: y\n    depends_on: [z]\n');
    assert.equal(err.problems.length, 3);
    assert.match(err.message, /and 2 more/);
  });
});

describe('composeProject', () => {
  it('detects the compose file compose would pick, with its override file', () => {
    const present = (names: string[]) => (f: string) => names.includes(path.basename(f));
    assert.deepEqual(detectComposeFiles('/ws', present(['docker-compose.yml', 'compose.yaml'])), [path.join('/ws', 'compose.yaml')]);
    assert.deepEqual(detectComposeFiles('/ws', present(['compose.yml'])), [path.join('/ws', 'compose.yml')]);
    assert.deepEqual(detectComposeFiles('/ws', present(['docker-compose.yaml', 'docker-compose.override.yml'])), [
      path.join('/ws', 'docker-compose.yaml'),
      path.join('/ws', 'docker-compose.override.yml'),
    ]);
    assert.deepEqual(detectComposeFiles('/ws', present([])), []);
  });

  it('normalises project names as compose v1 and v2 do', () => {
    assert.equal(normalizeProjectName('My App.v2', 'v2'), 'myappv2');
    assert.equal(normalizeProjectName('_My-App_', 'v2'), 'my-app_');
    assert.equal(normalizeProjectName('_My-App_', 'v1'), '_my-app_');
    assert.equal(normalizeProjectName('Realm Observability', 'v1'), 'realmobservability');
  });

  it('resolves the project name from -p, COMPOSE_PROJECT_NAME, name: (v2 only) or the folder', () => {
    const base = { env: {}, firstComposeFile: '/home/u/My Shop/compose.yaml' };
    assert.equal(resolveProjectName({ ...base, flavour: 'v2', explicit: 'Explicit' }), 'explicit');
    assert.equal(resolveProjectName({ ...base, flavour: 'v2', env: { COMPOSE_PROJECT_NAME: 'FromEnv' } }), 'fromenv');
    assert.equal(resolveProjectName({ ...base, flavour: 'v2', fileName: 'Named' }), 'named');
    assert.equal(resolveProjectName({ ...base, flavour: 'v1', fileName: 'Named' }), 'myshop');
  });
});

describe('composeErrors.classifyComposeFailure', () => {
  const cmd = ['docker-compose', 'up', '-d'];
  it('recognises a port already in use (userland proxy and port allocator messages)', () => {
    const e = classifyComposeFailure(
      'ERROR: for web  Cannot start service web: driver failed programming external connectivity on endpoint p_web_1 (abc): Error starting userland proxy: listen tcp4 127.0.0.1:18555: bind: address already in use',
      cmd,
      1,
    );
    assert.deepEqual([e.kind, e.details.hostIp, e.details.port, e.details.service], ['port-in-use', '127.0.0.1', 18555, 'web']);
    const e2 = classifyComposeFailure(
      'Error response from daemon: driver failed programming external connectivity on endpoint shop-web-1 (x): Bind for 0.0.0.0:8080 failed: port is already allocated',
      cmd,
      1,
    );
    assert.deepEqual([e2.kind, e2.details.port, e2.details.service], ['port-in-use', 8080, 'shop-web-1']);
  });

  it('recognises an unreachable engine from v1 and v2 wording', () => {
    assert.equal(
      classifyComposeFailure("docker.errors.DockerException: Error while fetching server API version: ('Connection aborted.')", cmd, 1).kind,
      'engine-unreachable',
    );
    assert.equal(
      classifyComposeFailure('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', cmd, 1).kind,
      'engine-unreachable',
    );
  });

  it('recognises a malformed file and keeps the offending line and column', () => {
    const e = classifyComposeFailure(
      'yaml.parser.ParserError: while parsing a block mapping\n  in "./bad.yml", line 2, column 3\nexpected <block end>\n  in "./bad.yml", line 4, column 4',
      cmd,
      1,
    );
    assert.deepEqual([e.kind, e.details.file, e.details.line, e.details.column], ['malformed-file', './bad.yml', 4, 4]);
    assert.equal(
      classifyComposeFailure("The Compose file './x.yml' is invalid because:\nUnsupported config option for services.a: 'imagex'", cmd, 1).kind,
      'malformed-file',
    );
  });

  it('recognises a dependency that never got healthy, and a missing image', () => {
    const e = classifyComposeFailure('ERROR: for client  Container "4868100cb2e4" is unhealthy.\nEncountered errors while bringing up the project.', cmd, 1);
    assert.deepEqual([e.kind, e.details.service], ['unhealthy', 'client']);
    assert.equal(classifyComposeFailure('pull access denied for nope, repository does not exist', cmd, 1).kind, 'image-unavailable');
    assert.equal(classifyComposeFailure('something odd', cmd, 3).kind, 'failed');
  });

  it('recognises a pull that failed offline or behind a broken registry as an unavailable image (v2 and v1 wording)', () => {
    const v2 =
      ' prometheus Pulling \n prometheus Error Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host\nError response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host';
    const v1 =
      'Creating network "x_default" with the default driver\nPulling prom (prom/prometheus:v2.53.2)...\nGet "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host';
    for (const out of [
      v2,
      v1,
      'Error response from daemon: Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused',
      'Error response from daemon: Get "https://ghcr.io/v2/": net/http: TLS handshake timeout',
    ]) {
      assert.equal(classifyComposeFailure(out, cmd, 1).kind, 'image-unavailable', out);
    }
  });
});

describe('composeProjects.appProject (the real compose CLI)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-app-'));
  const folder = path.join(root, 'My Shop!');
  fs.mkdirSync(folder);
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  let runner: ComposeCliRunner;
  before(async () => {
    runner = new ComposeCliRunner(await detectComposeCli());
  });

  it('lets compose pick the workspace compose file and name the project after the folder', async () => {
    fs.writeFileSync(path.join(folder, 'docker-compose.yml'), 'services:\n  web:\n    image: x\n');
    const p = await appProject(folder, { composeFiles: [], composeProjectName: '' }, runner);
    assert.deepEqual(p.ref, { files: [], projectName: 'myshop', workingDir: folder }, 'no -f: compose chooses the files itself');
    assert.deepEqual(
      p.model.services.map((s) => s.name),
      ['web'],
    );
  });

  it("uses realm.composeFiles and realm.composeProjectName when set, and the file's name:", async () => {
    fs.writeFileSync(path.join(folder, 'ops.yaml'), 'name: Storefront\nservices:\n  web:\n    image: x\n');
    assert.equal((await appProject(folder, { composeFiles: ['ops.yaml'], composeProjectName: '' }, runner)).ref.projectName, 'storefront');
    assert.equal((await appProject(folder, { composeFiles: ['ops.yaml'], composeProjectName: 'Mine' }, runner)).ref.projectName, 'mine');
  });

  it('says what to do when the folder has no compose file', () => {
    const empty = fs.mkdtempSync(path.join(root, 'empty-'));
    assert.throws(() => appProjectRef(empty, { composeFiles: [], composeProjectName: '' }), /No compose file in .*realm\.composeFiles/);
  });
});
