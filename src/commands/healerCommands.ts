import * as vscode from 'vscode';
import { CLEANUP_SERVICE } from '../core/healPolicy';
import { formatWait } from '../core/rateLimiter';
import { AuditEntry, AuditTrail, describeEntry, describeTrigger } from '../healer/auditTrail';
import type { GaveUp, Healer, PlanStep } from '../healer/healer';
import type { HealerSettings } from '../healer/healerSettings';
import type { Clock } from '../platform/clock';
import { Disposable } from '../platform/disposable';
import type { Logger } from '../platform/logger';
import type { CommandTable } from './registry';
import { withoutLinks } from '../core/alertSummary';

export interface HealerCommandDeps {
  healer: Healer;
  audit: AuditTrail;
  settings: () => HealerSettings;
  clock: Clock;
  logger: Logger;
  showLogs: () => void;
}

/** A service argument: a tree node with `key`/`service`, a `project/service` key, or nothing (ask). */
type ServiceArg = { key: string; service?: string } | string | undefined;

/** Command ids the lead adds to package.json (see the report for titles and menus). */
export const HealerCommandIds = {
  healNow: 'realm.healNow',
  resetBudget: 'realm.healer.resetBudget',
  disableForService: 'realm.healer.disableForService',
  exportAuditTrail: 'realm.healer.exportAuditTrail',
} as const;

/** The healer's rows for the one command table. */
export function healerCommandTable(deps: HealerCommandDeps): CommandTable {
  return {
    [HealerCommandIds.healNow]: (options?: { confirm?: boolean }) => healNow(deps, options),
    [HealerCommandIds.resetBudget]: (arg?: ServiceArg) => resetBudget(deps, arg),
    [HealerCommandIds.disableForService]: (arg?: ServiceArg) => disableHealingFor(deps, arg),
    [HealerCommandIds.exportAuditTrail]: () => exportAuditTrail(deps),
  };
}

function describeStep(step: PlanStep): string {
  const target = step.target ? step.target.service : '(no watched service)';
  const verdict = step.decision.verdict === 'act' ? 'will run' : `skip: ${step.decision.reason} — ${step.decision.detail}`;
  return `${step.action.replace('_', ' ')} ${target} (${describeTrigger(step.trigger)}): ${verdict}`;
}

/**
 * Realm: Heal Now — one pass over firing alerts and exited/unhealthy services. Shows the plan,
 * runs it (each step re-judged by the same safety rules) and reports the results. Returns them so
 * host tests can assert; `{ confirm: false }` skips the modal (tests, keybindings).
 */
export async function healNow(deps: HealerCommandDeps, options: { confirm?: boolean } = {}): Promise<{ plan: PlanStep[]; results: AuditEntry[] }> {
  // `enablement` only greys out menus: executeCommand and keybindings still arrive here
  if (!deps.settings().trusted) {
    void vscode.window.showWarningMessage('Realm: Heal Now restarts containers, which an untrusted workspace does not allow. Trust the workspace first.', 'Manage Workspace Trust').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return { plan: [], results: [] };
  }
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Realm: planning a heal pass…' }, () => deps.healer.plan());
  if (plan.length === 0) {
    void vscode.window.showInformationMessage('Realm: nothing to heal — no firing alert maps to an action and no watched service is down or unhealthy.');
    return { plan, results: [] };
  }
  if (options.confirm !== false) {
    const runnable = plan.filter((s) => s.decision.verdict === 'act').length;
    const choice = await vscode.window.showInformationMessage(
      `Realm: Heal Now has ${plan.length} ${plan.length === 1 ? 'step' : 'steps'}; ${runnable} would act now.`,
      { modal: true, detail: plan.map(describeStep).join('\n') },
      'Run',
    );
    if (choice !== 'Run') return { plan, results: [] };
  }
  const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Realm: healing…' }, () => deps.healer.execute(plan));
  const done = results.filter((r) => r.outcome === 'done').length;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  const summary = `Realm: Heal Now — ${done} done, ${failed} failed, ${results.length - done - failed} skipped.`;
  deps.logger.info(`[healer] ${summary}\n${results.map((r) => `  ${describeEntry(r)}`).join('\n')}`);
  const shown = failed ? vscode.window.showWarningMessage(summary, 'Show Logs') : vscode.window.showInformationMessage(summary, 'Show Logs');
  void shown.then((c) => c === 'Show Logs' && deps.showLogs());
  return { plan, results };
}

