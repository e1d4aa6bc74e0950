import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runPipeline, Stage } from './support/promtailPipeline';

// The stack on the Docker users run today (issue 11): versions, mounts, flags, pipeline stages, rules.
// Each choice is explained, with its upstream evidence, in stack/README.md.
const STACK = path.resolve(__dirname, '../../../stack');
const read = (rel: string) => fs.readFileSync(path.join(STACK, rel), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const compose = parseYaml(read('compose.yaml')) as { services: Record<string, any> };
const flag = (service: string, name: string): string | undefined =>
  (compose.services[service].command as string[]).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** cAdvisor's own default `--disable_metrics` (cmd/cadvisor.go `ignoreMetrics`); the flag replaces it. */
const CADVISOR_DEFAULT_DISABLED = [
  'memory_numa',
  'tcp',
  'udp',
  'advtcp',
  'sched',
  'process',
  'hugetlb',
  'referenced_memory',
  'cpu_topology',
  'resctrl',
  'cpuset',
];

describe('stack/compose.yaml on Docker Engine 29 and Docker Desktop', () => {
  it("runs a cAdvisor from ghcr.io that speaks Engine 29's API and reads the containerd image store", () => {
    const image = String(compose.services.cadvisor.image);
    const m = /^ghcr\.io\/google\/cadvisor:v?(\d+)\.(\d+)\.(\d+)$/.exec(image);
    assert.ok(m, `${image}: cAdvisor images from v0.53 on are published on ghcr.io/google/cadvisor`);
    // v0.57 negotiates the API version (Engine 29 refuses 1.41); v0.54 finds the rw layer through containerd
    assert.ok(Number(m[1]) > 0 || Number(m[2]) >= 57, `${image} is older than v0.57`);
    const volumes = compose.services.cadvisor.volumes as string[];
    assert.ok(
      volumes.some((v) => v.endsWith(':/run/containerd/containerd.sock:ro')),
      "containerd's socket is mounted read-only",
    );
    assert.ok(flag('cadvisor', 'docker_only'), 'only containers, no host cgroups');
  });

  it('keeps every metric cAdvisor disables by default disabled (the flag replaces the default list)', () => {
    const disabled = (flag('cadvisor', 'disable_metrics') ?? '').split(',');
    for (const m of CADVISOR_DEFAULT_DISABLED) assert.ok(disabled.includes(m), `--disable_metrics switches ${m} back on`);
    // …but never what the rules and the dashboard read (memory, cpu, network)
    for (const needed of ['memory', 'cpu', 'network']) assert.ok(!disabled.includes(needed), `${needed} is disabled`);
  });

  it('starts node-exporter where / is not a shared mount (no rslave) and keeps the host root for filesystem metrics', () => {
    const ne = compose.services['node-exporter'];
    const volumes = ne.volumes as string[];
    assert.deepEqual(volumes, ['/:/host:ro']);
    assert.ok(
      !/rslave|rshared|slave/.test(read('compose.yaml').split('node-exporter:')[1].split('healthcheck')[0].replace(/#.*$/gm, '')),
      'no propagation option on the mount',
    );
    assert.equal(flag('node-exporter', 'path.rootfs'), '/host');
    // the filesystem collector stays on and `/` is not excluded: HighDiskUsage needs node_filesystem_* for /
    assert.ok(!(ne.command as string[]).some((a) => a.startsWith('--no-collector.filesystem')));
    const exclude = new RegExp(flag('node-exporter', 'collector.filesystem.mount-points-exclude')!.replace(/\$\$/g, '$'));
    assert.ok(
      !exclude.test('/') && !exclude.test('/home') && exclude.test('/proc') && exclude.test('/var/lib/docker/overlay2'),
      'the exclusion keeps real disks',
    );
  });

  it('runs node-exporter without an init: with pid host it is not PID 1, so SIGTERM stops it', () => {
    assert.equal(compose.services['node-exporter'].pid, 'host');
    assert.notEqual(compose.services['node-exporter'].init, true);
  });

  it("mounts only Realm's provisioning folders, so Grafana's own plugins/ and alerting/ stay visible", () => {
    const volumes = compose.services.grafana.volumes as string[];
    const targets = volumes.map((v) => v.split(':')[1]);
    assert.ok(!targets.includes('/etc/grafana/provisioning'), 'the whole provisioning folder is hidden by a mount');
    assert.ok(targets.includes('/etc/grafana/provisioning/datasources') && targets.includes('/etc/grafana/provisioning/dashboards'));
    for (const v of volumes.filter((x) => x.startsWith('./grafana/provisioning/')))
      assert.ok(fs.existsSync(path.join(STACK, v.split(':')[0])), `${v} mounts a missing folder`);
  });

  it("checks Promtail's health with bash /dev/tcp and says truthfully why", () => {
    const p = compose.services.promtail;
    assert.equal(p.healthcheck.test[1], 'bash');
    const text = read('compose.yaml');
    assert.doesNotMatch(text, /neither wget nor curl/);
    assert.match(text, /does ship wget/);
  });
});

describe("stack/promtail: lines verbatim, level from the line's own format", () => {
  const promtail = parseYaml(read('promtail/promtail.yaml')) as { scrape_configs: Array<{ pipeline_stages: Stage[] }> };
  const stages = promtail.scrape_configs[0].pipeline_stages;
  const labels = { container: 'app-web-1', compose_service: 'web', compose_project: 'app', stream: 'stdout' };
  const run = (line: string) => runPipeline(stages, line, labels);

  it('has no docker stage and no stage that rewrites the line or the timestamp', () => {
    for (const s of stages) {
      const type = Object.keys(s)[0];
      assert.ok(!['docker', 'cri', 'output', 'timestamp', 'pack', 'decolorize'].includes(type), `a ${type} stage changes the line`);
      if (type === 'replace') assert.ok((s.replace as { source?: string }).source, 'a replace stage without source rewrites the line');
    }
  });

  const cases: Array<[string, string]> = [
    ['{"level":"warn","msg":"disk slow","log":"inner"}', 'warn'],
    ['{"level":"INFO","time":"2020-01-01T00:00:00Z","stream":"stderr","msg":"x"}', 'info'],
    ['{"severity":"ERROR","message":"boom"}', 'error'],
    ['{"lvl":"debug","msg":"x"}', 'debug'],
    ['{"level":30,"msg":"pino says info"}', 'info'],
    ['{"level":10,"msg":"t"}', 'trace'],
    ['{"level":20,"msg":"d"}', 'debug'],
    ['{"level":40,"msg":"w"}', 'warn'],
    ['{"level":50,"msg":"e"}', 'error'],
    ['{"level":60,"msg":"f"}', 'fatal'],
    ['{"level":"warning","msg":"level=error inside the message"}', 'warn'],
    ['{"msg":"no level here"}', 'unknown'],
    ['ts=2026-12-01T12:00:00Z level=warn msg="disk slow"', 'warn'],
    ['time=x level="error" msg=y', 'error'],
    ['I1201 12:00:00.123456       1 manager.go:233] Version: v0.60.5', 'info'],
    ['W1201 12:00:00.123456       1 x.go:1] careful', 'warn'],
    ['E1201 12:00:00.123456       1 x.go:1] failed', 'error'],
    ['F1201 12:00:00.123456       1 x.go:1] dead', 'fatal'],
    ['[ERROR] database unreachable', 'error'],
    ['2026-12-01 12:00:00,123 [warn] retrying', 'warn'],
    ['[Critical] out of disk', 'fatal'],
    ['Processing info about an error', 'unknown'],
    ['GET /health 200 [info] is not leading', 'unknown'],
    ['[verbose] not a level of the vocabulary', 'unknown'],
    ['{"level":"chatty","msg":"unbounded values become unknown"}', 'unknown'],
    ['plain text', 'unknown'],
  ];
  for (const [line, level] of cases) {
    it(`${level.padEnd(7)} ← ${line}`, () => {
      const r = run(line);
      assert.equal(r.labels.level, level);
      assert.equal(r.line, line, 'the line is stored verbatim');
      assert.equal(r.labels.stream, 'stdout', 'a JSON "stream" key never replaces the stream label');
    });
  }
});

describe('stack/prometheus and the dashboard use the working set', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rules = parseYaml(read('prometheus/alert_rules.yml')) as any;
  const rule = rules.groups.flatMap((g: { rules: unknown[] }) => g.rules).find((r: { alert: string }) => r.alert === 'ContainerHighMemory');
  const dashboard = JSON.parse(read('grafana/dashboards/realm-observability.json')) as { panels: Array<{ title: string; targets?: Array<{ expr?: string }> }> };

  it('ContainerHighMemory divides the working set by a limit that is > 0', () => {
    assert.match(rule.expr, /container_memory_working_set_bytes\{name!=""\}\s*\/\s*\(container_spec_memory_limit_bytes\{name!=""\} > 0\)/);
    assert.doesNotMatch(rule.expr, /container_memory_usage_bytes/);
  });

  it('"Memory per container" plots the working set', () => {
    const panel = dashboard.panels.find((p) => p.title === 'Memory per container')!;
    assert.match(panel.targets![0].expr!, /container_memory_working_set_bytes/);
    assert.doesNotMatch(JSON.stringify(dashboard), /container_memory_usage_bytes|container_start_time_seconds/);
  });

  it("promtool's rule tests cover the working set both ways (fires on it, quiet on page cache alone)", () => {
    const tests = parseYaml(read('prometheus/alert_rules.test.yml')) as { tests: Array<{ name: string; input_series: Array<{ series: string }> }> };
    const mem = tests.tests.filter((t) => t.input_series.some((s) => s.series.startsWith('container_memory_working_set_bytes')));
    assert.ok(mem.length >= 2);
    assert.ok(
      mem.some((t) => /quiet/.test(t.name) && t.input_series.some((s) => s.series.startsWith('container_memory_usage_bytes'))),
      'a test shows page cache alone does not fire',
    );
  });
});

describe('stack/README.md explains each choice', () => {
  const readme = read('README.md');
  for (const evidence of [
    'google/cadvisor#3749',
    'google/cadvisor#3643',
    'prometheus/node_exporter#2742',
    '2026-03-02',
    'Alloy',
    'working set',
    'containerd',
  ]) {
    it(`mentions ${evidence}`, () => assert.ok(readme.includes(evidence)));
  }
});
