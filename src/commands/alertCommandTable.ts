import { AlertCommandDeps, expireSilence, healAlert, openInAlertmanager, openSourceQuery, silenceAlert } from './alertCommands';
import type { CommandTable } from './registry';

/** Command ids of the Alerts view's actions (contributed in package.json). */
export const AlertCommandIds = {
  silence: 'realm.alerts.silence',
  expireSilence: 'realm.alerts.expireSilence',
  openInAlertmanager: 'realm.alerts.openInAlertmanager',
  openSourceQuery: 'realm.alerts.openSourceQuery',
  heal: 'realm.alerts.heal',
  refresh: 'realm.alerts.refresh',
} as const;

/** The alerts' rows for the one command table; each also works from the palette (it asks which alert). */
export function alertCommandTable(deps: AlertCommandDeps): CommandTable {
  type Arg = Parameters<typeof silenceAlert>[1];
  type SilenceArg = Parameters<typeof expireSilence>[1];
  return {
    [AlertCommandIds.silence]: (arg?: Arg) => silenceAlert(deps, arg),
    [AlertCommandIds.expireSilence]: (arg?: SilenceArg) => expireSilence(deps, arg),
    [AlertCommandIds.openInAlertmanager]: (arg?: Parameters<typeof openInAlertmanager>[1]) => openInAlertmanager(deps, arg),
    [AlertCommandIds.openSourceQuery]: (arg?: Arg) => openSourceQuery(deps, arg),
    [AlertCommandIds.heal]: (arg?: Arg) => healAlert(deps, arg),
    [AlertCommandIds.refresh]: () => deps.store.refresh(),
  };
}
