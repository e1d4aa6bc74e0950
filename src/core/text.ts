/**
 * Untrusted text (alert labels, log lines, server and compose messages) made safe for where it is shown.
 * Nothing here interprets the text; it only keeps it from forming what VS Code would render.
 */

/**
 * Breaks Markdown link syntax: VS Code renders `[label](command:…)` in a notification message as a
 * clickable link, so text from alerts, servers or compose output must never form one.
 */
export function withoutLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}

/** One line of untrusted text: control characters become spaces, long text is cut with an ellipsis. */
export function plain(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}
