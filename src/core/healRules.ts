import { containsLabels } from './labelIndex';
import { CLEANUP_SERVICE, HEAL_ACTIONS, HealableAlert, HealAction, ServiceRef, SkipReason } from './healPolicy';
import { plain } from './text';

/**
 * Which action an alert asks for, on which watched service: the user's `realm.healer.rules`, the alert's
 * `action` label, then the built-in rules. Whether to act now is the policy's (healPolicy.decide).
 */

/** One line of `realm.healer.rules`: alerts named `alertname` (and matching `matchers`) get `action` on `service`. */
export interface HealRule {
  alertname: string;
  /** Exact label values the alert must carry. */
  matchers?: Record<string, string>;
  action: HealAction;
  /** The service to act on; default: the alert's `service` label. Required for `scale_down` of a shared resource alert. */
  service?: string;
}

/** Used after the user's rules and the alert's `action` label. */
export const DEFAULT_HEAL_RULES: readonly HealRule[] = [
  { alertname: 'ArcanumNeedsRestart', action: 'restart' },
  { alertname: 'SystemResourceExhaustion', action: 'scale_down' },
  { alertname: 'HighDiskUsage', action: 'cleanup' },
];

export type AlertResolution =
  { ok: true; action: HealAction; alertname: string; target?: ServiceRef } | { ok: false; reason: SkipReason; detail: string; alertname: string };

const serviceLabels = ['service', 'compose_service', 'container_label_com_docker_compose_service'];
const projectLabels = ['compose_project', 'project', 'container_label_com_docker_compose_project'];

/**
 * Maps an alert to an action and a watched service: the user's rules first, then the alert's
 * `action` label, then the defaults. Service names from labels are only compared with the
 * watched services; the returned ref is the watched one, never the label text.
 */
export function resolveAlert(alert: HealableAlert, userRules: readonly HealRule[], watched: readonly ServiceRef[]): AlertResolution {
  const rawName = alert.labels.alertname ?? '';
  // label text is untrusted and unbounded: what goes into the audit trail (workspace state) is capped
  const alertname = plain(rawName, 200);
  const matches = (r: HealRule) => r.alertname === rawName && containsLabels(alert.labels, r.matchers ?? {});
  const rule = userRules.find(matches) ?? labelRule(alert, alertname) ?? DEFAULT_HEAL_RULES.find(matches);
  if (!rule) return { ok: false, reason: 'no-action', detail: `no rule maps ${alertname || 'this alert'} to an action`, alertname };
  const project = projectLabels.map((l) => alert.labels[l]).find(Boolean);
  if (rule.action === 'cleanup') {
    const known = project === undefined || watched.some((w) => w.project === project);
    if (!known) return { ok: false, reason: 'not-watched', detail: `project "${plain(project ?? '', 200)}" is not watched`, alertname };
    return { ok: true, action: 'cleanup', alertname, target: { project: project ?? '', service: CLEANUP_SERVICE } };
  }
  const name = rule.service ?? serviceLabels.map((l) => alert.labels[l]).find(Boolean);
  if (!name) return { ok: false, reason: 'no-action', detail: `${alertname} names no service (add "service" to its rule)`, alertname };
  const candidates = watched.filter((w) => w.service === name && (project === undefined || w.project === project));
  if (candidates.length !== 1) {
    const why = candidates.length === 0 ? 'is not a service of the watched projects' : 'is ambiguous across watched projects';
    return { ok: false, reason: 'not-watched', detail: `"${plain(name, 200)}" ${why}`, alertname };
  }
  return { ok: true, action: rule.action, alertname, target: candidates[0] };
}

/** The stack's alert rules name the clean-up action `cleanup_logs` (issue 3); both spellings work. */
const ACTION_LABEL_ALIASES: Record<string, HealAction> = { cleanup_logs: 'cleanup' };

function labelRule(alert: HealableAlert, alertname: string): HealRule | undefined {
  const raw = alert.labels.action;
  const action = raw === undefined ? undefined : (ACTION_LABEL_ALIASES[raw] ?? (raw as HealAction));
  return action && HEAL_ACTIONS.includes(action) ? { alertname, action } : undefined;
}

/** Keeps only well-formed rules from the `realm.healer.rules` setting (user JSON). */
export function parseHealRules(value: unknown): HealRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is HealRule => {
    if (!r || typeof r !== 'object') return false;
    const o = r as Record<string, unknown>;
    const matchersOk =
      o.matchers === undefined || (typeof o.matchers === 'object' && o.matchers !== null && Object.values(o.matchers).every((v) => typeof v === 'string'));
    return (
      typeof o.alertname === 'string' &&
      HEAL_ACTIONS.includes(o.action as HealAction) &&
      (o.service === undefined || typeof o.service === 'string') &&
      matchersOk
    );
  });
}
