import * as vscode from 'vscode';
import { disableHealingFor, resetBudget, type HealerServiceDeps } from '../commands/healerServiceCommands';
import { formatDuration } from '../core/duration';
import { CLEANUP_SERVICE } from '../core/healPolicy';
import { withoutLinks } from '../core/text';
import type { GaveUp } from '../healer/healer';

/** The one notification when a service's budget is spent, with what the user can do about it. */
export async function showGaveUpNotification(deps: HealerServiceDeps, e: GaveUp): Promise<void> {
  const s = deps.settings();
  const next = e.nextSlotAt !== undefined ? ` Next slot in ${formatDuration(e.nextSlotAt - deps.clock.now(), 'countdown')}.` : '';
  const disable = `Disable Healing for ${e.ref.service}`;
  const actions = e.ref.service === CLEANUP_SERVICE ? ['Show Logs', 'Reset Budget'] : ['Show Logs', 'Reset Budget', disable];
  const reason = deps.crashReason?.(e.key);
  const why = reason ? ` Last crash: ${reason}.` : '';
  const choice = await vscode.window.showWarningMessage(
    withoutLinks(`Realm: the healer gave up on ${e.ref.service}: ${s.maxActionsPerHour} actions in the last hour did not keep it up.${why}${next}`),
    ...actions,
  );
  if (choice === 'Show Logs') deps.showLogs();
  else if (choice === 'Reset Budget') await resetBudget(deps, e.key);
  else if (choice === disable) await disableHealingFor(deps, e.key);
}

/** Raises the gave-up notification for every `onDidGiveUp` (the healer fires it once per episode). */
export function registerGaveUpNotifications(deps: HealerServiceDeps): vscode.Disposable {
  const sub = deps.healer.onDidGiveUp((e) => void showGaveUpNotification(deps, e).catch((err: unknown) => deps.logger.error(`[healer] ${String(err)}`)));
  return new vscode.Disposable(() => sub.dispose());
}
