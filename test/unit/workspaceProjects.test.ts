import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeCliRunner, ComposeError, detectComposeCli } from '../../src/clients/composeCli';
import { memoryLogger } from '../support/memoryLogger';
import { WorkspaceProjects, type WorkspaceProjectsDeps } from '../../src/state/workspaceProjects';
import { InMemoryMemento } from '../support/inMemoryMemento';
import { waitUntil } from '../support/waitFor';

// The real compose CLI (v2, installed by the harness) reads the files: `config` needs no engine.
describe('WorkspaceProjects (real docker compose config)', () => {
  let dir: string;
  let runner: ComposeCliRunner;
  before(async () => {
    runner = new ComposeCliRunner(await detectComposeCli());
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-ws-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n  worker:\n    image: busybox\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const make = (over: Partial<WorkspaceProjectsDeps> = {}) =>
    new WorkspaceProjects({
      folder: () => dir,
      settings: () => ({ composeFiles: [], composeProjectName: '' }),
      composeRunner: async () => runner,
      onComposeProblem: () => undefined,
      logger: memoryLogger(),
      ...over,
    });
  const app = (p: WorkspaceProjects) => p.current.find((x) => x.role === 'app');

  it('resolves the app project with compose naming and declared services; a change during a resolve is not lost', async () => {
    const settings = { composeFiles: [] as string[], composeProjectName: '' };
    let changed = false;
    let second: Promise<unknown> = Promise.resolve();
    // the callback runs after the first resolution read the settings: the user renames the project
    // right then (a settings change or a saved compose file arrives mid-resolve)
    const projects: WorkspaceProjects = make({
      settings: () => settings,
      onComposeProblem: () => {
        if (changed) return;
        changed = true;
        settings.composeProjectName = 'Renamed';
        second = projects.resolve();
      },
    });
    assert.equal(projects.resolved, false, 'a guess until compose naming is known');
    await projects.resolve();
    await second;
    assert.equal(app(projects)?.name, 'renamed', 'the change made during the first resolve is applied');
    assert.deepEqual(app(projects)?.declaredServices, ['web', 'worker']);
    assert.equal(projects.resolved, true);
    assert.ok(projects.current.some((p) => p.role === 'stack' && p.name === 'realm-observability'));
  });

  it('reads each compose source once per resolution pass (the provisional parse, compose and the error path share it)', async () => {
    fs.writeFileSync(path.join(dir, '.env'), 'FOO=1\n');
    fs.writeFileSync(path.join(dir, 'base.yaml'), 'services:\n  base:\n    image: busybox\n');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    extends: {file: base.yaml, service: base}\n');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fsp = require('node:fs/promises') as { readFile: (...a: unknown[]) => Promise<unknown> };
    const original = fsp.readFile;
    const reads: string[] = [];
    fsp.readFile = (...args: unknown[]) => {
      const file = String(args[0]);
      if (file.startsWith(dir)) reads.push(path.relative(dir, file));
      return original(...args);
    };
    try {
      const projects = make();
      await projects.resolve();
      assert.deepEqual(app(projects)?.declaredServices, ['web']);
      assert.deepEqual([...reads].sort(), ['.env', 'base.yaml', 'compose.yaml'], 'a first pass (provisional parse, then compose): each file read once');
      reads.length = 0;
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web: [oops\n');
      await projects.resolve();
      assert.deepEqual([...reads].sort(), ['.env', 'compose.yaml'], "a pass that ends in compose's error: each file read once");
    } finally {
      fsp.readFile = original;
    }
  });

  it("an editor save and the file watcher's later event for the same content are one resolution", async () => {
    let configRuns = 0;
    const counting = Object.create(runner) as ComposeCliRunner;
    counting.config = (...args: Parameters<ComposeCliRunner['config']>) => {
      configRuns++;
      return runner.config(...args);
    };
    const projects = make({ composeRunner: async () => counting, debounceMs: 60_000 });
    const settle = (projects as unknown as { resolveIfChanged(): Promise<void> }).resolveIfChanged.bind(projects);
    try {
      await projects.resolve();
      const afterFirst = configRuns;
      assert.ok(afterFirst >= 1);
      const file = path.join(dir, 'compose.yaml');
      projects.scheduleResolve(file); // the watcher's event for what the last pass already read
      await settle();
      assert.equal(configRuns, afterFirst, 'unchanged content: no second config run');
      fs.writeFileSync(file, 'services:\n  web:\n    image: busybox\n  added:\n    image: busybox\n');
      projects.scheduleResolve(file);
      await settle();
      assert.ok(configRuns > afterFirst, 'changed content is read again');
      assert.deepEqual(app(projects)?.declaredServices, ['added', 'web']);
      const beforeAny = configRuns;
      projects.scheduleResolve(); // a settings or folder change names no file: always resolves
      await settle();
      assert.ok(configRuns > beforeAny);
    } finally {
      projects.dispose();
    }
  });

  it('reads an override, extends, include, a << merge key and .env profiles exactly as compose does', async () => {
    fs.writeFileSync(
      path.join(dir, 'compose.yaml'),
      [
        'include: [extra/included.yaml]',
        'x-common: &common',
        '  image: busybox',
        '  depends_on:',
        '    db: {condition: service_started}',
        'services:',
        '  web:',
        '    <<: *common',
        '  db: {image: busybox}',
        '  api:',
        '    extends: {file: base.yaml, service: base}',
        '  debug:',
        '    image: busybox',
        '    profiles: [debug]',
        '  tools:',
        '    image: busybox',
        '    profiles: [tools]',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'compose.override.yaml'), 'services:\n  web:\n    labels: {realm.heal: "false"}\n');
    fs.writeFileSync(path.join(dir, 'base.yaml'), 'services:\n  base:\n    image: busybox\n');
    fs.mkdirSync(path.join(dir, 'extra'));
    fs.writeFileSync(path.join(dir, 'extra', 'included.yaml'), 'services:\n  cache:\n    image: busybox\n');
    fs.writeFileSync(path.join(dir, '.env'), 'COMPOSE_PROFILES=debug\nCOMPOSE_PROJECT_NAME=fidelity\n');
    const problems: unknown[] = [];
    const projects = make({
      onComposeProblem: (e) => {
        if (e) problems.push(e);
      },
    });
    await projects.resolve();
    assert.deepEqual(problems, [], 'an override that is only valid with its base is no error');
    assert.equal(app(projects)?.name, 'fidelity', 'COMPOSE_PROJECT_NAME from .env');
    assert.deepEqual(app(projects)?.declaredServices, ['api', 'cache', 'db', 'debug', 'web'], 'include, extends, and the debug profile from .env; not tools');
    for (const f of ['compose.yaml', 'compose.override.yaml', 'base.yaml', 'extra/included.yaml', '.env']) {
      assert.ok(projects.isWatched(path.join(dir, f)), `${f} is watched`);
    }
  });

  it("puts compose's error on the line it concerns and keeps the last good model while the file is broken", async () => {
    const problems: Array<ComposeError | undefined> = [];
    const projects = make({ onComposeProblem: (e) => problems.push(e) });
    await projects.resolve();
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n    depends_on: [nope]\n  worker:\n    image: busybox\n');
    await projects.resolve();
    const err = problems.at(-1);
    assert.ok(err instanceof ComposeError);
    assert.deepEqual([err.details.file, err.details.line, err.details.column], [path.join(dir, 'compose.yaml'), 4, 18]);
    assert.match(err.message, /service "web" depends on undefined service "nope"/);
    assert.deepEqual(app(projects)?.declaredServices, ['web', 'worker'], 'the tree keeps the last good model');
    assert.equal(app(projects)?.provisional, true, 'marked as not current');
  });

  it('a file compose cannot read at all is one Problem that says why', async () => {
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: "busybox\n');
    const problems: ComposeError[] = [];
    const projects = make({
      onComposeProblem: (e) => {
        if (e) problems.push(e);
      },
    });
    await projects.resolve();
    assert.equal(problems.length, 1);
    assert.equal(problems[0].details.file, path.join(dir, 'compose.yaml'));
    assert.match(problems[0].message, /yaml/i);
    assert.ok(app(projects), "the folder's project is still watched");
  });

  it("shows the previous model (from workspace state) at once after a reload, then compose's answer", async () => {
    const memory = new InMemoryMemento();
    const first = make({ memory });
    await first.resolve();
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n');
    const reloaded = make({ memory });
    assert.deepEqual(app(reloaded)?.declaredServices, ['web', 'worker'], 'the remembered model before compose answers');
    assert.equal(app(reloaded)?.provisional, true);
    await reloaded.resolve();
    assert.deepEqual(app(reloaded)?.declaredServices, ['web']);
    assert.equal(app(reloaded)?.provisional, undefined);
  });

  it("without a compose CLI: one message, and the project name the engine's containers of the folder carry", async () => {
    const messages: string[] = [];
    const projects = make({
      composeRunner: async () => {
        throw new ComposeError('no-compose-cli', 'No compose CLI found');
      },
      onNoComposeCli: (m) => messages.push(m),
      engineProjectOf: async (folder) => (folder === dir ? 'runningproject' : undefined),
    });
    await projects.resolve();
    await projects.resolve();
    assert.equal(messages.length, 1, 'one message, not one per resolution');
    assert.match(messages[0], /no Docker Compose CLI found.*Docker Compose v2/);
    assert.equal(app(projects)?.name, 'runningproject');
    assert.equal(projects.resolved, false, 'the healer does not act on it');
  });

  it('debounces a burst of saves into one resolution', async () => {
    let runs = 0;
    const projects = make({
      composeRunner: async () => {
        runs++;
        return runner;
      },
      debounceMs: 30,
    });
    for (let i = 0; i < 5; i++) projects.scheduleResolve();
    await waitUntil('the debounced resolution', () => projects.resolved, 20_000);
    assert.equal(runs, 1);
    projects.dispose();
  });
});
