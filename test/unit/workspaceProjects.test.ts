import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ComposeCliRunner } from '../../src/clients/composeCli';
import { memoryLogger } from '../../src/platform/logger';
import { WorkspaceProjects } from '../../src/state/workspaceProjects';

describe('WorkspaceProjects', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-ws-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n  worker:\n    image: busybox\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves the app project with compose naming and declared services; a change during a resolve is not lost', async () => {
    const settings = { composeFiles: [] as string[], composeProjectName: '' };
    const runner = async () => ({ cli: { flavour: 'v2' } } as unknown as ComposeCliRunner);
    let changed = false;
    let second: Promise<unknown> = Promise.resolve();
    // the callback runs after the first resolution has read the settings: the user renames the
    // project right then (a settings change or a saved compose file arrives mid-resolve)
    const projects: WorkspaceProjects = new WorkspaceProjects(() => dir, () => settings, runner, () => {
      if (changed) return;
      changed = true;
      settings.composeProjectName = 'Renamed';
      second = projects.resolve();
    }, memoryLogger());
    assert.equal(projects.resolved, false, 'a guess until compose naming is known');
    await projects.resolve();
    await second;
    const app = projects.current.find((p) => p.role === 'app')!;
    assert.equal(app.name, 'renamed', 'the change made during the first resolve is applied');
    assert.deepEqual(app.declaredServices, ['web', 'worker']);
    assert.equal(projects.resolved, true);
    assert.ok(projects.current.some((p) => p.role === 'stack' && p.name === 'realm-observability'));
  });

  it('reports a malformed compose file to the Problems view callback and keeps watching the folder\'s project', async () => {
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: "busybox\n');
    const problems: unknown[] = [];
    const runner = async () => ({ cli: { flavour: 'v2' } } as unknown as ComposeCliRunner);
    const projects = new WorkspaceProjects(() => dir, () => ({ composeFiles: [], composeProjectName: '' }), runner, (err) => problems.push(err), memoryLogger());
    await projects.resolve();
    assert.equal(problems.length, 1);
    assert.ok(problems[0], 'an error, with its position, for the Problems view');
    assert.ok(projects.current.some((p) => p.role === 'app'));
  });
});