async function pickService(deps: HealerCommandDeps, arg: ServiceArg, placeHolder: string, allowAll: boolean): Promise<string | null | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg?.key) return arg.key;
  const items: Array<vscode.QuickPickItem & { key: string | null }> = deps.healer.serviceStates().map((s) => ({ label: s.ref.service, description: s.ref.project, detail: `${s.budget.used}/${s.budget.max} this hour${s.gaveUp ? ' · gave up' : ''}`, key: s.key }));
  if (allowAll) items.unshift({ label: 'All services', key: null });
  const picked = await vscode.window.showQuickPick(items, { placeHolder });
  return picked ? picked.key : undefined;
}

/** Forgets a service's spent budget and gave-up marker (or every service's). */
export async function resetBudget(deps: HealerCommandDeps, arg?: ServiceArg): Promise<void> {
  const key = await pickService(deps, arg, 'Reset the healing budget of…', true);
  if (key === undefined) return;
  await deps.healer.resetBudget(key ?? undefined);
  deps.logger.info(`[healer] budget reset for ${key ?? 'all services'}`);
}

/** Adds the service to `realm.healer.optOut` (workspace settings), so the healer leaves it alone. */
export async function disableHealingFor(deps: HealerCommandDeps, arg?: ServiceArg): Promise<void> {
  const key = await pickService(deps, arg, 'Disable healing for…', false);
  if (!key) return;
  const service = key.split('/').pop() ?? key;
  if (service === CLEANUP_SERVICE) throw new Error('Cleanup is not a service; turn it off through realm.healer.rules.');
  const config = vscode.workspace.getConfiguration('realm.healer');
  const current = config.get<string[]>('optOut', []);
  // project/service, so a same-named service of another project (the stack's) is not opted out too;
  // a window without a folder has no workspace settings to write to
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  if (!current.includes(service) && !current.includes(key)) await config.update('optOut', [...current, key], target);
  void vscode.window.showInformationMessage(withoutLinks(`Realm: healing disabled for ${key} (realm.healer.optOut).`));
}

/** Writes the whole audit trail as JSON to a file the user picks. */
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

/** The one notification when a service's budget is spent. */
export async function showGaveUpNotification(deps: HealerCommandDeps, e: GaveUp): Promise<void> {
  const s = deps.settings();
  const next = e.nextSlotAt !== undefined ? ` Next slot in ${formatWait(e.nextSlotAt - deps.clock.now())}.` : '';
  const disable = `Disable Healing for ${e.ref.service}`;
  const actions = e.ref.service === CLEANUP_SERVICE ? ['Show Logs', 'Reset Budget'] : ['Show Logs', 'Reset Budget', disable];
  const choice = await vscode.window.showWarningMessage(withoutLinks(`Realm: the healer gave up on ${e.ref.service}: ${s.maxActionsPerHour} actions in the last hour did not keep it up.${next}`), ...actions);
  if (choice === 'Show Logs') deps.showLogs();
  else if (choice === 'Reset Budget') await resetBudget(deps, e.key);
  else if (choice === disable) await disableHealingFor(deps, e.key);
}

/** Raises the gave-up notification for every `onDidGiveUp` (the healer fires it once per episode). */
export function registerGaveUpNotifications(deps: HealerCommandDeps): vscode.Disposable {
  const sub = deps.healer.onDidGiveUp((e) => void showGaveUpNotification(deps, e).catch((err: unknown) => deps.logger.error(`[healer] ${String(err)}`)));
  return new vscode.Disposable(() => sub.dispose());
}

/** A status-bar hint while a healing action runs ("$(sync~spin) Realm: restart arcanum…"). */
export class HealerStatusHint extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('realm.healerActivity', vscode.StatusBarAlignment.Left, 0));
  constructor(healer: Healer) {
    super();
    this.item.name = 'Realm Healer Activity';
    this.item.command = 'realm.showLogs';
    this.register(healer.onDidStartAction((e) => {
      this.item.text = `$(sync~spin) Realm: ${e.action.replace('_', ' ')} ${e.key.split('/').pop()}…`;
      this.item.tooltip = `Healing ${e.key} (${describeTrigger(e.trigger)})`;
      this.item.show();
    }));
    this.register(healer.onDidFinishAction(() => {
      if (!healer.isBusy()) this.item.hide();
    }));
  }
}
