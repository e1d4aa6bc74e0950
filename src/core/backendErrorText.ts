/** Backend errors in plain words, for the panels and the status bar (vscode-free). */

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/**
 * For a backend that is down (not a query it refused): "Prometheus is not reachable at URL
 * (connection refused)." in plain words, without the raw error code; undefined for any other error.
 */
export function unreachableMessage(err: unknown, name: string, baseUrl: string): string | undefined {
  const e = err as { kind?: string; message?: string };
  if (e?.kind !== 'unreachable' || typeof e.message !== 'string') return undefined;
  const code = /([A-Z_]{4,})\s*$/.exec(e.message)?.[1];
  if (code === undefined && / is not a valid http\(s\) URL/.test(e.message)) return e.message; // a bad setting: its own message says the fix
  return `${name} is not reachable at ${baseUrl}${code ? ` (${NETWORK_ERRORS[code] ?? code})` : ''}.`;
}
