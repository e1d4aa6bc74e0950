import { type HealAction, type HealTrigger, type SkipReason } from '../core/healPolicy';
import { clockTime } from '../core/clockTime';

/**
 * The one wording of a healer decision — tree, hover, output channel, export and notifications all
 * say *service: action — outcome (reason)*, e.g. "worker: restart — done (died, exit 137)" or
 * "worker: restart — left alone (stopped by the user at 10:42)".
 */
export interface DecisionWords {
  /** The service's name, or the alert's when the decision names no watched service. */
  subject: string;
  /** "restart", "scale down", "clean up", "an action" (interrupted, kind unknown), "no action". */
  action: string;
  /** "done", "failed", "skipped", "left alone", "gave up", "cancelled", "interrupted". */
  outcome: string;
  reason: string;
}

/** What the wording needs of an audit entry (structural, so this file does not import the trail). */
export interface WordableDecision {
  trigger: HealTrigger;
  service?: string;
  action?: HealAction;
  outcome: 'done' | 'failed' | 'skipped';
  reason?: SkipReason;
  detail?: string;
  manual?: boolean;
  repeats?: number;
  lastRepeatAt?: number;
}

const ACTION_WORDS: Record<HealAction, string> = { restart: 'restart', scale_down: 'scale down', cleanup: 'clean up' };

/** "restart", "scale down", "clean up". */
export function actionWord(action: HealAction): string {
  return ACTION_WORDS[action];
}

/** Why the trigger happened, in a few words: "died, exit 137", "turned unhealthy", "alert ArcanumNeedsRestart". */
export function triggerWhy(t: HealTrigger): string {
  switch (t.kind) {
    case 'event':
      return t.event === 'die' ? `died${t.exitCode !== undefined ? `, exit ${t.exitCode}` : ''}` : 'turned unhealthy';
    case 'alert':
      return `alert ${t.alertname}`;
    case 'manual':
      return `Heal Now: ${t.why}`;
    case 'recheck':
      return `re-check after ${t.after}`;
  }
}

const SKIP_OUTCOME: Partial<Record<SkipReason, string>> = { 'user-stopped': 'left alone', 'rate-limited': 'gave up', cancelled: 'cancelled' };

export function decisionWords(e: WordableDecision): DecisionWords {
  const subject = e.service?.split('/').pop() ?? (e.trigger.kind === 'alert' ? e.trigger.alertname : '—');
  const interrupted = e.outcome === 'failed' && !e.action;
  const action = e.action ? actionWord(e.action) : interrupted ? 'an action' : 'no action';
  if (interrupted) return { subject, action, outcome: 'interrupted', reason: e.detail?.replace(/^interrupted: /, '') ?? 'outcome unknown' };
  const outcome = e.outcome === 'skipped' ? (SKIP_OUTCOME[e.reason ?? 'no-action'] ?? 'skipped') : e.outcome;
  const why = triggerWhy(e.trigger);
  let reason: string;
  if (e.outcome === 'done') reason = `${e.manual ? 'asked by the user' : why}${e.detail ? `; ${e.detail}` : ''}`;
  else if (e.outcome === 'failed') reason = e.detail ?? 'unknown error';
  else if (e.reason === 'not-watched') reason = `names no service of this workspace${e.detail ? `: ${e.detail}` : ''}`;
  else reason = e.detail ?? e.reason ?? '';
  return { subject, action, outcome, reason };
}

/** "worker: restart — done (died, exit 137; restarted shop-worker-1)", with "×3, latest 10:45" when it repeated. */
export function describeDecision(e: WordableDecision): string {
  const w = decisionWords(e);
  const repeated = e.repeats && e.lastRepeatAt !== undefined ? `, ×${e.repeats + 1}, latest ${clockTime(e.lastRepeatAt)}` : '';
  return `${w.subject}: ${w.action} — ${w.outcome} (${w.reason}${repeated})`;
}
