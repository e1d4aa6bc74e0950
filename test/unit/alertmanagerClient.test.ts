import assert from 'node:assert/strict';
import { AlertmanagerClient, isNotFound, Matcher } from '../../src/clients/alertmanagerClient';
import { rawSample, sample, SampleServer } from './support/sampleServer';
import { backendError } from '../support/backendError';

const SILENCE_ID = 'eb93dada-c80d-4452-be92-b8e86c22948e';
const byName: Matcher = { name: 'alertname', value: 'ServiceDown', isRegex: false, isEqual: true };

describe('AlertmanagerClient (real Alertmanager 0.25 bodies)', () => {
  let server: SampleServer;
  let client: AlertmanagerClient;

  beforeEach(async () => {
    server = await new SampleServer().start();
    client = new AlertmanagerClient({ baseUrl: server.url, timeoutMs: 2000, auth: { kind: 'bearer', token: 't0ken' } });
  });
  afterEach(() => server.stop());

  it('lists firing alerts with their labels, times and state', async () => {
    server.on('GET /api/v2/alerts', sample('am-alerts-firing'));
    const [a] = await client.alerts();
    assert.equal(a.fingerprint, '47859ba262861e39');
    assert.equal(a.labels.alertname, 'ServiceDown');
    assert.equal(a.state, 'active');
    assert.equal(a.startsAt, Date.parse('2026-11-28T12:08:52.283Z'));
    assert.deepEqual(a.receivers, ['test-webhook']);
    assert.equal(server.requests[0].headers.authorization, 'Bearer t0ken');
  });

  it('sends state flags and matchers as filter parameters', async () => {
    server.on('GET /api/v2/alerts', sample('am-alerts-empty'));
    await client.alerts({
      silenced: false,
      filter: [
        { name: 'instance', value: '127.0.0.1:19100', isRegex: false, isEqual: true },
        { name: 'job', value: 'arc.*', isRegex: true, isEqual: false },
      ],
    });
    const q = server.requests[0].url.searchParams;
    assert.equal(q.get('silenced'), 'false');
    assert.deepEqual(q.getAll('filter'), ['instance="127.0.0.1:19100"', 'job!~"arc.*"']);
  });

  it('shows which silence suppresses an alert', async () => {
    server.on('GET /api/v2/alerts', sample('am-alerts-silenced'));
    const [a] = await client.alerts();
    assert.equal(a.state, 'suppressed');
    assert.deepEqual(a.silencedBy, [SILENCE_ID]);
  });

  it('lists alert groups with their receiver', async () => {
    server.on('GET /api/v2/alerts/groups', sample('am-alert-groups'));
    const [g] = await client.alertGroups();
    assert.equal(g.receiver, 'test-webhook');
    assert.equal(g.alerts[0].labels.instance, '127.0.0.1:19100');
  });

  it('creates a silence from matchers and returns its id', async () => {
    server.on('POST /api/v2/silences', sample('am-silence-post-response'));
    const id = await client.createSilence({
      matchers: [byName],
      startsAt: Date.parse('2026-11-28T12:08:53.490Z'),
      endsAt: Date.parse('2026-11-28T13:08:53.490Z'),
      createdBy: 'probe',
      comment: 'probe silence',
    });
    assert.equal(id, SILENCE_ID);
    assert.deepEqual(JSON.parse(server.requests[0].body), rawSample('am-silence-post-request'));
  });

  it('lists, gets and expires silences', async () => {
    server
      .on('GET /api/v2/silences', sample('am-silences-after-expire'))
      .on(`GET /api/v2/silence/${SILENCE_ID}`, sample('am-silence-by-id'))
      .on(`DELETE /api/v2/silence/${SILENCE_ID}`, sample('am-silence-delete-response'));
    const [s] = await client.silences();
    assert.equal(s.state, 'expired');
    assert.deepEqual(s.matchers, [byName]);
    const one = await client.silence(SILENCE_ID);
    assert.equal(one.createdBy, 'probe');
    assert.equal(one.state, 'active');
    await client.expireSilence(SILENCE_ID);
    assert.equal(server.requests.at(-1)?.method, 'DELETE');
  });

  it('reads status: version, uptime, config', async () => {
    server.on('GET /api/v2/status', sample('am-status'));
    const s = await client.status();
    assert.equal(s.version, '0.25.0');
    assert.equal(s.clusterStatus, 'disabled');
    assert.match(s.config, /receiver: test-webhook/);
  });

  it('reads {code,message} errors (422 missing matchers)', async () => {
    server.on('POST /api/v2/silences', sample('am-errors', 'silence_empty_matchers'));
    // the client refuses an empty list itself; send one so the server is the one to refuse
    const err = await backendError(client.createSilence({ matchers: [byName], endsAt: Date.now() + 1000, createdBy: 'x', comment: 'y' }));
    assert.equal(err.status, 422);
    assert.equal(err.serverMessage, 'matchers in body should have at least 1 items');
    assert.match(err.message, /alertmanager answered 422: matchers in body/);
  });

  it('reads bare JSON string errors (400 end before start, bad regex)', async () => {
    server.on('POST /api/v2/silences', sample('am-errors', 'silence_end_before_start'));
    const err = await backendError(client.createSilence({ matchers: [byName], endsAt: 0, createdBy: 'x', comment: 'y' }));
    assert.equal(err.status, 400);
    assert.equal(err.serverMessage, 'Failed to create silence: start time must be before end time');
    server.on('POST /api/v2/silences', sample('am-errors', 'silence_bad_regex'));
    const err2 = await backendError(
      client.createSilence({ matchers: [{ ...byName, isRegex: true, value: '([' }], endsAt: Date.now() + 1000, createdBy: 'x', comment: 'y' }),
    );
    assert.match(err2.serverMessage ?? '', /^silence invalid: invalid label matcher 0: invalid regular expression/);
  });

  it('reads bad filter errors', async () => {
    server.on('GET /api/v2/alerts', sample('am-errors', 'alerts_bad_filter'));
    const err = await backendError(client.alerts());
    assert.equal(err.serverMessage, 'bad matcher format: alertname~~x');
  });

  it('tells an unknown silence apart: GET 404 with an empty body, DELETE 500 "silence not found"', async () => {
    server
      .on('GET /api/v2/silence/00000000-0000-0000-0000-000000000000', sample('am-errors', 'silence_get_unknown'))
      .on('DELETE /api/v2/silence/00000000-0000-0000-0000-000000000000', sample('am-silence-delete-unknown'));
    const get = await backendError(client.silence('00000000-0000-0000-0000-000000000000'));
    assert.equal(get.status, 404);
    assert.equal(get.serverMessage, 'not found');
    assert.ok(isNotFound(get));
    const del = await backendError(client.expireSilence('00000000-0000-0000-0000-000000000000'));
    assert.equal(del.status, 500);
    assert.equal(del.serverMessage, 'silence not found');
    assert.ok(isNotFound(del));
    assert.equal(isNotFound(new Error('x')), false);
  });

  it('reads a bad uuid error', async () => {
    server.on('GET /api/v2/silence/not-a-uuid', sample('am-errors', 'silence_get_bad_uuid'));
    const err = await backendError(client.silence('not-a-uuid'));
    assert.equal(err.status, 422);
    assert.match(err.serverMessage ?? '', /must be of type uuid/);
    assert.equal(isNotFound(err), false);
  });

  it('rejects a v1-shaped body where v2 is expected', async () => {
    server.on('GET /api/v2/alerts', sample('am-errors', 'v1_api_still_present_in_0_25'));
    const err = await backendError(client.alerts());
    assert.equal(err.kind, 'invalid-response');
    assert.match(err.message, /body should be an array/);
  });

  it('refuses an empty matcher list before sending', async () => {
    await assert.rejects(client.createSilence({ matchers: [], endsAt: Date.now() + 1000, createdBy: 'x', comment: 'y' }), RangeError);
    assert.equal(server.requests.length, 0);
  });

  it('times out, aborts, and says when it is unreachable', async () => {
    server.on('GET /api/v2/alerts', () => 'hang');
    assert.equal((await backendError(client.alerts({ timeoutMs: 200 }))).kind, 'timeout');
    const ac = new AbortController();
    const p = client.alerts({ signal: ac.signal });
    ac.abort();
    assert.equal((await backendError(p)).kind, 'aborted');
    const down = new AlertmanagerClient({ baseUrl: 'http://127.0.0.1:1' });
    const err = await backendError(down.status());
    assert.equal(err.kind, 'unreachable');
    assert.equal(err.isTransient, true);
    assert.match(err.message, /alertmanager is unreachable at http:\/\/127\.0\.0\.1:1/);
  });

  it('builds UI links for alerts and silences', () => {
    assert.equal(client.silenceUiUrl(SILENCE_ID), `${server.url}/#/silences/${SILENCE_ID}`);
    assert.ok(client.alertsUiUrl([byName]).endsWith(encodeURIComponent('{alertname="ServiceDown"}')));
  });
});
