import * as vscode from 'vscode';
import type { BoundAuth } from '../clients/backendClients';

type Backend = 'prometheus' | 'alertmanager' | 'loki';
const BACKENDS: Backend[] = ['prometheus', 'alertmanager', 'loki'];
const secretKey = (b: Backend) => `realm.auth.${b}`;

/**
 * Reads each backend's auth from SecretStorage (never from settings), with the origin it was
 * stored for: the clients send it only to that origin (see BackendClients).
 */
export async function loadBackendAuth(secrets: vscode.SecretStorage): Promise<Partial<Record<Backend, BoundAuth>>> {
  const auth: Partial<Record<Backend, BoundAuth>> = {};
  for (const b of BACKENDS) {
    const raw = await secrets.get(secretKey(b));
    if (!raw) continue;
    try {
      const v = JSON.parse(raw) as BoundAuth;
      if ((v.kind === 'basic' || v.kind === 'bearer') && typeof v.origin === 'string') auth[b] = v;
    } catch {
      // a corrupt entry is ignored: the backend is then called without auth and says 401
    }
  }
  return auth;
}

/**
 * Realm: Set Backend Credentials… — basic or bearer auth for Prometheus, Alertmanager or Loki,
 * stored in SecretStorage (the OS keychain), never in settings or logs, for the backend's current
 * origin only.
 */
export async function setBackendCredentials(secrets: vscode.SecretStorage, urlOf: (backend: Backend) => string): Promise<boolean> {
  const backend = await vscode.window.showQuickPick(
    BACKENDS.map((b) => ({ label: b })),
    { title: 'Realm: credentials for which backend?' },
  );
  if (!backend) return false;
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Bearer token', value: 'bearer' as const },
      { label: 'Username and password', value: 'basic' as const },
      { label: 'None (remove stored credentials)', value: 'none' as const },
    ],
    { title: `Realm: ${backend.label} authentication` },
  );
  if (!kind) return false;
  const key = secretKey(backend.label as Backend);
  // bound to where the backend is now: a later settings change to another host does not take the secret along
  let origin: string;
  try {
    origin = new URL(urlOf(backend.label as Backend)).origin;
  } catch {
    throw new Error(`realm.${backend.label}Url is not a valid URL; fix it before storing credentials for it.`);
  }
  if (kind.value === 'none') {
    await secrets.delete(key);
    return true;
  }
  if (kind.value === 'bearer') {
    const token = await vscode.window.showInputBox({
      title: `${backend.label} bearer token`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a token'),
    });
    if (!token) return false;
    await secrets.store(key, JSON.stringify({ kind: 'bearer', token: token.trim(), origin } satisfies BoundAuth));
    return true;
  }
  const username = await vscode.window.showInputBox({
    title: `${backend.label} username`,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Enter a username'),
  });
  if (!username) return false;
  const password = await vscode.window.showInputBox({ title: `${backend.label} password`, password: true, ignoreFocusOut: true });
  if (password === undefined) return false;
  await secrets.store(key, JSON.stringify({ kind: 'basic', username: username.trim(), password, origin } satisfies BoundAuth));
  return true;
}
