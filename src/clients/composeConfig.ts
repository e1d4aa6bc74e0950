import * as path from 'node:path';
import { modelFromComposeConfig, serviceNamesOf, type ComposeProjectModel } from '../core/composeModel';
import { resolveProjectName } from '../core/composeProject';
import { aliasProblem, placeComposeMessage, v2OnlyFeatures } from '../core/composeSource';
import { yaml } from '../platform/lazyModules';
import { ComposeError, type ComposeCliRunner, type ComposeProjectRef, type RunOptions } from './composeCli';
import { readComposeSources, type ComposeSources } from './composeSources';

/** A project as compose resolved it, and the files it was read from (to watch them). */
export interface ResolvedCompose {
  model: ComposeProjectModel;
  sources: ComposeSources;
}

/** Failures that are about the engine, the CLI or the user, not about the files. */
const NOT_THE_FILES = new Set(['no-compose-cli', 'cancelled', 'timeout', 'engine-unreachable']);

/**
 * Asks the compose CLI how it reads the project: on v2, `config --format json` twice, in parallel
 * — with every profile enabled (all services) and plain (the services `up` starts by default, so
 * COMPOSE_PROFILES and `.env` count exactly as compose counts them). On v1, which has neither
 * `--format` nor `--profile '*'`, its YAML `config`. A file compose rejects becomes
 * ComposeError('malformed-file') placed on the file and line it concerns.
 */
export async function readComposeProject(
  runner: ComposeCliRunner,
  ref: ComposeProjectRef,
  options: Pick<RunOptions, 'signal' | 'timeoutMs'> & { sources?: ComposeSources } = {},
): Promise<ResolvedCompose> {
  // a caller that has just read the files (the workspace's resolution pass) passes them: one read per pass
  const sources = options.sources ?? (await readComposeSources(ref));
  for (const source of sources.texts) {
    const aliases = aliasProblem(source.text);
    if (!aliases) continue;
    const message = `${source.file}:${aliases.line}:1: ${aliases.reason}; Docker Compose would not finish reading this file, so Realm does not ask it to.`;
    const start = { line: aliases.line, column: 1 };
    throw new ComposeError('malformed-file', message, { file: source.file, line: aliases.line, column: 1, problems: [{ message, start, end: start }] });
  }
  try {
    const model =
      runner.cli.flavour === 'v2' ? await readV2(runner, ref, sources, options, mayUseProfiles(sources)) : await readV1(runner, ref, sources, options);
    return { model, sources };
  } catch (err) {
    if (!(err instanceof ComposeError) || NOT_THE_FILES.has(err.kind)) throw err;
    throw placedError(err, sources, runner.cli.flavour, runner.cli.version);
  }
}

/**
 * False when no file compose reads mentions `profiles` (include and extends targets included): then
 * every service is active and one `config` run says everything (half the work on each save).
 */
function mayUseProfiles(sources: ComposeSources): boolean {
  return sources.texts.length === 0 || sources.texts.some((t) => /profiles/.test(t.text));
}

async function readV2(
  runner: ComposeCliRunner,
  ref: ComposeProjectRef,
  sources: ComposeSources,
  options: Pick<RunOptions, 'signal' | 'timeoutMs'>,
  profiles: boolean,
): Promise<ComposeProjectModel> {
  if (profiles) {
    // one run with every profile gives each service and its `profiles`; which are active follows
    // COMPOSE_PROFILES as compose applies it (checked against compose's plain run by the conformance tier)
    const all: unknown = await runner.config(ref, { ...options, allProfiles: true }).then(JSON.parse, () => undefined);
    if (all !== undefined) return modelFromComposeConfig(all, activeByProfiles(all, enabledProfiles(ref, sources)));
    // a project that only reads with its default profiles: the model is what `up` would see
  }
  const config: unknown = JSON.parse(await runner.config(ref, options));
  return modelFromComposeConfig(config, serviceNamesOf(config));
}

