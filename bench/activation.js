#!/usr/bin/env node
'use strict';
// Prints the extension's activation time measured inside a real VS Code extension host (code-server),
// on a workspace without a compose file so the extension is not yet active when the probe runs,
// and the size of dist/extension.js. Goal: <= 25 ms, <= 1.5 MB.
//   npm run build && npx tsc -p tsconfig.test.json && node bench/activation.js [runs=3]
const path = require('path');
const fs = require('fs');
const os = require('os');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] || 3);
const loads = [];
const bodies = [];
for (let i = 0; i < runs; i++) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-bench-ws-'));
  const r = cp.spawnSync(process.execPath, [path.join(ROOT, 'test/infra/runHostTests.js'), `--workspace=${ws}`, '--timeout=180'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, REALM_HOST_SUITE: 'activation' },
  });
  fs.rmSync(ws, { recursive: true, force: true });
  const out = r.stdout + r.stderr;
  const load = /activation-measure: load\+activate ([\d.]+) ms/.exec(out);
  const body = /activation-measure: activate\(\) ([\d.]+) ms/.exec(out);
  if (r.status !== 0 || !body) {
    console.error(out);
    console.error('bench run failed');
    process.exit(1);
  }
  if (load) loads.push(Number(load[1]));
  bodies.push(Number(body[1]));
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const size = fs.statSync(path.join(ROOT, 'dist', 'extension.js')).size;
const vendorDir = path.join(ROOT, 'dist', 'vendor');
const vendor = fs.existsSync(vendorDir) ? fs.readdirSync(vendorDir).reduce((n, f) => n + fs.statSync(path.join(vendorDir, f)).size, 0) : 0;
console.log(
  `activation (load bundle + activate, in the host): median ${median(loads).toFixed(1)} ms over ${loads.length} runs [${loads.map((x) => x.toFixed(1)).join(', ')}]  goal <= 25 ms`,
);
console.log(`activate() body alone:                          median ${median(bodies).toFixed(1)} ms`);
console.log(`dist/extension.js size:                          ${(size / 1024 / 1024).toFixed(2)} MB (${size} bytes)  goal <= 1.5 MB`);
console.log(`dist/vendor/ (undici, dockerode, yaml; loaded on first use): ${(vendor / 1024 / 1024).toFixed(2)} MB`);
