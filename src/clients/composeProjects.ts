import * as fs from 'node:fs';
import * as path from 'node:path';
import { isWithin } from '../core/pathContainment';
import { detectComposeFiles, normalizeProjectName } from '../core/composeProject';
import { STACK_COMPOSE_FILE, STACK_PROJECT_NAME } from '../core/stackEnvironment';
import type { ComposeCliRunner, ComposeProjectRef } from './composeCli';
import { readComposeProject, type ResolvedCompose } from './composeConfig';
import { type ComposeSources, parseDotEnv } from './composeSources';

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
  const file = path.join(extensionPath, STACK_COMPOSE_FILE);
  return { files: [file], projectName: STACK_PROJECT_NAME, workingDir: path.dirname(file), env };
}

/**
 * The workspace's own compose project as the CLI should address it — the configured files, or none
 * so that compose picks its defaults (override file, `.env`'s COMPOSE_FILE) in the folder, and the
 * configured name or none so that compose names it. Throws a plain Error a user can act on when
 * the folder has no compose file.
 */
export function appProjectRef(folder: string, settings: AppProjectSettings): ComposeProjectRef {
  const files = settings.composeFiles.map((f) => insideWorkspace(folder, f));
  if (files.length === 0 && detectComposeFiles(folder).length === 0 && !hasComposeFileVariable(folder)) {
    throw new Error(`No compose file in ${folder}: add compose.yaml (or docker-compose.yml), or list files in realm.composeFiles.`);
  }
  const projectName = settings.composeProjectName ? normalizeProjectName(settings.composeProjectName, 'v2') : '';
  return { files, projectName, workingDir: folder };
}

/**
 * The app project resolved by compose itself: the reference App Up / Down and the tree use (named
 * as compose names it), and the model and source files. Compose's errors are placed ComposeErrors.
 */
export async function appProject(
  folder: string,
  settings: AppProjectSettings,
  runner: ComposeCliRunner,
  options: { signal?: AbortSignal; sources?: ComposeSources } = {},
): Promise<{ ref: ComposeProjectRef } & ResolvedCompose> {
  const base = appProjectRef(folder, settings);
  const resolved = await readComposeProject(runner, base, options);
  return { ref: { ...base, projectName: resolved.model.name || base.projectName }, ...resolved };
}

function hasComposeFileVariable(folder: string): boolean {
  if (process.env.COMPOSE_FILE) return true;
  try {
    return 'COMPOSE_FILE' in parseDotEnv(fs.readFileSync(path.join(folder, '.env'), 'utf8'));
  } catch {
    return false;
  }
}

/**
 * A `realm.composeFiles` entry resolved against the workspace folder. Refuses one that resolves
 * (directly, or through a symbolic link) outside the folder: a workspace's settings must not make
 * Realm read or run compose files it does not contain (`../../etc/x.yml`, `/home/me/other.yml`).
 */
export function insideWorkspace(folder: string, file: string): string {
  const root = path.resolve(folder);
  const resolved = path.resolve(root, file);
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
  if (!isWithin(root, resolved) || (real !== undefined && !isWithin(realRoot, real))) {
    throw new Error(
      `realm.composeFiles: "${file}" is outside the workspace folder ${root}; Realm only uses compose files inside the workspace. Move the file into the folder or fix the setting.`,
    );
  }
  return resolved;
}
