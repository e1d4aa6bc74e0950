import type { ComposeCliRunner } from '../clients/composeCli';
import { ComposeError } from '../clients/composeErrors';
import { defaultServices, loadComposeModels } from '../clients/composeLifecycle';
import { appProject, AppProjectSettings } from '../clients/composeProjects';
import { detectComposeFiles, normalizeProjectName } from '../core/composeProject';
import { STACK_PROJECT_NAME } from '../core/stackEnvironment';
import { Disposable } from '../platform/disposable';
import { Emitter, Event } from '../platform/event';
import type { Logger } from '../platform/logger';
import type { WatchedProject } from './serviceStore';
import * as path from 'node:path';

/**
 * Which compose projects the extension watches: the workspace's own ("app") project — named as
 * the installed compose CLI names it, with the services its files declare — and the shipped
 * observability stack. Re-resolved when settings or compose files change.
 */
export class WorkspaceProjects extends Disposable {
  private readonly changed = this.register(new Emitter<WatchedProject[]>());
  readonly onDidChange: Event<WatchedProject[]> = this.changed.event;
  private projects: WatchedProject[];
  private resolving: Promise<WatchedProject[]> | undefined;
  private again = false;
  private resolvedOnce = false;

  constructor(
    private readonly folder: () => string | undefined,
    private readonly settings: () => AppProjectSettings,
    private readonly composeRunner: () => Promise<ComposeCliRunner>,
    /** Called with a malformed compose file's error (Problems view), or undefined once it parses. */
    private readonly onComposeProblem: (err: ComposeError | undefined, files: string[]) => void,
    private readonly logger: Logger,
  ) {
    super();
    this.projects = this.guess();
  }

  /** The projects as currently known (a first guess from the folder name until `resolve()` ends). */
  get current(): WatchedProject[] {
    return this.projects;
  }

  /** True once the first resolution finished (names until then are a guess from the folder). */
  get resolved(): boolean {
    return this.resolvedOnce;
  }

  /**
   * Resolves names and declared services with the real compose CLI's rules; fires on change. A
   * call while a resolution runs (a settings change, a saved compose file) runs one more after it.
   */
  resolve(): Promise<WatchedProject[]> {
    if (this.resolving) {
      this.again = true;
      return this.resolving;
    }
    this.resolving = (async () => {
      let result: WatchedProject[];
      do {
        this.again = false;
        result = await this.doResolve();
      } while (this.again);
      this.resolvedOnce = true;
      return result;
    })().finally(() => (this.resolving = undefined));
    return this.resolving;
  }

  private async doResolve(): Promise<WatchedProject[]> {
    const folder = this.folder();
    const next: WatchedProject[] = [];
    if (folder) {
      let flavour: 'v1' | 'v2' = 'v2';
      try {
        flavour = (await this.composeRunner()).cli.flavour;
      } catch (e) {
        this.logger.warn(`No compose CLI found (${(e as Error).message}); naming the app project as compose v2 would`);
      }
      try {
        const project = await appProject(folder, this.settings(), flavour);
        const models = await loadComposeModels(project.files);
        this.onComposeProblem(undefined, [...project.files]);
        next.push({ name: project.projectName, role: 'app', declaredServices: defaultServices(models) });
      } catch (e) {
        if (e instanceof ComposeError) this.onComposeProblem(e, e.details.file ? [e.details.file] : []);
        else this.logger.info(`Workspace project: ${(e as Error).message}`);
        const guess = this.guess().find((p) => p.role === 'app');
        if (guess && detectComposeFiles(folder).length > 0) next.push(guess);
      }
    }
    next.push({ name: STACK_PROJECT_NAME, role: 'stack' });
    if (JSON.stringify(next) !== JSON.stringify(this.projects)) {
      this.projects = next;
      this.changed.fire(next);
    }
    return next;
  }

  /** Before the CLI answers: the configured name or the folder name, normalised as v2 does. */
  private guess(): WatchedProject[] {
    const folder = this.folder();
    const projects: WatchedProject[] = [];
    if (folder) projects.push({ name: this.settings().composeProjectName || normalizeProjectName(path.basename(folder), 'v2'), role: 'app' });
    projects.push({ name: STACK_PROJECT_NAME, role: 'stack' });
    return projects;
  }
}
