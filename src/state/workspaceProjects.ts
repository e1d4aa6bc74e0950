import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ComposeCliRunner } from '../clients/composeCli';
import { ComposeError } from '../clients/composeErrors';
import { appProject, appProjectRef, type AppProjectSettings } from '../clients/composeProjects';
import { ComposeSources, readComposeSources } from '../clients/composeSources';
import { parseComposeFile } from '../core/composeFile';
import { activeServices } from '../core/composeModel';
import { normalizeProjectName } from '../core/composeProject';
import { STACK_PROJECT_NAME } from '../core/stackEnvironment';
import { Disposable, toDisposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { WatchedProject } from './serviceStore';
import { OneAtATime } from '../platform/oneAtATime';

/** A Memento-shaped store (workspace state) for the last model compose gave. */
export interface ProjectMemory {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface WorkspaceProjectsDeps {
  folder: () => string | undefined;
  settings: () => AppProjectSettings;
  composeRunner: () => Promise<ComposeCliRunner>;
  /** Called with compose's error (Problems view), or undefined with the files to clear once it reads. */
  onComposeProblem: (err: ComposeError | undefined, files: string[]) => void;
  /** Called once per outage when no compose CLI is installed (one message, not one per resolution). */
  onNoComposeCli?: (message: string) => void;
  /** With no compose CLI: the project the engine's containers of this folder carry (compose labels). */
  engineProjectOf?: (folder: string) => Promise<string | undefined>;
  memory?: ProjectMemory;
  /** An untrusted workspace's files are someone else's: no compose process reads them (engine labels only). */
  isTrusted?: () => boolean;
  logger: Logger;
  /** Saves within this window are resolved once (ms). */
  debounceMs?: number;
}

const MEMORY_KEY = 'realm.appProjectModel';
/** A trigger without a file (settings, folders changed): always resolves. */
const ANY_FILE = '';

/**
 * Which compose projects the extension watches: the workspace's own ("app") project exactly as
 * the installed compose CLI resolves it, and the shipped observability stack. Resolution runs in
 * the background; until compose answers, the previous model (kept in workspace state) or a quick
 * local parse, marked provisional, stands in. Re-resolved, debounced, when any file compose read
 * changes (`isWatched`).
 */
export class WorkspaceProjects extends Disposable {
  private readonly changed = this.register(new Emitter<WatchedProject[]>());
  readonly onDidChange: Event<WatchedProject[]> = this.changed.event;
  private projects: WatchedProject[];
  private watched = new Set<string>();
  private problemFiles: string[] = [];
  private readonly resolution = new OneAtATime(() => this.doResolve());
  private resolvedOnce = false;
  private noCliReported = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly changedFiles = new Set<string>();
  /** What the last pass read of each compose file (a trigger for an unchanged file is dropped). */
  private lastRead = new Map<string, string>();

  constructor(private readonly deps: WorkspaceProjectsDeps) {
    super();
    this.projects = this.remembered() ?? this.guess();
    this.register(toDisposable(() => clearTimeout(this.timer)));
  }

  /** The projects as currently known (the previous model or a guess until `resolve()` ends). */
  get current(): WatchedProject[] {
    return this.projects;
  }

  /** True once compose itself answered (names until then are remembered or guessed). */
  get resolved(): boolean {
    return this.resolvedOnce;
  }

  /** True when a changed file is one compose read for the app project (or a default compose name). */
  isWatched(file: string): boolean {
    return this.watched.has(path.resolve(file));
  }

  /**
   * Resolves once after saves settle (a burst of file events is one `config` run). With the file
   * that changed, a trigger is dropped when the file still reads as the last pass read it: an
   * editor save and the file watcher's later event for it are one resolution, not two.
   */
  scheduleResolve(changedFile?: string): void {
    this.changedFiles.add(changedFile === undefined ? ANY_FILE : path.resolve(changedFile));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.resolveIfChanged(), this.deps.debounceMs ?? 25);
  }

  private async resolveIfChanged(): Promise<void> {
    const files = [...this.changedFiles];
    this.changedFiles.clear();
    const unchanged = async (file: string) =>
      file !== ANY_FILE && this.lastRead.has(file) && (await readFile(file, 'utf8').catch(() => undefined)) === this.lastRead.get(file);
    if ((await Promise.all(files.map(unchanged))).every(Boolean)) return;
    await this.resolve();
  }

  /**
   * Resolves the app project with the compose CLI; fires on change. A call while a resolution runs
   * (a settings change, a saved compose file) runs one more after it.
   */
  resolve(): Promise<WatchedProject[]> {
    return this.resolution.run();
  }

  private async doResolve(): Promise<WatchedProject[]> {
    const folder = this.deps.folder();
    const stack: WatchedProject = { name: STACK_PROJECT_NAME, role: 'stack' };
    if (!folder) return this.publish([stack], true);
    let ref;
    try {
      ref = appProjectRef(folder, this.deps.settings());
    } catch (e) {
      this.deps.logger.info(`Workspace project: ${(e as Error).message}`);
      this.watched = new Set((await readComposeSources({ files: [], workingDir: folder })).watched);
      return this.publish([stack], true);
    }
    // read once per pass: the provisional parse, compose's reading and the error path share it
    const sources = await readComposeSources(ref);
    this.lastRead = new Map(sources.texts.map((t) => [path.resolve(t.file), t.text]));
    if (this.deps.isTrusted && !this.deps.isTrusted()) {
      this.watched = new Set(sources.watched);
      await this.provisional(folder, sources);
      const fromEngine = await this.deps.engineProjectOf?.(folder).catch(() => undefined);
      const app = fromEngine ? { name: fromEngine, role: 'app' as const, provisional: true } : (this.projects.find((p) => p.role === 'app') ?? this.guess()[0]);
      // as resolved as an untrusted workspace gets: the healer judges (and, untrusted, refuses) crashes under this name
      return this.publish([app, stack], true);
    }
    let runner: ComposeCliRunner;
    try {
      runner = await this.deps.composeRunner();
      this.noCliReported = false;
    } catch (e) {
      return this.publish([await this.withoutCli(folder, (e as Error).message), stack], false);
    }
    if (!this.resolvedOnce && !this.deps.memory?.get(MEMORY_KEY)) await this.provisional(folder, sources);
    try {
      const { ref: named, model } = await appProject(folder, this.deps.settings(), runner, { sources });
      this.watched = new Set(sources.watched);
      this.deps.onComposeProblem(undefined, [...new Set([...this.problemFiles, ...sources.watched])]);
      this.problemFiles = [];
      const app: WatchedProject = { name: named.projectName, role: 'app', declaredServices: activeServices(model) };
      void this.deps.memory?.update(MEMORY_KEY, { folder, project: app });
      return this.publish([app, stack], true);
    } catch (e) {
      if (e instanceof ComposeError && e.kind === 'malformed-file') {
        this.problemFiles = e.details.file ? [e.details.file] : [];
        this.deps.onComposeProblem(e, this.problemFiles);
        this.watched = new Set(sources.watched);
      } else this.deps.logger.warn(`Workspace project: compose could not read it: ${(e as Error).message}`);
      // keep what was known (the last good model): a typo mid-edit must not empty the tree
      const app = this.projects.find((p) => p.role === 'app') ?? this.guess()[0];
      return this.publish([{ ...app, provisional: true }, stack], this.resolvedOnce);
    }
  }

  /** No compose CLI: one clear message, and the project the engine's containers of this folder carry. */
  private async withoutCli(folder: string, reason: string): Promise<WatchedProject> {
    if (!this.noCliReported) {
      this.noCliReported = true;
      this.deps.onNoComposeCli?.(
        `Realm: no Docker Compose CLI found (${reason}). The Services view shows what the engine runs; App Up, App Down and exact service lists need Docker Compose v2 (\`docker compose\`).`,
      );
    }
    const fromEngine = await this.deps.engineProjectOf?.(folder).catch(() => undefined);
    return { ...(fromEngine ? { name: fromEngine, role: 'app' as const } : this.guess()[0]), provisional: true };
  }

  /** A quick local reading of the default files while compose has not answered (never authoritative). */
  private async provisional(folder: string, sources: ComposeSources): Promise<void> {
    try {
      // each file on its own (an override alone is incomplete, and compose's answer follows anyway),
      // parsed from the text this pass already read
      const models = sources.composeFiles.flatMap((f) => {
        const text = sources.texts.find((t) => t.file === f)?.text;
        try {
          return text === undefined ? [] : [parseComposeFile(text, f)];
        } catch {
          return [];
        }
      });
      const services = [...new Set(models.flatMap((m) => m.services.filter((s) => s.profiles.length === 0).map((s) => s.name)))];
      const name = this.deps.settings().composeProjectName || models[0]?.name || path.basename(folder);
      this.publish(
        [
          { name: normalizeProjectName(name, 'v2'), role: 'app', declaredServices: services, provisional: true },
          { name: STACK_PROJECT_NAME, role: 'stack' },
        ],
        false,
      );
    } catch {
      // compose's answer follows; its error (if any) is the one shown
    }
  }

  private publish(next: WatchedProject[], authoritative: boolean): WatchedProject[] {
    if (authoritative) this.resolvedOnce = true;
    if (JSON.stringify(next) !== JSON.stringify(this.projects)) {
      this.projects = next;
      this.changed.fire(next);
    }
    return next;
  }

  private remembered(): WatchedProject[] | undefined {
    const saved = this.deps.memory?.get<{ folder: string; project: WatchedProject }>(MEMORY_KEY);
    if (!saved || saved.folder !== this.deps.folder()) return undefined;
    return [
      { ...saved.project, provisional: true },
      { name: STACK_PROJECT_NAME, role: 'stack' },
    ];
  }

  /** Before compose answers: the configured name or the folder name, normalised as v2 does. */
  private guess(): WatchedProject[] {
    const folder = this.deps.folder();
    const projects: WatchedProject[] = [];
    if (folder)
      projects.push({ name: normalizeProjectName(this.deps.settings().composeProjectName || path.basename(folder), 'v2'), role: 'app', provisional: true });
    projects.push({ name: STACK_PROJECT_NAME, role: 'stack' });
    return projects;
  }
}
