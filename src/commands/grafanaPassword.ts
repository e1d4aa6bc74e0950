import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** The SecretStorage key of the stack's Grafana admin password. */
export const GRAFANA_PASSWORD_SECRET = 'realm.grafana.adminPassword';

/**
 * The Grafana admin password of the stack: read from SecretStorage, or generated (192 random bits)
 * and stored there on first use. It travels only as an environment variable to compose — never
 * through settings, argv or the log. Grafana applies it when its data volume is first created.
 */
export async function grafanaAdminPassword(secrets: Pick<vscode.SecretStorage, 'get' | 'store'>): Promise<string> {
  const existing = await secrets.get(GRAFANA_PASSWORD_SECRET);
  if (existing) return existing;
  const generated = randomBytes(24).toString('base64url');
  await secrets.store(GRAFANA_PASSWORD_SECRET, generated);
  return generated;
}
