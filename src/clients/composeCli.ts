import { execFile, spawn } from 'node:child_process';
import type { ComposeFlavour } from '../core/composeProject';
import { classifyComposeFailure, ComposeError } from './composeErrors';

export { ComposeError } from './composeErrors';
export type { ComposeErrorKind } from './composeErrors';

/** The compose CLI found on this machine: `docker compose …` (v2) or `docker-compose …` (v1). */
export interface ComposeCli {
  program: string;
  /** Arguments that come before compose's own (`['compose']` for the v2 plugin). */
  baseArgs: readonly string[];
  flavour: ComposeFlavour;
  version: string;
}

export interface CliEnvironment {
  /** Passed to the CLI as DOCKER_HOST (the same engine the DockerClient talks to). */
  dockerHost?: string;
  /** The environment to start from; default process.env (PATH decides which CLI is found). */
  baseEnv?: NodeJS.ProcessEnv;
}

/**
 * Finds the compose CLI: `docker compose version` answering means v2; otherwise `docker-compose
 * version --short` (v1, or a standalone v2 binary). Neither → ComposeError('no-compose-cli').
 */
export async function detectComposeCli(options: CliEnvironment & { timeoutMs?: number } = {}): Promise<ComposeCli> {
  const env = cliEnv(options, {});
  const timeout = options.timeoutMs ?? 15_000;
  const v2 = await capture('docker', ['compose', 'version'], env, timeout);
  const v2Version = v2.ok ? /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(v2.stdout)?.[1] : undefined;
  if (v2Version) return { program: 'docker', baseArgs: ['compose'], flavour: 'v2', version: v2Version };
  const v1 = await capture('docker-compose', ['version', '--short'], env, timeout);
  const v1Version = v1.ok ? /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(v1.stdout)?.[1] : undefined;
  if (v1Version) return { program: 'docker-compose', baseArgs: [], flavour: v1Version.startsWith('1.') ? 'v1' : 'v2', version: v1Version };
  throw new ComposeError(
    'no-compose-cli',
    'No compose CLI found: install the Docker Compose plugin (`docker compose`) or `docker-compose`, and make sure it is on PATH.',
    {
      output: [v2.stderr, v1.stderr].filter(Boolean).join('\n').slice(0, 500),
    },
  );
}

/** A compose project as the CLI addresses it: its files, its project name, and env for interpolation. */
export interface ComposeProjectRef {
  /** `-f` files; empty: compose picks them itself in `workingDir` (defaults, override, COMPOSE_FILE). */
  files: readonly string[];
  /** `-p`; empty: compose names the project itself (COMPOSE_PROJECT_NAME, `name:`, the folder). */
  projectName: string;
  /** The directory compose runs in (where it looks for files and `.env` without `-f`). */
  workingDir?: string;
  /** Extra environment for `${VAR}` interpolation (e.g. the Grafana password). Never logged. */
  env?: Readonly<Record<string, string>>;
}

export interface RunOptions {
  /** Every output line of stdout and stderr, as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Stops the command when it prints nothing for this long (a CLI that hung); default: no such limit. */
  idleTimeoutMs?: number;
}

/** How many services and containers an `up` starts, so v1 gets enough parallel slots. */
export interface UpSize {
  services: number;
  containers: number;
}

/** Compose v1's default COMPOSE_PARALLEL_LIMIT (compose/const.py). */
const V1_PARALLEL_LIMIT = 64;
/** v1 `up` prints a line per container as it is created and started; this long without one, it hung. */
const V1_UP_IDLE_MS = 180_000;

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs compose commands for one CLI and engine: always an argument array (no shell), output streamed
 * line by line, cancellable, bounded by a timeout, failures turned into typed ComposeErrors.
 */
export class ComposeCliRunner {
  constructor(
    readonly cli: ComposeCli,
    private readonly environment: CliEnvironment = {},
  ) {}

  /** The full argv for a compose subcommand of the project (exposed for logs and tests). */
  argv(project: ComposeProjectRef, subcommand: readonly string[]): string[] {
    const files = project.files.flatMap((f) => ['-f', f]);
    const name = project.projectName ? ['-p', project.projectName] : [];
    return [this.cli.program, ...this.cli.baseArgs, '--ansi', 'never', ...name, ...files, ...subcommand];
  }

