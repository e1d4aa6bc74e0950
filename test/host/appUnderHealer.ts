/**
 * The set-up the host healer suites share: the workspace's app project brought up with App Up, its
 * worker running, the given `realm.healer.*` settings applied (restored afterwards), the Realm views
 * shown so the stores run as they do for a user.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { UpOutcome } from '../../src/clients/composeLifecycle';
import type { RealmApi } from '../../src/extension';
import { realmApi, waitFor } from './helpers';
import { appProjectName, composeDown, serviceNode, SettingsScope, showRealmViews } from './hostSupport';

export async function startAppUnderHealer(settings: SettingsScope, healer: Record<string, unknown>): Promise<{ api: RealmApi; project: string }> {
  const api = await realmApi();
  await waitFor(() => api.workspaceProjects.current.some((p) => p.role === 'app'), 'the app project to be resolved');
  const project = appProjectName(api);
  for (const [k, v] of Object.entries(healer)) await settings.set(`realm.healer.${k}`, v);
  await vscode.commands.executeCommand('realm.healer.resetBudget', `${project}/worker`);
  await showRealmViews(api);
  const outcome = await vscode.commands.executeCommand<UpOutcome | undefined>('realm.appUp');
  assert.ok(outcome?.ok, `App Up: ${JSON.stringify(outcome)}`);
  await waitFor(() => serviceNode(api, project, 'worker')?.group.status === 'running', 'worker running', 60_000);
  return { api, project };
}

/** Restores the settings, resets the worker's budget and takes the app project down. */
export async function stopAppUnderHealer(settings: SettingsScope, project: string): Promise<void> {
  await settings.restore();
  if (!project) return;
  await vscode.commands.executeCommand('realm.healer.resetBudget', `${project}/worker`);
  await composeDown(project);
}
