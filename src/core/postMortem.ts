/**
 * The post-mortem of one incident as Markdown. Everything from containers, logs and labels is
 * untrusted: inline text is escaped so it renders as itself (no links, images, HTML or table
 * breaks), and log lines and queries go in fences longer than any backtick run inside them.
 */
import { formatDuration } from './duration';
import { crashReason, crashText, describeCause, Incident, timeToRecovery } from './incidents';

/** Characters Markdown or HTML would interpret, escaped so the text renders as itself. */
export function escapeInline(text: string): string {
  return stripControl(text)
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`);
}

/** A fenced block whose fence is longer than any backtick run in the content, so nothing can close it early. */
export function fence(lines: readonly string[], info = 'text'): string {
  const body = lines.map(stripControl);
  const longest = Math.max(0, ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const f = '`'.repeat(Math.max(3, longest + 1));
  return [`${f}${info}`, ...body, f].join('\n');
}

function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, '');
}

const iso = (ms: number) => new Date(ms).toISOString();
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

/** The Markdown post-mortem of `i`, as of `now` (an open incident says so). */
export function buildPostMortem(i: Incident, now: number): string {
  const ttr = timeToRecovery(i);
  const out: string[] = [];
  out.push(`# Post-mortem: ${escapeInline(i.service)} — ${escapeInline(describeCause(i))}`, '');
  out.push('## Summary', '', row(['', '']), row(['---', '---']));
  out.push(row(['Service', escapeInline(i.key)]));
  out.push(row(['Start', iso(i.openedAt)]));
  out.push(row(['End', i.closedAt !== undefined ? iso(i.closedAt) : `still open (${formatDuration(now - i.openedAt)} so far)`]));
  out.push(row(['Time to recovery', ttr !== undefined ? formatDuration(ttr) : '—']));
  out.push(row(['What fixed it', escapeInline(i.fixedBy ?? (i.closedAt === undefined ? 'not recovered yet' : '—'))]));
  if (i.cause === 'crash') out.push(row(['Crash', escapeInline(crashText(i.exitCode, i.oomKilled, i.ranForMs))]));
  const reason = crashReason(i);
  if (reason) out.push(row(['Reason', escapeInline(reason)]));
  out.push('');
  if (i.healthOutput) out.push("The failing health check's last output:", '', fence(i.healthOutput.split(/\r?\n/)), '');

  out.push('## Timeline', '', row(['Time (UTC)', 'Event', 'Details']), row(['---', '---', '---']));
  for (const t of i.timeline) out.push(row([iso(t.time), t.kind, escapeInline(t.text)]));
  out.push('');

  out.push('## Log excerpt', '');
  if (i.logLines?.length) {
    out.push(`The last ${i.logLines.length} lines, from ${escapeInline(i.logSource ?? 'the engine')}:`, '', fence(i.logLines), '');
  } else {
    out.push('_No log lines were captured._', '');
  }

  out.push('## Alerts', '');
  if (i.alerts.length === 0) out.push('_No alert named this service during the incident._', '');
  for (const a of i.alerts) {
    out.push(`### ${escapeInline(a.name)}`, '');
    out.push(`- Firing: ${iso(a.firingAt)}`, `- Resolved: ${a.resolvedAt !== undefined ? iso(a.resolvedAt) : 'not yet'}`, '');
    if (a.query) out.push('Query:', '', fence([a.query], 'promql'), '');
    const labels = Object.entries({ ...a.labels, ...a.annotations });
    if (labels.length) {
      out.push(row(['Label / annotation', 'Value']), row(['---', '---']));
      for (const [k, v] of labels) out.push(row([escapeInline(k), escapeInline(v)]));
      out.push('');
    }
  }

  out.push("## The healer's actions", '');
  const healer = i.timeline.filter((t) => t.kind === 'healer');
  if (healer.length === 0) out.push('_The healer did not act._');
  for (const t of healer) out.push(`- ${iso(t.time)}: ${escapeInline(t.text)}`);
  out.push('');

  out.push('## Cause', '', '_To be written._', '', '## Follow-ups', '', '- [ ] ', '');
  return out.join('\n');
}
