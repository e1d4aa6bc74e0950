#!/usr/bin/env node
'use strict';
// Prints the time to open the Incident panel of an incident with 1,000 log lines in the real
// workbench (code-server + headless Chromium, the host tier's set-up): Show Incident → the first log
// line visible in the webview, and the empty Logs panel's open for scale (both include VS Code's own
// webview start-up). The panel's own share is bench/incident-render's figure. Needs the harness up
// (a crash opens the incident):
//   flock -o /tmp/realm-harness.lock bash test/infra/harness.sh up && source /tmp/realm-it/env
//   npm run build && npx tsc -p tsconfig.test.json && node bench/incident-open.js [runs=7]
const path = require('path');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..');
if (!process.env.DOCKER_HOST || !process.env.REALM_IT_ROOT) {
  console.error('incident-open: the harness is not in the environment; start it and `source /tmp/realm-it/env` (see the header)');
  process.exit(2);
}
const runs = String(Number(process.argv[2] || 7));
const r = cp.spawnSync(process.execPath, [path.join(ROOT, 'test/infra/runHostTests.js'), '--timeout=600'], {
  cwd: ROOT,
  encoding: 'utf8',
  env: { ...process.env, REALM_HOST_SUITE: 'benchIncidentOpen', REALM_BENCH_RUNS: runs },
});
const out = r.stdout + r.stderr;
const lines = out.split('\n').filter((l) => l.startsWith('bench-incident-open:'));
if (r.status !== 0 || lines.length < 2) {
  console.error(out);
  console.error('bench run failed');
  process.exit(1);
}
for (const l of lines) console.log(l);
