import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { detectComposeFiles } from '../core/composeProject';
import type { ComposeSourceText } from '../core/composeSource';
import { yaml } from '../platform/lazyModules';
import type { ComposeProjectRef } from './composeCli';

/**
 * The files compose reads for a project, found by a light scan — never to build the model (compose
 * does that), only to know what to watch for changes and where to place compose's messages: the
 * compose files (the given ones, or the defaults compose picks, or `.env`'s COMPOSE_FILE), the
 * project's `.env`, and every `extends.file` and `include` target, followed recursively.
 */
export interface ComposeSources {
  /** Absolute paths of every file that, when it changes, may change the project. */
  watched: string[];
  /** The compose files that could be read, with their text. */
  texts: ComposeSourceText[];
  /** Variables of the project's `.env` (empty when there is none). */
  dotEnv: Record<string, string>;
  /** The top-level compose files, in order (the `-f` list, or what compose would pick). */
  composeFiles: string[];
}

export async function readComposeSources(ref: Pick<ComposeProjectRef, 'files' | 'workingDir'>): Promise<ComposeSources> {
  const dir = ref.workingDir ?? (ref.files[0] ? path.dirname(ref.files[0]) : process.cwd());
  let composeFiles = ref.files.map((f) => path.resolve(dir, f));
  // v2 reads `.env` from the project directory: the first file's folder, or the working directory
  const projectDir = composeFiles[0] ? path.dirname(composeFiles[0]) : dir;
  const envFile = path.join(projectDir, '.env');
  const dotEnv = parseDotEnv((await readText(envFile)) ?? '');
  if (composeFiles.length === 0) {
    const fromEnv = (process.env.COMPOSE_FILE ?? dotEnv.COMPOSE_FILE)?.split(process.env.COMPOSE_PATH_SEPARATOR ?? path.delimiter).filter(Boolean);
    composeFiles = fromEnv?.length ? fromEnv.map((f) => path.resolve(dir, f)) : detectComposeFiles(dir);
  }
  const watched = new Set<string>([envFile, ...composeFiles]);
  const texts: ComposeSourceText[] = [];
  const queue = [...composeFiles];
  while (queue.length > 0 && texts.length < 200) {
    const file = queue.shift() as string;
    if (texts.some((t) => t.file === file)) continue;
    const text = await readText(file);
    if (text === undefined) continue;
    texts.push({ file, text });
    for (const ref of referencedFiles(text)) {
      const target = path.resolve(path.dirname(file), ref);
      watched.add(target);
      queue.push(target);
    }
  }
  return { watched: [...watched], texts, dotEnv, composeFiles };
}

/** `extends.file`, `include` (short or long syntax) and `env_file` targets named in one file. */
export function referencedFiles(text: string): string[] {
  let plain: unknown;
  try {
    plain = yaml().parse(text, { maxAliasCount: -1, merge: true, prettyErrors: false, logLevel: 'error' });
  } catch {
    return [];
  }
  if (!plain || typeof plain !== 'object') return [];
  const root = plain as { include?: unknown; services?: unknown };
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v && !v.includes('${')) out.push(v);
  };
  for (const item of Array.isArray(root.include) ? root.include : []) {
    if (typeof item === 'string') add(item);
    else if (item && typeof item === 'object') {
      const { path: p, env_file: e } = item as { path?: unknown; env_file?: unknown };
      for (const v of [p, e].flat()) add(v);
    }
  }
  const services = root.services && typeof root.services === 'object' ? Object.values(root.services) : [];
  for (const def of services) {
    if (!def || typeof def !== 'object') continue;
    const { extends: ext } = def as { extends?: unknown };
    if (ext && typeof ext === 'object') add((ext as { file?: unknown }).file);
  }
  return out;
}

/** Reads `.env` as compose does for the simple cases: `KEY=value`, quotes stripped, `#` comments. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    value = quoted ? quoted[2] : value.replace(/\s+#.*$/, '');
    out[m[1]] = value;
  }
  return out;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}
