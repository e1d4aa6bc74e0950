/**
 * True for a URL hostname that names this machine: `localhost`, IPv6 `[::1]` (as `URL.hostname`
 * spells it) or any 127.0.0.0/8 address. One test for the remote-backend warning and the stack's
 * port mapping, so a URL that does not warn also gets its port.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
