/**
 * Runs the host-tier mocha suites (out/test/host) in desktop VS Code through @vscode/test-electron,
 * for developers whose machine can download VS Code. CI cannot (no network), so it runs the same
 * suites in code-server instead: test/infra/runHostTests.js.
 *   npm run build && npx tsc -p tsconfig.test.json && npm run test:desktop
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  // the same compose workspace the code-server runner uses
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'realmhost-'));
  const folder = path.join(workspace, 'realmhost');
  fs.cpSync(path.join(root, 'test', 'fixtures', 'host-workspace'), folder, { recursive: true });
  const resultsFile = path.join(workspace, 'results.json');
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'host', 'index.js'),
      launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { REALM_TEST_RESULTS_FILE: resultsFile, REALM_TEST_WORKSPACE: folder },
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('desktop host tests failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
