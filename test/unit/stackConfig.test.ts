import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseComposeFile } from '../../src/core/composeFile';

// Static checks of the shipped stack/ (the tools themselves run in test/integration/stackTools.test.ts).
const STACK = path.resolve(__dirname, '../../../stack');
const read = (rel: string) => fs.readFileSync(path.join(STACK, rel), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const yaml = (rel: string): any => parseYaml(read(rel));

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string; type?: string };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
}

describe('stack/compose.yaml', () => {
  const text = read('compose.yaml');
  const model = parseComposeFile(text, 'stack/compose.yaml');
  const raw = parseYaml(text) as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown> };

  it('runs the whole stack: Prometheus, Alertmanager, Loki, Promtail, Grafana, cAdvisor, node-exporter', () => {
    assert.deepEqual(model.services.map((s) => s.name).sort(), ['alertmanager', 'cadvisor', 'grafana', 'loki', 'node-exporter', 'prometheus', 'promtail']);
  });

  it('binds every published port to 127.0.0.1', () => {
    const published = model.services.flatMap((s) => s.ports.map((p) => ({ service: s.name, ...p })));
    assert.ok(published.length >= 4, 'Prometheus, Alertmanager, Loki and Grafana are reachable from the host');
    for (const p of published) assert.equal(p.hostIp, '127.0.0.1', `${p.service} publishes ${p.published}:${p.target} on all interfaces`);
  });

  it('pins every image to an explicit version', () => {
    for (const s of model.services) {
      const tag = /:([^/:]+)$/.exec(s.image ?? '')?.[1];
      assert.ok(tag && tag !== 'latest' && /\d/.test(tag), `${s.name}: image ${s.image} is not pinned`);
    }
  });

  it('has a healthcheck on every service', () => {
    for (const s of model.services) assert.ok(s.hasHealthcheck, `${s.name} has no healthcheck`);
  });

  it('keeps state in named volumes that are declared', () => {
    const declared = Object.keys(raw.volumes);
    const used = Object.values(raw.services).flatMap((s) =>
      ((s.volumes as string[] | undefined) ?? []).map((v) => v.split(':')[0]).filter((src) => /^[a-z][\w-]*$/.test(src)),
    );
    assert.deepEqual([...new Set(used)].sort(), declared.sort());
    for (const svc of ['prometheus', 'alertmanager', 'loki', 'grafana']) {
      assert.ok(
        ((raw.services[svc].volumes as string[]) ?? []).some((v) => declared.includes(v.split(':')[0])),
        `${svc} keeps no data in a named volume`,
      );
    }
  });

  it('takes the Grafana admin password from a required environment variable, never admin/admin', () => {
    const env = raw.services.grafana.environment as Record<string, string>;
    assert.match(env.GF_SECURITY_ADMIN_PASSWORD, /^\$\{REALM_GRAFANA_ADMIN_PASSWORD:\?.+\}$/);
    assert.doesNotMatch(text, /ADMIN_PASSWORD:\s*admin\b/);
  });

  it('runs node-exporter (no SIGTERM handler) where it is not PID 1: pid host, so no init is needed', () => {
    assert.equal(raw.services['node-exporter'].pid, 'host');
    assert.notEqual(raw.services['node-exporter'].init, true, 'tini is not PID 1 with pid: host and only warns');
  });
});

describe('stack/prometheus', () => {
  const config = yaml('prometheus/prometheus.yml');
  const rules = yaml('prometheus/alert_rules.yml');
  const tests = yaml('prometheus/alert_rules.test.yml');
  const alerts: Array<{ alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> }> =
    rules.groups.flatMap((g: { rules: unknown[] }) => g.rules);

  it('scrapes every 15 s: itself, Alertmanager, Loki, Promtail, Grafana, cAdvisor, node-exporter and arcanum', () => {
    assert.equal(config.global.scrape_interval, '15s');
    const jobs = config.scrape_configs.map((j: { job_name: string }) => j.job_name).sort();
    assert.deepEqual(jobs, ['alertmanager', 'arcanum', 'cadvisor', 'grafana', 'loki', 'node-exporter', 'prometheus', 'promtail']);
    assert.deepEqual(config.rule_files, ['alert_rules.yml']);
    assert.deepEqual(config.alerting.alertmanagers[0].static_configs[0].targets, ['alertmanager:9093']);
  });

  it('takes the arcanum target from a file_sd file the extension can rewrite', () => {
    const arcanum = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'arcanum');
    assert.deepEqual(arcanum.file_sd_configs[0].files, ['targets/arcanum.json']);
    const shipped = JSON.parse(read('prometheus/targets/arcanum.json'));
    assert.equal(shipped[0].labels.service, 'arcanum');
  });

  it("has exactly the issue's alert rules, each with severity, summary and description", () => {
    assert.deepEqual(alerts.map((a) => a.alert).sort(), [
      'ArcanumNeedsRestart',
      'ContainerHighMemory',
      'HighDiskUsage',
      'HighErrorRate',
      'HostHighCpuLoad',
      'ServiceDown',
      'ServiceFlapping',
      'SystemResourceExhaustion',
    ]);
    for (const a of alerts) {
      assert.ok(['critical', 'warning'].includes(a.labels.severity), `${a.alert} severity`);
      assert.ok(a.annotations.summary && a.annotations.description, `${a.alert} annotations`);
      assert.ok(a.for, `${a.alert} has no for:`);
    }
  });

  it('labels the remediable alerts with the action the healer takes', () => {
    const action = Object.fromEntries(alerts.map((a) => [a.alert, a.labels.action]));
    assert.deepEqual(action, {
      ServiceDown: undefined,
      ArcanumNeedsRestart: 'restart',
      SystemResourceExhaustion: 'scale_down',
      HighDiskUsage: 'cleanup_logs',
      HighErrorRate: undefined,
      ContainerHighMemory: undefined,
      ServiceFlapping: undefined,
      HostHighCpuLoad: undefined,
    });
  });

  it('unit-tests every rule both firing and not yet firing', () => {
    const cases: Array<{ alertname: string; exp_alerts: unknown[] }> = tests.tests.flatMap((t: { alert_rule_test?: unknown[] }) => t.alert_rule_test ?? []);
    for (const a of alerts) {
      assert.ok(
        cases.some((c) => c.alertname === a.alert && c.exp_alerts.length > 0),
        `${a.alert} is never shown firing`,
      );
      assert.ok(
        cases.some((c) => c.alertname === a.alert && c.exp_alerts.length === 0),
        `${a.alert} is never shown quiet before its for:`,
      );
    }
  });
});

