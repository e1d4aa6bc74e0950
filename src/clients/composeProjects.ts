import * as fs from 'node:fs';
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
    ? settings.composeFiles.map((f) => insideWorkspace(folder, f))
    : detectComposeFiles(folder);
  if (files.length === 0) {
    throw new Error(`No compose file in ${folder}: add compose.yaml (or docker-compose.yml), or list files in realm.composeFiles.`);
  }
  const [first] = await loadComposeModels([files[0]]);
  const projectName = resolveProjectName({ explicit: settings.composeProjectName || undefined, env, fileName: first.name, firstComposeFile: files[0], flavour });
  return { files, projectName };
}

/**
 * A `realm.composeFiles` entry resolved against the workspace folder. Refuses one that resolves
 * (directly, or through a symbolic link) outside the folder: a workspace's settings must not make
 * Realm read or run compose files it does not contain (`../../etc/x.yml`, `/home/me/other.yml`).
 */
export function insideWorkspace(folder: string, file: string): string {
  const root = path.resolve(folder);
  const resolved = path.resolve(root, file);
  const within = (base: string, p: string) => {
    const rel = path.relative(base, p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  let real: string | undefined;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    // not there (yet): reading it fails later with a clear "cannot read" error
  }
  let realRoot = root;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    // keep the configured path
  }
  if (!within(root, resolved) || (real !== undefined && !within(realRoot, real))) {
    throw new Error(`realm.composeFiles: "${file}" is outside the workspace folder ${root}; Realm only uses compose files inside the workspace. Move the file into the folder or fix the setting.`);
  }
  return resolved;
}
