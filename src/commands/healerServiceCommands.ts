import * as vscode from 'vscode';
import { withoutLinks } from '../core/text';
import { CLEANUP_SERVICE } from '../core/healPolicy';
import { describeEntry } from '../healer/auditTrail';
import type { Healer } from '../healer/healer';
import { describeScheduled } from '../healer/healSchedule';
import type { HealerSettings } from '../core/healerSettings';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';

/** What the per-service healer commands need. */
export interface HealerServiceDeps {
  healer: Healer;
  settings: () => HealerSettings;
  /** Rewrites `realm.healer.optOut` (Settings.updateHealerOptOut). */
  updateOptOut: (update: (current: string[]) => string[]) => Promise<void>;
  clock: Clock;
  logger: Logger;
  showLogs: () => void;
  /** Why the service is down, when the engine said (the incident store's crash reason). */
  crashReason?: (key: string) => string | undefined;
}

/** A service argument: a tree node with `key`/`service`, a `project/service` key, or nothing (ask). */
export type ServiceArg = { key: string; service?: string } | string | undefined;

async function pickService(
  deps: HealerServiceDeps,
  arg: ServiceArg,
  placeHolder: string,
  allowAll: boolean,
  filter: (s: ReturnType<Healer['serviceStates']>[number]) => boolean = () => true,
): Promise<string | null | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg?.key) return arg.key;
  const states = deps.healer.serviceStates().filter(filter);
  const items: Array<vscode.QuickPickItem & { key: string | null }> = states.map((s) => ({
    label: s.ref.service,
    description: s.ref.project,
    detail: `${s.budget.used}/${s.budget.max} this hour${s.gaveUp ? ' · gave up' : ''}${s.optedOut ? ' · healing disabled' : ''}`,
    key: s.key,
  }));
  if (!items.length) {
    void vscode.window.showInformationMessage(`Realm: no service to choose (${placeHolder.replace(/…$/, '')}).`);
    return undefined;
  }
  if (allowAll) items.unshift({ label: 'All services', key: null });
  const picked = await vscode.window.showQuickPick(items, { placeHolder });
  return picked ? picked.key : undefined;
}

const nameOf = (key: string) => key.split('/').pop() ?? key;

/**
 * Forgets a service's spent budget and gave-up marker (or every service's), says what it did, and
 * offers to heal at once what is down. Resolves to the message shown (tests read it).
 */
export async function resetBudget(deps: HealerServiceDeps, arg?: ServiceArg): Promise<string | undefined> {
  const key = await pickService(deps, arg, 'Reset the healing budget of…', true);
  if (key === undefined) return undefined;
  const before = deps.healer.serviceStates().filter((s) => key === null || s.key === key);
  await deps.healer.resetBudget(key ?? undefined);
  const spent = before.filter((s) => s.budget.used > 0 || s.gaveUp);
  const was =
    key === null
      ? `${spent.length} service(s) had spent budget`
      : spent[0]
        ? `was ${spent[0].budget.used}/${spent[0].budget.max} this hour${spent[0].gaveUp ? ', gave up' : ''}`
        : 'nothing was spent';
  const down = (
    await Promise.all(
      before.filter((s) => s.ref.service !== CLEANUP_SERVICE).map(async (s) => ((await deps.healer.isDown(s.key).catch(() => false)) ? s.key : undefined)),
    )
  ).filter((k): k is string => !!k);
  const message = `Realm: healing budget reset for ${key === null ? 'all services' : nameOf(key)} (${was}).${down.length ? ` ${down.map(nameOf).join(', ')} ${down.length === 1 ? 'is' : 'are'} down.` : ''}`;
  deps.logger.info(`[healer] ${message}`);
  const heal = down.length === 1 ? `Heal ${nameOf(down[0])} Now` : down.length ? 'Heal Now' : undefined;
  void vscode.window.showInformationMessage(withoutLinks(message), ...(heal ? [heal] : [])).then(async (choice) => {
    if (!choice) return;
    for (const k of down) {
      const entry = await deps.healer.healService(k);
      if (entry) void vscode.window.showInformationMessage(withoutLinks(`Realm: ${describeEntry(entry)}`));
    }
  });
  return message;
}

/** Adds the service to `realm.healer.optOut`, so the healer leaves it alone; Enable Healing for Service undoes it. */
export async function disableHealingFor(deps: HealerServiceDeps, arg?: ServiceArg): Promise<string | undefined> {
  const key = await pickService(deps, arg, 'Disable healing for…', false, (s) => !s.optedOut && s.ref.service !== CLEANUP_SERVICE);
  if (!key) return undefined;
  if (nameOf(key) === CLEANUP_SERVICE) throw new Error('Cleanup is not a service; turn it off through realm.healer.rules.');
  // project/service, so a same-named service of another project (the stack's) is not opted out too
  await deps.updateOptOut((current) => (current.includes(nameOf(key)) || current.includes(key) ? current : [...current, key]));
  const message = `Realm: healing disabled for ${key} (realm.healer.optOut). "Enable Healing for Service" turns it back on.`;
  void vscode.window.showInformationMessage(withoutLinks(message));
  return message;
}

/** Removes the service from `realm.healer.optOut` (both spellings); a compose label opt-out is the compose file's to change. */
export async function enableHealingFor(deps: HealerServiceDeps, arg?: ServiceArg): Promise<string | undefined> {
  const key = await pickService(deps, arg, 'Enable healing for…', false, (s) => !!s.optedOut);
  if (!key) return undefined;
  const state = deps.healer.serviceStates().find((s) => s.key === key);
  await deps.updateOptOut((current) => current.filter((v) => v !== key && v !== nameOf(key)));
  const message =
    state?.optedOut === 'label'
      ? `Realm: ${key} carries the compose label realm.heal: "false"; remove it from the compose file to heal it.`
      : `Realm: healing enabled for ${key}.`;
  void vscode.window.showInformationMessage(withoutLinks(message));
  return message;
}

/** Cancels a service's scheduled action (back-off, grace, engine wait, retry) and says what was cancelled. */
export async function cancelScheduled(deps: HealerServiceDeps, arg?: ServiceArg): Promise<string | undefined> {
  const key = await pickService(deps, arg, 'Cancel the scheduled healing of…', false, (s) => !!s.scheduled);
  if (!key) return undefined;
  const s = deps.healer.serviceStates().find((x) => x.key === key)?.scheduled;
  const entry = await deps.healer.cancelScheduled(key);
  const message =
    entry && s ? `Realm: cancelled "${describeScheduled(s, deps.clock.now())}" for ${nameOf(key)}.` : `Realm: nothing is scheduled for ${nameOf(key)}.`;
  void vscode.window.showInformationMessage(withoutLinks(message));
  return message;
}