describe('stack/alertmanager', () => {
  const am = yaml('alertmanager/alertmanager.yml');
  it('groups by alertname and service, routes by severity, and needs no external receiver', () => {
    assert.deepEqual(am.route.group_by, ['alertname', 'service']);
    assert.deepEqual(am.route.routes.map((r: { matchers: string[] }) => r.matchers[0]).sort(), ['severity="critical"', 'severity="warning"']);
    for (const r of am.receivers) assert.deepEqual(Object.keys(r), ['name'], `receiver ${r.name} calls an external service`);
  });
});

describe('stack/loki and stack/promtail', () => {
  it('Loki keeps logs 7 days and its compactor enforces it', () => {
    const loki = yaml('loki/loki.yaml');
    assert.equal(loki.limits_config.retention_period, '168h');
    assert.equal(loki.compactor.retention_enabled, true);
    assert.ok(loki.compactor.delete_request_store, 'Loki 3 refuses retention without a delete request store');
    assert.equal(loki.auth_enabled, false);
  });

  it('Promtail discovers every container through Docker and labels container, compose_service, compose_project and level', () => {
    const promtail = yaml('promtail/promtail.yaml');
    const job = promtail.scrape_configs[0];
    assert.equal(job.docker_sd_configs[0].host, 'unix:///var/run/docker.sock');
    assert.ok(!job.docker_sd_configs[0].filters, 'no filter: every container is shipped');
    const targets = Object.fromEntries(job.relabel_configs.map((r: { target_label: string; source_labels: string[] }) => [r.target_label, r.source_labels[0]]));
    assert.equal(targets.container, '__meta_docker_container_name');
    assert.equal(targets.compose_service, '__meta_docker_container_label_com_docker_compose_service');
    assert.equal(targets.compose_project, '__meta_docker_container_label_com_docker_compose_project');
    const labelStage = job.pipeline_stages.find((s: Record<string, unknown>) => 'labels' in s);
    assert.ok(labelStage && 'level' in labelStage.labels, 'level is a label');
    assert.equal(promtail.clients[0].url, 'http://loki:3100/loki/api/v1/push');
  });
});

describe('stack/grafana', () => {
  const datasources: Array<{ uid: string; type: string; url: string }> = yaml('grafana/provisioning/datasources/datasources.yaml').datasources;
  const dashboard = JSON.parse(read('grafana/dashboards/realm-observability.json')) as { uid: string; title: string; panels: Panel[] };
  const uids = new Set(datasources.map((d) => d.uid));

  it("provisions the Prometheus and Loki data sources at the stack's services", () => {
    assert.deepEqual(
      datasources.filter((d) => d.type !== 'alertmanager').map((d) => [d.type, d.url]),
      [
        ['prometheus', 'http://prometheus:9090'],
        ['loki', 'http://loki:3100'],
      ],
    );
    const provider = yaml('grafana/provisioning/dashboards/dashboards.yaml').providers[0];
    assert.equal(provider.options.path, '/var/lib/grafana/dashboards');
  });

  it('has the "Realm Observability" dashboard with the panels the issue lists', () => {
    assert.equal(dashboard.title, 'Realm Observability');
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const want of ['service status', 'request rate', 'error rate', 'memory per container', 'active alerts', 'logs', 'self-healing'])
      assert.ok(titles.includes(want), `no "${want}" panel in ${titles}`);
    assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, 'panel ids are unique');
  });

  it('uses only provisioned data sources in every panel and query', () => {
    for (const p of dashboard.panels) {
      assert.ok(p.datasource?.uid && uids.has(p.datasource.uid), `panel "${p.title}" uses unknown data source ${p.datasource?.uid}`);
      for (const t of p.targets ?? []) assert.ok(!t.datasource?.uid || uids.has(t.datasource.uid), `a query of "${p.title}" uses ${t.datasource?.uid}`);
    }
  });

  it('has PromQL that Prometheus parses in every Prometheus panel', async function () {
    const exprs = dashboard.panels
      .filter((p) => p.datasource?.type === 'prometheus')
      .flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));
    // 5: "Self-healing actions" moved to Loki (healer decisions); its LogQL is checked in lokiDecisionLog.test.ts
    assert.ok(exprs.length >= 5);
    // Grafana's own variables are not PromQL: give them the values Grafana would
    const rules = exprs.map((e, i) => ({
      record: `realm:dashboard:expr_${i}`,
      expr: e.expr.replace(/\$__(rate_)?interval/g, '5m').replace(/\$__range/g, '1h'),
    }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-dash-'));
    const file = path.join(dir, 'dashboard.rules.yml');
    fs.writeFileSync(file, stringifyYaml({ groups: [{ name: 'dashboard', rules }] }));
    try {
      const result = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile('promtool', ['check', 'rules', file], { timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        );
      });
      assert.equal(result.code, 0, `promtool rejected a dashboard query:\n${result.out}`);
      assert.match(result.out, new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