async function readV1(
  runner: ComposeCliRunner,
  ref: ComposeProjectRef,
  sources: ComposeSources,
  options: Pick<RunOptions, 'signal' | 'timeoutMs'>,
): Promise<ComposeProjectModel> {
  // v1 prints every service with its `profiles`; the active set follows COMPOSE_PROFILES
  const config = yaml().parse(await runner.config(ref, options), { maxAliasCount: -1 }) as { services?: Record<string, { profiles?: unknown }> } | null;
  const services = config?.services ?? {};
  const env = { ...sources.dotEnv, ...process.env };
  const first = sources.composeFiles[0] ?? path.join(ref.workingDir ?? process.cwd(), 'docker-compose.yml');
  const name = resolveProjectName({ explicit: ref.projectName || undefined, env, firstComposeFile: first, flavour: 'v1' });
  return { ...modelFromComposeConfig({ services }, activeByProfiles({ services }, enabledProfiles(ref, sources))), name };
}

/** COMPOSE_PROFILES as compose reads it: the project's `.env`, overridden by the environment it runs in. */
function enabledProfiles(ref: ComposeProjectRef, sources: ComposeSources): ReadonlySet<string> {
  const env = { ...sources.dotEnv, ...process.env, ...(ref.env ?? {}) };
  return new Set(
    (env.COMPOSE_PROFILES ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
}

/** Services with no profile, or one of the enabled ones (`*` enables all). */
function activeByProfiles(config: unknown, enabled: ReadonlySet<string>): Set<string> {
  const services = (config as { services?: Record<string, { profiles?: unknown } | null> } | null)?.services ?? {};
  return new Set(
    Object.entries(services)
      .filter(([, def]) => {
        const own = Array.isArray(def?.profiles) ? def.profiles.map(String) : [];
        return own.length === 0 || enabled.has('*') || own.some((x) => enabled.has(x));
      })
      .map(([name]) => name),
  );
}

/**
 * Compose's own message, placed with the YAML positions of the files it read. On v1, a file that
 * uses v2-only features gets that said plainly instead of v1's schema error.
 */
function placedError(err: ComposeError, sources: ComposeSources, flavour: 'v1' | 'v2', version: string): ComposeError {
  const output = err.details.output ?? err.message;
  const message = composeMessage(output) || err.message;
  if (flavour === 'v1') {
    for (const source of sources.texts) {
      const features = v2OnlyFeatures(source.text);
      if (features.length === 0) continue;
      const list = features.map((f) => `${f.feature} (line ${f.line})`).join(', ');
      const text = `${path.basename(source.file)} needs Docker Compose v2: it uses ${list}, which Compose v1 (docker-compose ${version}) cannot read. Install the Docker Compose v2 plugin (\`docker compose\`).`;
      const start = { line: features[0].line, column: 1 };
      return new ComposeError('malformed-file', text, {
        ...err.details,
        file: source.file,
        line: start.line,
        column: 1,
        problems: [{ message: text, start, end: start }],
      });
    }
  }
  const placed = placeComposeMessage(message, sources.texts);
  const where = placed.file ? `${placed.file}:${placed.problem.start.line}:${placed.problem.start.column}: ` : '';
  return new ComposeError('malformed-file', `${where}${placed.problem.message}`, {
    ...err.details,
    file: placed.file || undefined,
    line: placed.problem.start.line,
    column: placed.problem.start.column,
    problems: [placed.problem],
  });
}

/**
 * The error itself from compose's output: v2 logs warnings (`level=warning msg="… version is
 * obsolete"`) before it, v1 prefixes `ERROR:`; the reason is what is left.
 */
export function composeMessage(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/level=(warning|info|debug)/.test(l) && !/^WARNING:/.test(l));
  const text = lines
    .join(' ')
    .replace(/^ERROR:\s*/, '')
    .replace(/\s*:\s*invalid compose project\s*$/, '');
  const msg = /level=(?:error|fatal) msg="(.*)"$/.exec(text)?.[1];
  return (msg ?? text).slice(0, 2000);
}
