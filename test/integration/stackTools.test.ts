import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

// The shipped stack/ validated by the real tools: promtool, amtool and the compose CLI.
const STACK = path.resolve(__dirname, '../../../stack');

interface ToolRun {
  code: number;
  out: string;
  stdout: string;
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = STACK): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(program, args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, out: `${stdout}${stderr}`, stdout: String(stdout) });
    });
  });
}

describe('stack/ checked by the real tools', function () {
  this.timeout(120_000);

  it('promtool check config accepts prometheus.yml with its 8 rules', async () => {
    const r = await run('promtool', ['check', 'config', 'prometheus/prometheus.yml']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS: 8 rules found/);
  });

  it('promtool test rules passes every alert rule unit test', async () => {
    const r = await run('promtool', ['test', 'rules', 'prometheus/alert_rules.test.yml']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  it('promtool test rules notices a rule that fires too early (the tests have teeth)', async () => {
    // the same tests against rules whose `for:` was dropped must fail
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-rules-'));
    try {
      const rules = fs.readFileSync(path.join(STACK, 'prometheus/alert_rules.yml'), 'utf8').replace(/^\s+for: .*$/gm, '');
      fs.writeFileSync(path.join(dir, 'alert_rules.yml'), rules);
      fs.copyFileSync(path.join(STACK, 'prometheus/alert_rules.test.yml'), path.join(dir, 'alert_rules.test.yml'));
      const r = await run('promtool', ['test', 'rules', 'alert_rules.test.yml'], process.env, dir);
      assert.notEqual(r.code, 0, 'tests passed although every rule fired immediately');
      for (const alert of [
        'ServiceDown',
        'ArcanumNeedsRestart',
        'HighDiskUsage',
        'HighErrorRate',
        'ContainerHighMemory',
        'SystemResourceExhaustion',
        'ServiceFlapping',
        'HostHighCpuLoad',
      ]) {
        assert.match(r.out, new RegExp(`alertname: ${alert}`), `no test caught ${alert} firing before its for:`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('amtool check-config accepts alertmanager.yml, and routes by severity', async () => {
    const r = await run('amtool', ['check-config', 'alertmanager/alertmanager.yml']);
    assert.equal(r.code, 0, r.out);
    const critical = await run('amtool', [
      'config',
      'routes',
      'test',
      '--config.file=alertmanager/alertmanager.yml',
      'severity=critical',
      'alertname=ServiceDown',
    ]);
    assert.equal(critical.stdout.trim().split('\n').pop(), 'critical');
    const other = await run('amtool', ['config', 'routes', 'test', '--config.file=alertmanager/alertmanager.yml', 'severity=info']);
    assert.equal(other.stdout.trim().split('\n').pop(), 'default');
  });

  it('docker-compose config accepts compose.yaml and resolves every port to 127.0.0.1', async () => {
    const env = { ...process.env, REALM_GRAFANA_ADMIN_PASSWORD: 'it-secret-not-admin', REALM_GRAFANA_PORT: '13000' };
    const r = await run('docker-compose', ['-p', 'realm-observability', '-f', 'compose.yaml', 'config'], env);
    assert.equal(r.code, 0, r.out);
    const resolved = parseYaml(r.out) as { services: Record<string, { ports?: string[]; environment?: Record<string, string> }> };
    assert.equal(resolved.services.grafana.environment?.GF_SECURITY_ADMIN_PASSWORD, 'it-secret-not-admin');
    const ports = Object.values(resolved.services).flatMap((s) => s.ports ?? []);
    assert.ok(ports.includes('127.0.0.1:13000:3000/tcp'), `ports: ${ports.join(', ')}`);
    for (const p of ports) assert.match(p, /^127\.0\.0\.1:/);
  });

  it('docker-compose config refuses to run the stack without the Grafana password', async () => {
    const env = { ...process.env };
    delete env.REALM_GRAFANA_ADMIN_PASSWORD;
    const r = await run('docker-compose', ['-p', 'realm-observability', '-f', 'compose.yaml', 'config'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /REALM_GRAFANA_ADMIN_PASSWORD/);
  });
});
