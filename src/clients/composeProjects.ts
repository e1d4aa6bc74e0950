import * as path from 'node:path';
import { detectComposeFiles, resolveProjectName, type ComposeFlavour } from '../core/composeProject';
import { STACK_COMPOSE_FILE, STACK_PROJECT_NAME } from '../core/stackEnvironment';
import type { ComposeProjectRef } from './composeCli';
import { loadComposeModels } from './composeLifecycle';

/** Which of the two projects a command acts on: the shipped stack or the workspace's own app. */
export type ProjectRole = 'stack' | 'app';

export interface AppProjectSettings {
  /** `realm.composeFiles`, relative to the workspace folder; empty → auto-detect. */
  composeFiles: readonly string[];
  /** `realm.composeProjectName`; empty → as compose derives it. */
  composeProjectName: string;
}

/** The observability stack as a compose project: stack/compose.yaml under the extension, its env. */
export function stackProject(extensionPath: string, env: Readonly<Record<string, string>>): ComposeProjectRef {
  return { files: [path.join(extensionPath, STACK_COMPOSE_FILE)], projectName: STACK_PROJECT_NAME, env };
}

/**
 * The workspace's own compose project: the configured files or the ones compose would pick, named
 * as compose names it (setting, COMPOSE_PROJECT_NAME, top-level `name:` for v2, folder). Throws a
 * plain Error a user can act on when there is no compose file; a malformed one is a ComposeError.
 */
export async function appProject(folder: string, settings: AppProjectSettings, flavour: ComposeFlavour, env: NodeJS.ProcessEnv = process.env): Promise<ComposeProjectRef> {
  const files = settings.composeFiles.length > 0
    ? settings.composeFiles.map((f) => path.resolve(folder, f))
    : detectComposeFiles(folder);
  if (files.length === 0) {
    throw new Error(`No compose file in ${folder}: add compose.yaml (or docker-compose.yml), or list files in realm.composeFiles.`);
  }
  const [first] = await loadComposeModels([files[0]]);
  const projectName = resolveProjectName({ explicit: settings.composeProjectName || undefined, env, fileName: first.name, firstComposeFile: files[0], flavour });
  return { files, projectName };
}
