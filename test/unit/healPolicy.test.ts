import assert from 'node:assert/strict';
import { ComposeLabels, ContainerInfo } from '../../src/core/containers';
import { backoffDelay, decide, DecisionInput, HealPolicySettings, HealTrigger, ServiceSnapshot } from '../../src/core/healPolicy';
import { parseHealRules, resolveAlert } from '../../src/core/healRules';
import { DEFAULT_HEALER_SETTINGS } from '../../src/core/healerSettings';

const now = Date.UTC(2026, 0, 1, 12);
// the shipped defaults (30 s grace, 10 s back-off, 15 s after an engine restart); tests vary one at a time
const settings: HealPolicySettings = { ...DEFAULT_HEALER_SETTINGS };

function container(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: 'c1',
    name: 'app-arcanum-1',
    project: 'app',
    service: 'arcanum',
    number: 1,
    image: 'img',
    state: 'exited',
    health: 'none',
    exitCode: 137,
    restartCount: 0,
    createdAt: now - 60_000,
    restartPolicy: 'no',
    labels: {},
    ...over,
  };
}
function target(over: Partial<ServiceSnapshot> = {}, containers = [container()]): ServiceSnapshot {
  return { ref: { project: 'app', service: 'arcanum' }, containers, inFlight: false, recentActions: 0, budgetRemaining: 3, ...over };
}
const die: HealTrigger = { kind: 'event', event: 'die', containerId: 'c1', containerName: 'app-arcanum-1', time: now, exitCode: 137 };
const input = (over: Partial<DecisionInput> = {}): DecisionInput => ({ trigger: die, action: 'restart', target: target(), settings, now, ...over });
const reason = (over: Partial<DecisionInput>) => {
  const d = decide(input(over));
  return d.verdict === 'skip' ? d.reason : 'act';
};

