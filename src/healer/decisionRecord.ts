import type { AuditEntry } from './auditTrail';
import { describeTrigger } from './auditTrail';

/** The Loki stream labels of the healer's decisions; the dashboard's panels select on `job`. */
export const HEALER_LOKI_JOB = 'realm-healer';

/** What one decision becomes in Loki: its stream labels and its JSON line. */
export interface DecisionRecord {
  labels: Record<string, string>;
  /** Epoch ms of the decision. */
  time: number;
  line: string;
}

/** Detail text (engine errors, clean-up summaries) is capped: a log line, not a dump. */
const MAX_TEXT = 2_000;

/**
 * Credentials that can turn up inside an error message: URL user-info (`http://u:p@host`),
 * Authorization headers, and `password=` / `token=` style pairs. Replaced, never shipped.
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, '$1[redacted]@'],
  [/\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(?:basic|bearer|token)?\s*[^\s"',;]+/gi, '$1$2[redacted]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/\b([\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)[\w.-]*)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, '$1$2[redacted]'],
];

/** Removes credentials from text, and any of the `known` secret values (the Grafana password…). */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  for (const [re, replacement] of SECRET_PATTERNS) out = out.replace(re, replacement);
  return out;
}

function capped(text: string | undefined, known: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  const clean = redactSecrets(text, known);
  return clean.length > MAX_TEXT ? clean.slice(0, MAX_TEXT - 1) + '…' : clean;
}

/**
 * One audit entry as a Loki record: labels job/compose_project/compose_service/action/outcome
 * (bounded values; an entry without a service has no compose_* labels), and a JSON line with
 * what the Healer view shows. Only fields of the decision go out: no settings, no environment.
 */
export function decisionRecord(entry: AuditEntry, knownSecrets: readonly string[] = []): DecisionRecord {
  const labels: Record<string, string> = { job: HEALER_LOKI_JOB, action: entry.action ?? 'none', outcome: entry.outcome };
  if (entry.service) {
    const slash = entry.service.indexOf('/');
    const project = slash < 0 ? '' : entry.service.slice(0, slash);
    const service = slash < 0 ? entry.service : entry.service.slice(slash + 1);
    if (project) labels.compose_project = capped(project, knownSecrets)!.slice(0, 200);
    if (service) labels.compose_service = capped(service, knownSecrets)!.slice(0, 200);
  }
  const t = entry.trigger;
  const body = {
    time: new Date(entry.time).toISOString(),
    id: entry.id,
    service: entry.service,
    action: entry.action ?? null,
    outcome: entry.outcome,
    reason: entry.reason,
    detail: capped(entry.detail, knownSecrets),
    durationMs: entry.durationMs,
    trigger: capped(describeTrigger(t), knownSecrets),
    triggerKind: t.kind,
    alertname: t.kind === 'alert' ? capped(t.alertname, knownSecrets) : undefined,
    event: t.kind === 'event' ? t.event : undefined,
    container: t.kind === 'event' ? capped(t.containerName, knownSecrets) : undefined,
    exitCode: t.kind === 'event' ? t.exitCode : undefined,
  };
  return { labels, time: entry.time, line: JSON.stringify(body) };
}