  /** Runs one compose subcommand; resolves with its output, or rejects with a ComposeError. */
  run(project: ComposeProjectRef, subcommand: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [program, ...args] = this.argv(project, subcommand);
    const command = [program, ...args];
    const timeoutMs = options.timeoutMs ?? 120_000;
    const env = cliEnv(this.environment, project.env ?? {});
    return new Promise<RunResult>((resolve, reject) => {
      if (options.signal?.aborted) return reject(cancelled(command));
      const child = spawn(program, args, { env, cwd: project.workingDir, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      const out = { stdout: '', stderr: '' };
      let interleaved = '';
      let settled = false;
      let stopReason: ComposeError | undefined;
      const splitters = (['stdout', 'stderr'] as const).map((stream) => {
        let partial = '';
        child[stream].setEncoding('utf8');
        child[stream].on('data', (chunk: string) => {
          notIdle();
          out[stream] += chunk;
          interleaved += chunk;
          partial += chunk;
          const lines = partial.split(/\r\n|\n|\r/);
          partial = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) options.onLine?.(line, stream);
        });
        return () => {
          if (partial.trim()) options.onLine?.(partial, stream);
          partial = '';
        };
      });
      // compose forwards SIGTERM to what it is doing and stops; SIGKILL only if it does not
      const stop = (reason: ComposeError) => {
        if (settled || stopReason) return;
        stopReason = reason;
        child.kill('SIGTERM');
        setTimeout(() => {
          if (!settled) child.kill('SIGKILL');
        }, 5000).unref();
      };
      const timer = setTimeout(
        () => stop(new ComposeError('timeout', `\`${subcommand.join(' ')}\` did not finish within ${Math.round(timeoutMs / 1000)} s`, { command })),
        timeoutMs,
      );
      let idleTimer: NodeJS.Timeout | undefined;
      const idle = options.idleTimeoutMs;
      const notIdle = () => {
        if (idle === undefined) return;
        clearTimeout(idleTimer);
        idleTimer = setTimeout(
          () => stop(new ComposeError('timeout', `\`${subcommand.join(' ')}\` printed nothing for ${Math.round(idle / 1000)} s and was stopped`, { command })),
          idle,
        );
      };
      notIdle();
      const onAbort = () => stop(cancelled(command));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (err: Error | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(idleTimer);
        options.signal?.removeEventListener('abort', onAbort);
        splitters.forEach((flush) => flush());
        if (err) reject(err);
        else resolve(out);
      };
      child.on('error', (e: NodeJS.ErrnoException) =>
        finish(
          e.code === 'ENOENT'
            ? new ComposeError('no-compose-cli', `${program} is not on PATH any more`, { command })
            : new ComposeError('failed', `Could not run ${program}: ${e.message}`, { command }),
        ),
      );
      child.on('close', (code) => {
        if (stopReason) return finish(new ComposeError(stopReason.kind, stopReason.message, { ...stopReason.details, output: interleaved.slice(-4000) }));
        if (code === 0) return finish(undefined);
        finish(
          classifyComposeFailure(interleaved, command, code, this.environment.dockerHost ?? this.environment.baseEnv?.DOCKER_HOST ?? process.env.DOCKER_HOST),
        );
      });
    });
  }

  /**
   * `up -d` (optionally only some services, and without `--remove-orphans`); output streams to onLine. With Compose v1, `size`
   * (the project's services and containers) raises COMPOSE_PARALLEL_LIMIT above what the project
   * needs, and a v1 that stops printing is stopped with an error that says why.
   */
  up(project: ComposeProjectRef, options: RunOptions & { services?: readonly string[]; size?: UpSize; removeOrphans?: boolean } = {}): Promise<RunResult> {
    const { size, removeOrphans = true, ...run } = options;
    // starting one service leaves the project's other containers (orphans included) as they are
    const args = ['up', '-d', ...(removeOrphans ? ['--remove-orphans'] : []), ...(options.services ?? [])];
    if (this.cli.flavour !== 'v1') return this.run(project, args, { timeoutMs: 600_000, ...run });
    // v1 runs each service's task, and nested in it its containers' tasks, on one pool of
    // COMPOSE_PARALLEL_LIMIT slots: once the services fill every slot, each waits for a container
    // task that never gets one, and up hangs for good (docker/compose#5864; 63 of 200 started).
    const env = cliEnv(this.environment, project.env ?? {});
    const limit = Number(env.COMPOSE_PARALLEL_LIMIT) || V1_PARALLEL_LIMIT;
    const needed = size ? size.services + 2 * size.containers + 1 : 0;
    const raised = Math.max(limit, needed);
    const v1Project = raised === limit ? project : { ...project, env: { ...project.env, COMPOSE_PARALLEL_LIMIT: String(raised) } };
    return this.run(v1Project, args, { timeoutMs: 600_000, idleTimeoutMs: V1_UP_IDLE_MS, ...run }).catch((e: unknown) => {
      if (!(e instanceof ComposeError) || e.kind !== 'timeout') throw e;
      const sizeNote = size ? ` (${size.containers} containers; Realm set COMPOSE_PARALLEL_LIMIT=${raised} for this run)` : '';
      throw new ComposeError(
        'timeout',
        `${e.message}. docker-compose ${this.cli.version} (Compose v1, end of life) can hang for good when a project has more containers than COMPOSE_PARALLEL_LIMIT${sizeNote}: use Compose v2 (\`docker compose\`), or raise COMPOSE_PARALLEL_LIMIT.`,
        e.details,
      );
    });
  }

  /** `down`: removes the project's containers and networks (and named volumes when asked). */
  down(project: ComposeProjectRef, options: RunOptions & { removeVolumes?: boolean } = {}): Promise<RunResult> {
    return this.run(project, ['down', '--remove-orphans', ...(options.removeVolumes ? ['--volumes'] : [])], { timeoutMs: 180_000, ...options });
  }

  /** `restart` of the named services (all when none are named). */
  restart(project: ComposeProjectRef, services: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
    return this.run(project, ['restart', ...services], { timeoutMs: 180_000, ...options });
  }

  /** Container ids of the project (`ps -q`; stopped ones too with `all`). */
  async ps(project: ComposeProjectRef, options: RunOptions & { all?: boolean } = {}): Promise<string[]> {
    const { stdout } = await this.run(project, ['ps', '-q', ...(options.all ? ['-a'] : [])], { timeoutMs: 60_000, ...options });
    return stdout
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /**
   * `config`: the project as compose resolves it (JSON on v2, YAML on v1, which has no `--format`);
   * `allProfiles` enables every profile (v2's `--profile '*'`). The output carries interpolated
   * secrets, so it is returned, never streamed to onLine.
   */
  async config(project: ComposeProjectRef, options: Omit<RunOptions, 'onLine'> & { allProfiles?: boolean } = {}): Promise<string> {
    const { allProfiles, ...rest } = options;
    const args = this.cli.flavour === 'v2' ? [...(allProfiles ? ['--profile', '*'] : []), 'config', '--format', 'json'] : ['config'];
    // `config` takes well under a second on real projects; a bound keeps a pathological file from running on
    const { stdout } = await this.run(project, args, { timeoutMs: 20_000, ...rest, onLine: undefined });
    return stdout;
  }

  /** `logs` of some services, following until the signal aborts when `follow` is set. */
  logs(
    project: ComposeProjectRef,
    options: RunOptions & { services?: readonly string[]; tail?: number; follow?: boolean; timestamps?: boolean } = {},
  ): Promise<RunResult> {
    const args = [
      'logs',
      '--no-color',
      '--tail',
      String(options.tail ?? 200),
      ...(options.follow ? ['--follow'] : []),
      ...(options.timestamps ? ['--timestamps'] : []),
      ...(options.services ?? []),
    ];
    return this.run(project, args, { timeoutMs: options.follow ? 24 * 3600_000 : 60_000, ...options });
  }
}

function cancelled(command: readonly string[]): ComposeError {
  return new ComposeError('cancelled', 'Cancelled', { command });
}

function cliEnv(environment: CliEnvironment, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(environment.baseEnv ?? process.env), ...extra };
  if (environment.dockerHost) env.DOCKER_HOST = environment.dockerHost;
  // v1 asks for confirmation on some prompts when it thinks a user is there; there is none
  env.COMPOSE_INTERACTIVE_NO_CLI = '1';
  return env;
}

function capture(program: string, args: string[], env: NodeJS.ProcessEnv, timeout: number): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(program, args, { env, timeout, windowsHide: true }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}