describe('healPolicy.decide', () => {
  it('restarts the container that died', () => {
    const d = decide(input());
    assert.equal(d.verdict, 'act');
    assert.deepEqual(d.verdict === 'act' && d.containers.map((c) => c.id), ['c1']);
  });

  it('restarts an unhealthy running container', () => {
    const t = target({}, [container({ state: 'running', health: 'unhealthy' })]);
    assert.equal(reason({ trigger: { ...die, event: 'unhealthy' }, target: t }), 'act');
  });

  it('skips every reason it knows', () => {
    assert.equal(reason({ target: undefined }), 'not-watched');
    assert.equal(reason({ settings: { ...settings, enabled: false } }), 'disabled');
    assert.equal(reason({ settings: { ...settings, trusted: false } }), 'untrusted');
    assert.equal(reason({ settings: { ...settings, optOut: ['arcanum'] } }), 'opted-out');
    assert.equal(reason({ settings: { ...settings, optOut: ['app/arcanum'] } }), 'opted-out');
    assert.equal(reason({ target: target({}, [container({ labels: { [ComposeLabels.healOptOut]: 'false' } })]) }), 'opted-out');
    assert.equal(reason({ target: target({ inFlight: true }) }), 'busy');
    // the grace period delays judging health and alerts; a death in it is backed off (issue 12)
    assert.equal(
      reason({
        trigger: { ...die, event: 'unhealthy' },
        target: target({ lastActionAt: now - 5_000, recentActions: 1 }, [container({ state: 'running', health: 'unhealthy' })]),
      }),
      'in-grace',
    );
    assert.equal(
      reason({
        trigger: { kind: 'alert', alertname: 'ArcanumNeedsRestart', fingerprint: 'f' },
        target: target({ lastActionAt: now - 5_000, recentActions: 1 }),
      }),
      'in-grace',
    );
    assert.equal(reason({ target: target({ lastActionAt: now - 5_000, recentActions: 1 }) }), 'backoff');
    assert.equal(reason({ target: target({ stoppedByUserAt: now - 60_000 }) }), 'user-stopped');
    assert.equal(reason({ target: target({ lastActionAt: now - 35_000, recentActions: 3, budgetRemaining: 1 }) }), 'backoff');
    assert.equal(reason({ target: target({ budgetRemaining: 0, nextSlotAt: now + 60_000 }) }), 'rate-limited');
    assert.equal(reason({ settings: { ...settings, dryRun: true } }), 'dry-run');
    assert.equal(reason({ target: target({}, [container({ state: 'restarting' })]) }), 'already-recovering');
    assert.equal(reason({ target: target({}, [container({ state: 'running', health: 'starting' })]) }), 'already-recovering');
    assert.equal(reason({ target: target({}, [container({ state: 'running' })]) }), 'no-action');
  });

  it('backs a death in the grace period off like Kubernetes: 10 s, 20 s, 40 s… from the death, capped at 5 min', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(settings, n) / 1000),
      [10, 20, 40, 80, 160, 300, 300],
    );
    // crash 2, four seconds after restart 1: restarted 10 s after its death
    const second = decide(input({ trigger: { ...die, time: now }, target: target({ lastActionAt: now - 4_000, recentActions: 1 }) }));
    assert.equal(second.verdict === 'skip' && second.reason, 'backoff');
    assert.equal(second.verdict === 'skip' && second.retryAt, now + 10_000);
    assert.equal(second.verdict === 'skip' && second.detail, 'back-off after 1 restart');
    const third = decide(input({ trigger: { ...die, time: now }, target: target({ lastActionAt: now - 4_000, recentActions: 2 }) }));
    assert.equal(third.verdict === 'skip' && third.retryAt, now + 20_000);
    assert.equal(third.verdict === 'skip' && third.detail, 'back-off after 2 restarts');
    // when that time comes (the same death, judged again) it acts
    assert.equal(
      decide(input({ trigger: { ...die, time: now - 20_000 }, now, target: target({ lastActionAt: now - 24_000, recentActions: 2 }) })).verdict,
      'act',
    );
    // a death after the grace period, once the back-off since the last action has passed: at once
    assert.equal(reason({ target: target({ lastActionAt: now - 31_000, recentActions: 1 }) }), 'act');
  });

  it('a manual action is refused by no grace, back-off, spent budget or earlier stop — only by the safety switches', () => {
    const spent = target({ lastActionAt: now - 1_000, recentActions: 3, budgetRemaining: 0, nextSlotAt: now + 60_000, stoppedByUserAt: now - 5_000 });
    const manual = { kind: 'manual' as const, why: 'exited' };
    assert.equal(reason({ trigger: manual, target: spent, manual: true }), 'act');
    assert.equal(reason({ trigger: manual, target: spent }), 'user-stopped');
    assert.equal(reason({ trigger: manual, target: spent, manual: true, settings: { ...settings, dryRun: true } }), 'dry-run');
    assert.equal(reason({ trigger: manual, target: spent, manual: true, settings: { ...settings, optOut: ['arcanum'] } }), 'opted-out');
  });

  it('judges a container someone just started only after the grace period (alerts, health), but a death at once', () => {
    const started = target({}, [container({ state: 'running', health: 'unhealthy', startedAt: now - 5_000 })]);
    const alert = { kind: 'alert' as const, alertname: 'ArcanumNeedsRestart', fingerprint: 'f' };
    const d = decide(input({ trigger: alert, target: started }));
    assert.equal(d.verdict === 'skip' && d.reason, 'in-grace');
    assert.equal(d.verdict === 'skip' && d.retryAt, now + 25_000);
    assert.equal(reason({ trigger: { ...die, event: 'unhealthy' }, target: started }), 'in-grace');
    assert.equal(reason({ trigger: alert, target: target({}, [container({ state: 'running', startedAt: now - 31_000 })]) }), 'act');
  });

  it('restarts every replica that died together in one decision', () => {
    const replicas = [1, 2, 3].map((n) => container({ id: `c${n}`, name: `app-arcanum-${n}`, number: n, state: n === 3 ? 'running' : 'exited' }));
    const d = decide(input({ target: target({}, replicas), alsoDied: ['c2'] }));
    assert.deepEqual(d.verdict === 'act' && d.containers.map((c) => c.id), ['c1', 'c2']);
  });

  it('waits for the engine restart policy within its grace, then acts', () => {
    for (const restartPolicy of ['always', 'unless-stopped', 'on-failure']) {
      const t = target({}, [container({ restartPolicy })]);
      const d = decide(input({ target: t }));
      assert.equal(d.verdict === 'skip' && d.reason, 'already-recovering', restartPolicy);
      assert.equal(d.verdict === 'skip' && d.retryAt, now + 15_000);
      const later = decide(input({ target: { ...t, awaitingEngineSince: now - 15_000 } }));
      assert.equal(later.verdict, 'act', `${restartPolicy} after the grace`);
    }
    const back = target({}, [container({ restartPolicy: 'always', state: 'running' })]);
    const d = decide(input({ target: back }));
    assert.equal(d.verdict === 'skip' && d.reason, 'already-recovering', 'the engine already restarted it');
    const cleanExit = target({}, [container({ restartPolicy: 'on-failure', exitCode: 0 })]);
    assert.equal(
      reason({ trigger: { ...die, exitCode: 0 }, target: cleanExit }),
      'no-action',
      'a clean exit is a finished job: neither the engine nor the healer re-runs it',
    );
    const failedJob = target({}, [container({ restartPolicy: 'no', exitCode: 1 })]);
    assert.equal(reason({ trigger: { ...die, exitCode: 1 }, target: failedJob }), 'act', 'a failed one is restarted');
  });

  it('a dry run does not hide a spent budget, and rate limiting comes after the safety checks', () => {
    assert.equal(reason({ settings: { ...settings, dryRun: true }, target: target({ budgetRemaining: 0 }) }), 'rate-limited');
    assert.equal(reason({ settings: { ...settings, enabled: false }, target: target({ budgetRemaining: 0 }) }), 'disabled');
  });

  it('scales down the newest running replica, never below the minimum', () => {
    const replicas = [1, 2, 3].map((n) => container({ id: `c${n}`, name: `app-worker-${n}`, number: n, state: 'running', createdAt: now - 10_000 * (4 - n) }));
    const t = target({ ref: { project: 'app', service: 'worker' } }, replicas);
    const d = decide(input({ action: 'scale_down', trigger: { kind: 'alert', alertname: 'SystemResourceExhaustion', fingerprint: 'f' }, target: t }));
    assert.deepEqual(d.verdict === 'act' && d.containers.map((c) => c.id), ['c3']);
    assert.equal(reason({ action: 'scale_down', target: { ...t, containers: replicas.slice(0, 1) } }), 'at-minimum');
    assert.equal(reason({ action: 'scale_down', target: t, settings: { ...settings, minReplicas: { worker: 3 } } }), 'at-minimum');
  });
});

