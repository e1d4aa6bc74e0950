#!/usr/bin/env node
'use strict';
// Prints compose file save → Services tree changed inside a real VS Code extension host: the
// composeFidelity host suite saves compose.yaml 20 times (each adds a service) and times each save
// until the tree lists it (VS Code's file watcher → debounce → `docker compose config` → tree).
// Goal: p50 <= 300 ms on Compose v2.
//   npm run build && npx tsc -p tsconfig.test.json && source /tmp/realm-it/env && node bench/compose-save.js
const path = require('path');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const r = cp.spawnSync(process.execPath, [path.join(ROOT, 'test/infra/runHostTests.js'), '--timeout=300'], {
  cwd: ROOT,
  encoding: 'utf8',
  env: { ...process.env, REALM_HOST_SUITE: 'composeFidelity' },
});
const out = r.stdout + r.stderr;
const line = /compose-save-measure: (.*)/.exec(out);
if (r.status !== 0 || !line) {
  console.error(out);
  console.error('bench run failed');
  process.exit(1);
}
console.log(`compose file save → Services tree changed: ${line[1]}  goal p50 <= 300 ms`);
const written = /compose-write-measure: (.*)/.exec(out);
if (written) console.log(`compose file written by another program → Services tree changed: ${written[1]}`);
