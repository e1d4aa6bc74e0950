import * as fs from 'node:fs';
import * as path from 'node:path';

/** Which compose CLI generation a name is normalised for: v1 (Python `docker-compose`) or v2 (`docker compose`). */
export type ComposeFlavour = 'v1' | 'v2';

/** The file names compose looks for, in its own order of preference. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;

/** For each default file, the override file compose merges on top when it exists. */
const OVERRIDE_NAMES: Record<string, string[]> = {
  'compose.yaml': ['compose.override.yaml', 'compose.override.yml'],
  'compose.yml': ['compose.override.yml', 'compose.override.yaml'],
  'docker-compose.yml': ['docker-compose.override.yml', 'docker-compose.override.yaml'],
  'docker-compose.yaml': ['docker-compose.override.yaml', 'docker-compose.override.yml'],
};

/**
 * The compose files of the project in `dir`, as `docker compose` without `-f` would pick them: the
 * first default file found, plus its override file when there is one. Empty when there is none.
 * `exists` is injectable for tests; it defaults to a synchronous file check.
 */
export function detectComposeFiles(dir: string, exists: (file: string) => boolean = isFile): string[] {
  for (const name of COMPOSE_FILE_NAMES) {
    const file = path.join(dir, name);
    if (!exists(file)) continue;
    const override = OVERRIDE_NAMES[name].map((o) => path.join(dir, o)).find(exists);
    return override ? [file, override] : [file];
  }
  return [];
}

/**
 * Normalises a project name the way compose does, so the extension finds the containers compose
 * labels. v2 lower-cases, keeps `[a-z0-9_-]` and trims leading `_`/`-`; v1 (1.21+) lower-cases
 * and keeps `[a-z0-9_-]` without trimming.
 */
export function normalizeProjectName(name: string, flavour: ComposeFlavour): string {
  const kept = name.toLowerCase().replace(/[^-_a-z0-9]+/g, '');
  return flavour === 'v2' ? kept.replace(/^[-_]+/, '') : kept;
}

/**
 * The project name compose would use: an explicit name (setting or `-p`), else COMPOSE_PROJECT_NAME,
 * else the top-level `name:` (v2 only), else the directory of the first compose file.
 */
export function resolveProjectName(options: {
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  fileName?: string;
  firstComposeFile: string;
  flavour: ComposeFlavour;
}): string {
  const { explicit, env = process.env, fileName, firstComposeFile, flavour } = options;
  const raw = explicit || env.COMPOSE_PROJECT_NAME || (flavour === 'v2' ? fileName : undefined) || path.basename(path.dirname(path.resolve(firstComposeFile)));
  return normalizeProjectName(raw, flavour);
}

/**
 * The workspace folder whose compose project is the app: with `realm.composeFiles` set, the first
 * folder (the files are relative to it); otherwise the first folder that has a compose file, so a
 * multi-root workspace with the project in its second folder still finds it.
 */
export function appFolder(folders: readonly string[], composeFilesConfigured: boolean, exists: (file: string) => boolean = isFile): string | undefined {
  if (composeFilesConfigured) return folders[0];
  return folders.find((f) => detectComposeFiles(f, exists).length > 0) ?? folders[0];
}

/** True when a changed file may change the app project: a default compose name or a configured file. */
export function isComposeFileOf(file: string, folder: string | undefined, composeFiles: readonly string[]): boolean {
  const base = path.basename(file);
  if (COMPOSE_FILE_NAMES.includes(base as (typeof COMPOSE_FILE_NAMES)[number]) || Object.values(OVERRIDE_NAMES).flat().includes(base)) return true;
  return folder !== undefined && composeFiles.some((f) => path.resolve(folder, f) === path.resolve(file));
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
