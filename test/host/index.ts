// Mocha entry loaded by the extension host (extensionTestsPath). Runs every *.test.js beside it and
// writes a results file the outer runner requires, so "no test ran" and a dead host both fail.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // file-name prefixes, comma-separated: "activation" for bench/activation, "stack,ux" for two suites in order
  const only = process.env.REALM_HOST_SUITE?.split(',').filter(Boolean);
  // untrusted*.test.js run only in the window opened without Workspace Trust (runHostTests --untrusted)
  const untrusted = process.env.REALM_TEST_UNTRUSTED === '1';
  // reload*.test.js run only in the two-phase window-reload run (runHostTests --reload), and alone
  const reload = Boolean(process.env.REALM_TEST_RELOAD_STATE);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (!f.endsWith('.test.js') || (only && !only.some((prefix) => f.startsWith(prefix)))) continue;
    if (f.startsWith('untrusted') !== untrusted) continue;
    if (f.startsWith('reload') !== reload) continue;
    // bench*.test.js print figures for bench/ and run only when named
    if (f.startsWith('bench') && !only?.some((prefix) => prefix.startsWith('bench'))) continue;
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0, tests: 0 };
      const line = `${s.passes} passed, ${s.failures} failed` + (s.pending ? `, ${s.pending} skipped` : '');
      console.log(line);
      if (process.env.REALM_TEST_RESULTS_FILE) fs.writeFileSync(process.env.REALM_TEST_RESULTS_FILE, JSON.stringify({ ...s, line }, null, 2));
      if (failures > 0) reject(new Error(`${failures} tests failed`));
      else resolve();
    });
  });
}
