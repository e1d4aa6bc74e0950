import type { HealableAlert, HealDecision } from '../core/healPolicy';

/**
 * Why a firing alert is a configuration problem rather than something to heal — in the extension,
 * the scrape target store's `configurationProblem` (a target that has never been up since Prometheus
 * started: restarting the service it names fixes nothing). Undefined: heal as usual.
 */
export type ConfigurationProblem = (alert: HealableAlert) => Promise<string | undefined>;

/**
 * The healer's alert paths call this before acting: a skip ("misconfigured", with the fix as
 * detail) when the alert is about such a target. A failing check never blocks healing.
 */
export async function misconfiguredSkip(
  check: ConfigurationProblem | undefined,
  alert: HealableAlert,
): Promise<Extract<HealDecision, { verdict: 'skip' }> | undefined> {
  if (!check) return undefined;
  let problem: string | undefined;
  try {
    problem = await check(alert);
  } catch {
    return undefined;
  }
  return problem ? { verdict: 'skip', reason: 'misconfigured', detail: problem } : undefined;
}
