import type { SignInCheck } from '../clients/grafanaClient';
import type { Logger } from '../platform/logger';

/** Grafana's admin user in the stack (`GF_SECURITY_ADMIN_USER`). */
export const GRAFANA_ADMIN_USER = 'admin';

/** The argv that resets the admin password inside the Grafana container; the password comes on stdin (Grafana ≥ 9.1). */
export const RESET_ADMIN_PASSWORD_CMD = ['grafana', 'cli', 'admin', 'reset-admin-password', '--password-from-stdin'] as const;

export const RESET_CHOICE = "Reset Grafana's Password";
export const KEEP_CHOICE = 'Use the Old Password';

/** What the drift check needs; the extension passes vscode UI, SecretStorage and Docker behind it. */
export interface GrafanaPasswordDriftDeps {
  checkSignIn(user: string, password: string): Promise<SignInCheck>;
  /** The password Realm keeps (SecretStorage). */
  storedPassword(): Promise<string>;
  storePassword(password: string): Promise<void>;
  /** Runs RESET_ADMIN_PASSWORD_CMD in the running Grafana container with `password` on stdin. */
  resetInContainer(password: string): Promise<{ exitCode: number; output: string }>;
  ui: {
    choose(message: string, ...choices: string[]): Promise<string | undefined>;
    askPassword(prompt: string): Promise<string | undefined>;
    info(message: string): void;
    warn(message: string): void;
  };
  logger: Logger;
}

export type DriftOutcome = 'in-sync' | 'reset' | 'kept-old' | 'dismissed' | 'failed' | 'not-checked';

/**
 * After Stack Up: does Grafana accept the admin password Realm keeps? `GF_SECURITY_ADMIN_PASSWORD`
 * applies only when the `grafana-data` volume is created, so a new secret (another machine or
 * VS Code profile) no longer signs in. On 401 the user chooses: reset Grafana's password to
 * Realm's in the container, or give Realm the old one (checked, then kept in SecretStorage).
 */
export async function resolveGrafanaPasswordDrift(deps: GrafanaPasswordDriftDeps): Promise<DriftOutcome> {
  const stored = await deps.storedPassword();
  let check: SignInCheck;
  try {
    check = await deps.checkSignIn(GRAFANA_ADMIN_USER, stored);
  } catch (e) {
    deps.logger.warn(`[grafana] could not check the admin password: ${(e as Error).message}`);
    return 'not-checked';
  }
  if (check === 'accepted') return 'in-sync';
  if (check === 'starting') return 'not-checked';
  deps.logger.warn('[grafana] Grafana rejects the admin password Realm keeps (its data volume was created with another one)');
  const choice = await deps.ui.choose(
    "Realm: Grafana does not accept the admin password Realm keeps for this stack: Grafana set its password when its data volume was first created, with another secret (another machine or VS Code profile). Reset Grafana's admin password to Realm's, or give Realm the old one?",
    RESET_CHOICE,
    KEEP_CHOICE,
  );
  if (choice === RESET_CHOICE) return reset(deps, stored);
  if (choice === KEEP_CHOICE) return keepOld(deps);
  return 'dismissed';
}

async function reset(deps: GrafanaPasswordDriftDeps, password: string): Promise<DriftOutcome> {
  let result: { exitCode: number; output: string };
  try {
    result = await deps.resetInContainer(password);
  } catch (e) {
    deps.ui.warn(`Realm: could not reset Grafana's admin password: ${(e as Error).message}`);
    return 'failed';
  }
  // the CLI's output never contains the password (it came on stdin); masked anyway, to be sure
  const output = result.output.split(password).join('[redacted]').trim().slice(-500);
  if (result.exitCode !== 0) {
    deps.logger.error(`[grafana] ${RESET_ADMIN_PASSWORD_CMD.slice(0, 4).join(' ')} exited ${result.exitCode}: ${output}`);
    deps.ui.warn(`Realm: resetting Grafana's admin password failed (exit ${result.exitCode}). See the log.`);
    return 'failed';
  }
  const after = await deps.checkSignIn(GRAFANA_ADMIN_USER, password).catch(() => 'rejected' as const);
  if (after !== 'accepted') {
    deps.ui.warn("Realm: Grafana's admin password was reset, but Grafana still rejects it. See the log.");
    return 'failed';
  }
  deps.ui.info("Realm: Grafana's admin password now matches the one Realm keeps.");
  return 'reset';
}

async function keepOld(deps: GrafanaPasswordDriftDeps): Promise<DriftOutcome> {
  const old = await deps.ui.askPassword('The Grafana admin password this stack was first started with');
  if (!old) return 'dismissed';
  const check = await deps.checkSignIn(GRAFANA_ADMIN_USER, old).catch(() => 'rejected' as const);
  if (check !== 'accepted') {
    deps.ui.warn('Realm: Grafana rejects that password too; nothing was changed.');
    return 'failed';
  }
  await deps.storePassword(old);
  deps.ui.info("Realm: kept Grafana's existing admin password; Realm uses it from now on.");
  return 'kept-old';
}
