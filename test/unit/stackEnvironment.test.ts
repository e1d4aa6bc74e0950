import assert from 'node:assert/strict';
import { demuxLogBuffer } from '../../src/clients/containerLogs';
import { arcanumTargetsJson, grafanaDashboardUrl, stackEnvironment } from '../../src/core/stackEnvironment';
import { GRAFANA_PASSWORD_SECRET, grafanaAdminPassword } from '../../src/commands/grafanaPassword';

describe('stackEnvironment', () => {
  const urls = {
    prometheus: 'http://127.0.0.1:19090',
    alertmanager: 'http://localhost:9093/',
    loki: 'https://loki.example.com',
    grafana: 'http://127.0.0.1:3000',
  };

  it('gives compose the password, the targets folder, the engine socket and loopback ports from settings', () => {
    const env = stackEnvironment({ grafanaPassword: 's3cret', targetsDir: '/store/targets', dockerHost: 'unix:///tmp/realm-it/docker.sock', urls });
    assert.deepEqual(env, {
      REALM_GRAFANA_ADMIN_PASSWORD: 's3cret',
      REALM_TARGETS_DIR: '/store/targets',
      REALM_DOCKER_SOCKET: '/tmp/realm-it/docker.sock',
      REALM_PROMETHEUS_PORT: '19090',
      REALM_ALERTMANAGER_PORT: '9093',
      REALM_GRAFANA_PORT: '3000',
    });
  });

  it('leaves the socket to the compose default for a tcp engine', () => {
    assert.equal(stackEnvironment({ grafanaPassword: 'x', targetsDir: '/t', dockerHost: 'tcp://10.0.0.5:2375', urls }).REALM_DOCKER_SOCKET, undefined);
  });

  it('writes the arcanum file_sd document and refuses what is not host:port', () => {
    assert.deepEqual(JSON.parse(arcanumTargetsJson(['host.docker.internal:8000', ' 10.0.0.7:9100 '])), [
      { targets: ['host.docker.internal:8000', '10.0.0.7:9100'], labels: { service: 'arcanum' } },
    ]);
    assert.throws(() => arcanumTargetsJson(['http://x:1']), /not host:port/);
    assert.throws(() => arcanumTargetsJson(['']), /empty/);
  });

  it('links to the shipped dashboard, filtered to a project', () => {
    assert.equal(grafanaDashboardUrl('http://127.0.0.1:3000/', 'my-app'), 'http://127.0.0.1:3000/d/realm-observability/realm-observability?var-project=my-app');
  });
});

describe('grafanaAdminPassword', () => {
  it('generates a strong password once and keeps returning it from SecretStorage', async () => {
    const store = new Map<string, string>();
    const secrets = { get: async (k: string) => store.get(k), store: async (k: string, v: string) => void store.set(k, v) };
    const first = await grafanaAdminPassword(secrets);
    assert.match(first, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(first, 'admin');
    assert.equal(store.get(GRAFANA_PASSWORD_SECRET), first);
    assert.equal(await grafanaAdminPassword(secrets), first);
  });
});

describe('containerLogs.demuxLogBuffer', () => {
  it('joins stdout and stderr frames in the order written', () => {
    const frame = (stream: number, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    assert.equal(demuxLogBuffer(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err ü\n'), frame(1, 'out 2\n')])), 'out 1\nerr ü\nout 2\n');
  });
});
