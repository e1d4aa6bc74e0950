import * as vscode from 'vscode';
import { AuditEntry, AuditTrail, describeEntry } from '../healer/auditTrail';
import type { PlanStep } from '../healer/healer';
import { describePlanStep } from '../healer/healPlan';
import type { HealerSettings } from '../core/healerSettings';
import { cancelScheduled, disableHealingFor, enableHealingFor, HealerServiceDeps, resetBudget, ServiceArg } from './healerServiceCommands';
import type { CommandTable } from './registry';
import { showTrustRequired } from './workspaceTrust';

export { cancelScheduled, disableHealingFor, enableHealingFor, resetBudget };

/** What the healer commands need: the per-service commands' needs and the audit trail (Export Audit Trail). */
export interface HealerCommandDeps extends HealerServiceDeps {
  audit: AuditTrail;
}

/** Command ids (package.json contributes each, with its menus). */
export const HealerCommandIds = {
  healNow: 'realm.healNow',
  resetBudget: 'realm.healer.resetBudget',
  disableForService: 'realm.healer.disableForService',
  enableForService: 'realm.healer.enableForService',
  cancelScheduled: 'realm.healer.cancelScheduled',
  exportAuditTrail: 'realm.healer.exportAuditTrail',
} as const;

/** The healer's rows for the one command table. */
export function healerCommandTable(deps: HealerCommandDeps): CommandTable {
  return {
    [HealerCommandIds.healNow]: (options?: { confirm?: boolean }) => healNow(deps, options),
    [HealerCommandIds.resetBudget]: (arg?: ServiceArg) => resetBudget(deps, arg),
    [HealerCommandIds.disableForService]: (arg?: ServiceArg) => disableHealingFor(deps, arg),
    [HealerCommandIds.enableForService]: (arg?: ServiceArg) => enableHealingFor(deps, arg),
    [HealerCommandIds.cancelScheduled]: (arg?: ServiceArg) => cancelScheduled(deps, arg),
    [HealerCommandIds.exportAuditTrail]: () => exportAuditTrail(deps),
  };
}

/** The budget rule for manual actions, as the confirmation and README say it. */
export function manualBudgetNote(settings: HealerSettings): string {
  return `Each action counts against the service's hourly budget (${settings.maxActionsPerHour}/hour, shared with automatic healing), but a spent budget, the grace period or a back-off never refuses what you ask for here.`;
}

/**
 * Realm: Heal Now — one pass over firing alerts and exited/unhealthy services. Shows the plan as
 * readable lines ("restart worker — crashed 2 min ago"), runs it (each step re-judged by the same
 * safety rules) and reports the results. `{ confirm: false }` skips the modal (tests, keybindings).
 */
export async function healNow(deps: HealerCommandDeps, options: { confirm?: boolean } = {}): Promise<{ plan: PlanStep[]; results: AuditEntry[] }> {
  if (!deps.settings().trusted) {
    showTrustRequired('Heal Now restarts containers');
    return { plan: [], results: [] };
  }
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Realm: planning a heal pass…' }, () => deps.healer.plan());
  if (plan.length === 0) {
    void vscode.window.showInformationMessage('Realm: nothing to heal — no firing alert maps to an action and no watched service is down or unhealthy.');
    return { plan, results: [] };
  }
  const now = deps.clock.now();
  const lines = plan.map((s) => describePlanStep(s, now));
  deps.logger.info(`[healer] Heal Now plan:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  if (options.confirm !== false) {
    const runnable = plan.filter((s) => s.decision.verdict === 'act').length;
    const choice = await vscode.window.showInformationMessage(
      runnable
        ? `Realm: Heal Now: ${runnable === 1 ? 'one action' : `${runnable} actions`}${plan.length > runnable ? `, ${plan.length - runnable} skipped` : ''}.`
        : 'Realm: Heal Now: nothing would act now.',
      { modal: true, detail: `${lines.join('\n')}\n\n${manualBudgetNote(deps.settings())}` },
      ...(runnable ? ['Run'] : []),
    );
    if (choice !== 'Run') return { plan, results: [] };
  }
  const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Realm: healing…' }, () =>
    deps.healer.execute(plan),
  );
  const done = results.filter((r) => r.outcome === 'done').length;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  const summary = `Realm: Heal Now — ${done} done, ${failed} failed, ${results.length - done - failed} skipped.`;
  deps.logger.info(`[healer] ${summary}\n${results.map((r) => `  ${describeEntry(r)}`).join('\n')}`);
  const shown = failed ? vscode.window.showWarningMessage(summary, 'Show Logs') : vscode.window.showInformationMessage(summary, 'Show Logs');
  void shown.then((c) => c === 'Show Logs' && deps.showLogs());
  return { plan, results };
}

/** Writes the whole audit trail as JSON to a file the user picks; each entry carries its one-line wording. */
export async function exportAuditTrail(deps: HealerCommandDeps): Promise<vscode.Uri | undefined> {
  const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `realm-healer-audit-${stamp}.json`) : undefined,
    filters: { JSON: ['json'] },
    saveLabel: 'Export Audit Trail',
  });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(deps.audit.toJSON(), 'utf8'));
  void vscode.window.showInformationMessage(`Realm: exported ${deps.audit.entries().length} healer decisions to ${uri.fsPath}.`);
  return uri;
}
