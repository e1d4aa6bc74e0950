/**
 * Issue 3 in the real extension host: "Realm: App Up" brings up the workspace's compose project
 * through the extension's own compose runner (Compose v2 here), the Services tree follows
 * the engine (running, exited, removed), and a malformed compose file lands in the Problems view.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UpOutcome } from '../../src/clients/composeLifecycle';
import { realmApi, waitFor } from './helpers';
import {
  appProjectName,
  composeDown,
  describeTree,
  docker,
  revealWithRetry,
  screenshotWhenVisible,
  serviceNode,
  serviceNodes,
  showRealmViews,
  workspaceFolder,
} from './hostSupport';

describe('Stack: App Up / App Down from the command palette, Services tree, compose diagnostics', function () {
  this.timeout(240_000);
  const composeFile = path.join(workspaceFolder(), 'docker-compose.yml');
  const original = fs.readFileSync(composeFile, 'utf8');
  let project = '';

  before(async () => {
    const api = await realmApi();
    await waitFor(() => api.workspaceProjects.current.some((p) => p.role === 'app'), 'the app project to be resolved');
    project = appProjectName(api);
    await composeDown(project); // a clean start whatever ran before
  });

  after(async () => {
    fs.writeFileSync(composeFile, original);
    await composeDown(project);
  });

  it('brings the workspace project up with per-service results, and the tree shows both services', async () => {
    const api = await realmApi();
    await showRealmViews(api);
    const outcome = await vscode.commands.executeCommand<UpOutcome | undefined>('realm.appUp');
    assert.ok(outcome, 'App Up returned an outcome (it was not refused or cancelled)');
    const byService = Object.fromEntries(outcome.results.map((r) => [r.service, r]));
    assert.deepEqual(Object.keys(byService).sort(), ['web', 'worker'], 'one result per declared service');
    assert.equal(byService.web.outcome, 'healthy', `web: ${JSON.stringify(byService.web)}`);
    assert.equal(byService.worker.outcome, 'started', `worker: ${JSON.stringify(byService.worker)}`);
    assert.equal(outcome.ok, true);
    assert.equal(byService.web.replicas.length, 1);

    const web = await waitFor(
      () => {
        const n = serviceNode(api, project, 'web');
        return n?.group.status === 'healthy' ? n : undefined;
      },
      'web to show as healthy in the Services tree',
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    assert.match(String(web.description), /^healthy · up \d+/);
    const worker = await waitFor(
      () => {
        const n = serviceNode(api, project, 'worker');
        return n?.group.status === 'running' ? n : undefined;
      },
      'worker to show as running',
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    assert.match(String(worker.description), /^running · up \d+/);
    assert.deepEqual(
      serviceNodes(api)
        .filter((n) => n.group.project === project)
        .map((n) => n.label)
        .sort(),
      ['web', 'worker'],
    );
    await revealWithRetry(api.servicesView, web as unknown);
    console.log(`screenshot: ${await screenshotWhenVisible('stack-up', `${project}-web-1`)}`);
  });

  it('shows a stopped container as exited within a bounded wait, and App Down empties the project', async () => {
    const api = await realmApi();
    await showRealmViews(api);
    const worker = await waitFor(() => serviceNode(api, project, 'worker')?.group.containers[0], 'the worker container in the tree', 60_000);
    const stoppedAt = Date.now();
    await docker('stop', '-t', '2', worker.id);
    const exited = await waitFor(
      () => {
        const n = serviceNode(api, project, 'worker');
        return n?.group.status === 'exited' ? n : undefined;
      },
      'worker to show as exited',
      15_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    console.log(`stack: tree showed worker exited ${Date.now() - stoppedAt} ms after \`docker stop\` was issued (includes the stop itself)`);
    // stopped by the user: the healer says it leaves it alone (issue 12)
    assert.match(String(exited.description), /^stopped · left alone: stopped by the user at \S.*$/);
    assert.equal(serviceNode(api, project, 'web')?.group.status, 'healthy', 'web is untouched');
    // the healer must not "heal" a container the user stopped on purpose
    assert.equal(await docker('inspect', '-f', '{{.State.Status}}', worker.id), 'exited');

    const down = await vscode.commands.executeCommand<boolean>('realm.appDown');
    assert.equal(down, true, 'App Down completed');
    assert.equal(await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`), '', 'no container of the project is left');
    // the compose file still declares both services: the tree keeps them, as not created
    await waitFor(
      () => {
        const nodes = serviceNodes(api).filter((n) => n.group.project === project);
        return nodes.length === 2 && nodes.every((n) => n.group.status === 'not-created' && n.group.containers.length === 0);
      },
      'the tree to show web and worker as defined but not created',
      15_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; ${describeTree(api)}`);
    });
    // App Down is the user's stop: the healer leaves the services alone until they are started again (issue 12)
    for (const n of serviceNodes(api).filter((x) => x.group.project === project))
      assert.match(String(n.description), /^defined, not created( · left alone: stopped by the user at \S.*)?$/);
    console.log(`screenshot: ${await screenshotWhenVisible('stack-down', 'defined, not created')}`);
  });

  it('shows a malformed compose file in the Problems view at the right line, and clears it once fixed', async () => {
    const api = await realmApi();
    const lines = original.split('\n');
    const workerImage = lines.findIndex((l) => l.includes('image: realm-test/busybox:base'));
    assert.ok(workerImage > 0, 'the fixture has the worker image line');
    // an unclosed quote on the line after the worker's image (0-based line workerImage + 1)
    lines.splice(workerImage + 1, 0, '    ports: "8080:80');
    fs.writeFileSync(composeFile, lines.join('\n'));
    const uri = vscode.Uri.file(composeFile);
    try {
      const outcome = await vscode.commands.executeCommand<UpOutcome | undefined>('realm.appUp');
      assert.equal(outcome, undefined, 'App Up does not run compose on a malformed file');
      const d = await waitFor(
        () => vscode.languages.getDiagnostics(uri).find((x) => x.source === 'Realm compose'),
        'a Realm compose diagnostic on the file',
        15_000,
      );
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(d.range.start.line, workerImage + 1, `diagnostic on the broken line: ${d.message} at ${d.range.start.line}:${d.range.start.character}`);
      // the yaml parser places "missing closing quote" where the string runs out: after the quote, on that line
      assert.ok(d.range.start.character > lines[workerImage + 1].indexOf('"'), `column ${d.range.start.character} is after the opening quote`);
      assert.match(d.message, /quote/i);
      assert.equal(await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`), '', 'nothing was started');
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      console.log(`screenshot: ${await screenshotWhenVisible('stack-compose-problem', 'Missing closing')}`);
    } finally {
      fs.writeFileSync(composeFile, original);
    }
    // fixed: the next App Up parses it, clears the problem and runs
    const outcome = await vscode.commands.executeCommand<UpOutcome | undefined>('realm.appUp');
    assert.ok(outcome?.ok, `App Up after the fix: ${JSON.stringify(outcome)}`);
    assert.deepEqual(
      vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Realm compose'),
      [],
      'the problem is gone',
    );
    await vscode.commands.executeCommand<boolean>('realm.appDown');
    await waitFor(
      () =>
        serviceNodes(api)
          .filter((n) => n.group.project === project)
          .every((n) => n.group.status === 'not-created'),
      'the project to be down again',
      30_000,
    );
  });
});
