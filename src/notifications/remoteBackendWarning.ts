import { remoteBackends, type BackendConfig } from '../clients/backendClients';
import type { Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { MementoLike } from '../platform/memento';

/** Global-state key: the backend entries (`Prometheus (http://…)`) the user was already warned about. */
export const REMOTE_WARNED_KEY = 'realm.remoteBackendsWarned';

const URL_SECTIONS = ['realm.prometheusUrl', 'realm.alertmanagerUrl', 'realm.lokiUrl'];

type BackendUrls = Pick<BackendConfig, 'prometheusUrl' | 'alertmanagerUrl' | 'lokiUrl'>;

export interface RemoteBackendWarningDeps {
  /** The current backend URLs (the `realm.*Url` settings). */
  settings: () => BackendUrls;
  /** Where the already-warned entries are kept (context.globalState), so a reload does not warn again. */
  state: MementoLike;
  /** Shows the warning (vscode.window.showWarningMessage). */
  warn: (message: string) => unknown;
  /** Settings changes (Settings.onDidChange): a new URL is checked at once. */
  onDidChangeConfiguration?: Event<{ affectsConfiguration(section: string): boolean }>;
  logger?: Logger;
}

/**
 * Warns once per backend URL that is not on this machine (or is not a valid URL): queries, alert
 * labels and credentials then travel over the network, which a workspace's settings could arrange
 * without the user meaning it. Returns the entries warned about now (empty when none are new).
 */
export async function checkRemoteBackends(deps: RemoteBackendWarningDeps): Promise<string[]> {
  const warned = new Set(deps.state.get<string[]>(REMOTE_WARNED_KEY) ?? []);
  const fresh = remoteBackends(deps.settings()).filter((entry) => !warned.has(entry));
  if (fresh.length === 0) return [];
  const message =
    `Realm: this workspace talks to ${fresh.join(', ')}, which is not on this machine${fresh.some((f) => f.includes('invalid URL')) ? ' or is not a valid URL' : ''}. ` +
    'Queries and alert data go there (with any stored credentials). If you did not mean this, fix the realm.*Url settings.';
  deps.logger?.warn(message);
  // remembered before showing, so two quick settings changes do not stack two warnings
  await deps.state.update(REMOTE_WARNED_KEY, [...warned, ...fresh]);
  void Promise.resolve(deps.warn(message)).catch(() => undefined);
  return fresh;
}

/** Checks now and after each change to a backend URL setting. Returns what to dispose. */
export function watchRemoteBackends(deps: RemoteBackendWarningDeps): { dispose(): void } {
  const check = () => void checkRemoteBackends(deps).catch((e: unknown) => deps.logger?.error(`remote backend check failed: ${String(e)}`));
  check();
  return (
    deps.onDidChangeConfiguration?.((e) => {
      if (URL_SECTIONS.some((s) => e.affectsConfiguration(s))) check();
    }) ?? { dispose: () => undefined }
  );
}
