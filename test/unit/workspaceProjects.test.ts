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
  before(async () => { runner = new ComposeCliRunner(await detectComposeCli()); });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-ws-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n  worker:\n    image: busybox\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const make = (over: Partial<WorkspaceProjectsDeps> = {}) => new WorkspaceProjects({
    folder: () => dir, settings: () => ({ composeFiles: [], composeProjectName: '' }), composeRunner: async () => runner,
    onComposeProblem: () => undefined, logger: memoryLogger(), ...over,
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

  it('reads an override, extends, include, a << merge key and .env profiles exactly as compose does', async () => {
    fs.writeFileSync(path.join(dir, 'compose.yaml'), [
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
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'compose.override.yaml'), 'services:\n  web:\n    labels: {realm.heal: "false"}\n');
    fs.writeFileSync(path.join(dir, 'base.yaml'), 'services:\n  base:\n    image: busybox\n');
    fs.mkdirSync(path.join(dir, 'extra'));
    fs.writeFileSync(path.join(dir, 'extra', 'included.yaml'), 'services:\n  cache:\n    image: busybox\n');
    fs.writeFileSync(path.join(dir, '.env'), 'COMPOSE_PROFILES=debug\nCOMPOSE_PROJECT_NAME=fidelity\n');
    const problems: unknown[] = [];
    const projects = make({ onComposeProblem: (e) => { if (e) problems.push(e); } });
    await projects.resolve();
    assert.deepEqual(problems, [], 'an override that is only valid with its base is no error');
    assert.equal(app(projects)?.name, 'fidelity', 'COMPOSE_PROJECT_NAME from .env');
    assert.deepEqual(app(projects)?.declaredServices, ['api', 'cache', 'db', 'debug', 'web'], 'include, extends, and the debug profile from .env; not tools');
    for (const f of ['compose.yaml', 'compose.override.yaml', 'base.yaml', 'extra/included.yaml', '.env']) {
      assert.ok(projects.isWatched(path.join(dir, f)), `${f} is watched`);
    }
  });

  it('puts compose\'s error on the line it concerns and keeps the last good model while the file is broken', async () => {
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
    const projects = make({ onComposeProblem: (e) => { if (e) problems.push(e); } });
    await projects.resolve();
    assert.equal(problems.length, 1);
    assert.equal(problems[0].details.file, path.join(dir, 'compose.yaml'));
    assert.match(problems[0].message, /yaml/i);
    assert.ok(app(projects), 'the folder\'s project is still watched');
  });

  it('shows the previous model (from workspace state) at once after a reload, then compose\'s answer', async () => {
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

  it('without a compose CLI: one message, and the project name the engine\'s containers of the folder carry', async () => {
    const messages: string[] = [];
    const projects = make({
      composeRunner: async () => { throw new ComposeError('no-compose-cli', 'No compose CLI found'); },
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
    const projects = make({ composeRunner: async () => { runs++; return runner; }, debounceMs: 30 });
    for (let i = 0; i < 5; i++) projects.scheduleResolve();
    await waitUntil('the debounced resolution', () => projects.resolved, 20_000);
    assert.equal(runs, 1);
    projects.dispose();
  });
});