describe('healPolicy.resolveAlert', () => {
  const watched = [
    { project: 'app', service: 'arcanum' },
    { project: 'app', service: 'worker' },
  ];
  const alert = (labels: Record<string, string>) => ({ fingerprint: 'fp', labels });

  it('maps the default rules', () => {
    assert.deepEqual(resolveAlert(alert({ alertname: 'ArcanumNeedsRestart', service: 'arcanum' }), [], watched), {
      ok: true,
      action: 'restart',
      alertname: 'ArcanumNeedsRestart',
      target: watched[0],
    });
    const r = resolveAlert(alert({ alertname: 'HighDiskUsage' }), [], watched);
    assert.equal(r.ok && r.action, 'cleanup');
    const s = resolveAlert(alert({ alertname: 'SystemResourceExhaustion' }), [], watched);
    assert.equal(!s.ok && s.reason, 'no-action', 'scale down needs a service to shed');
  });

  it('uses the user rules first, then the action label', () => {
    const rules = parseHealRules([
      { alertname: 'SystemResourceExhaustion', action: 'scale_down', service: 'worker' },
      { alertname: 'X', action: 'explode' },
      'junk',
    ]);
    assert.equal(rules.length, 1);
    const r = resolveAlert(alert({ alertname: 'SystemResourceExhaustion' }), rules, watched);
    assert.deepEqual(r.ok && r.target, watched[1]);
    const byLabel = resolveAlert(alert({ alertname: 'Custom', action: 'restart', service: 'worker' }), [], watched);
    assert.equal(byLabel.ok && byLabel.action, 'restart');
    // the shipped stack's rules spell clean-up `cleanup_logs`
    const stackLabel = resolveAlert(alert({ alertname: 'DiskFillingUp', action: 'cleanup_logs' }), [], watched);
    assert.equal(stackLabel.ok && stackLabel.action, 'cleanup');
    const matcher = parseHealRules([{ alertname: 'Custom', matchers: { severity: 'critical' }, action: 'scale_down' }]);
    assert.equal(resolveAlert(alert({ alertname: 'Custom', severity: 'warning', service: 'worker' }), matcher, watched).ok, false);
  });

  it('only ever targets watched services, whatever the labels say', () => {
    const r = resolveAlert(alert({ alertname: 'ArcanumNeedsRestart', service: 'arcanum; rm -rf /' }), [], watched);
    assert.equal(!r.ok && r.reason, 'not-watched');
    const other = resolveAlert(alert({ alertname: 'ArcanumNeedsRestart', service: 'arcanum', compose_project: 'elsewhere' }), [], watched);
    assert.equal(!other.ok && other.reason, 'not-watched');
  });
});
