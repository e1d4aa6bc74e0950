'use strict';
// Starts the VS Code server from the npm package `code-server` on 127.0.0.1, everything isolated in a
// temp dir, and launches Debian's headless Chromium through playwright-core. Used by the host test
// tier (runHostTests.js), bench/activation and `npm start` (scripts/start.sh).
const path = require('path');
const fs = require('fs');
const net = require('net');
const os = require('os');
const cp = require('child_process');

const CS_VERSION = process.env.CS_VERSION || '4.100.3';
const CACHE = process.env.REALM_CACHE || path.join(os.homedir(), '.cache', 'realm-observability');

/** The code-server launcher, installing it first when missing (test/infra/install-code-server.sh). */
function ensureCodeServer() {
  if (process.env.CODE_SERVER_BIN) return process.env.CODE_SERVER_BIN;
  const r = cp.spawnSync('bash', [path.join(__dirname, 'install-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('installing code-server failed');
  return r.stdout.trim().split('\n').pop();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}

// Settings that keep the workbench quiet and deterministic in tests.
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
};

function mkdirp(d) {
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/**
 * Starts code-server; resolves to { authority, stop(), logFile } once it listens.
 * `trust`: when false, Workspace Trust stays on and the folder opens untrusted.
 */
async function startCodeServer({ tmp, workspace, env, settings, trust = true, verbose = false }) {
  const bin = ensureCodeServer();
  mkdirp(path.join(tmp, 'user-data', 'User'));
  fs.writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\ncert: false\n');
  fs.writeFileSync(
    path.join(tmp, 'user-data', 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, 'security.workspace.trust.enabled': !trust, ...settings }, null, 2),
  );
  const port = await freePort();
  const logFile = path.join(tmp, 'server.log');
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--config',
    path.join(tmp, 'config.yaml'),
    '--user-data-dir',
    path.join(tmp, 'user-data'),
    '--extensions-dir',
    path.join(tmp, 'extensions'),
    '--ignore-last-opened',
  ];
  if (trust) args.push('--disable-workspace-trust');
  if (workspace) args.push(workspace);
  const childEnv = {
    ...process.env,
    // keep code-server's config, data and sockets out of $HOME and in a short temp path
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    TMPDIR: mkdirp(path.join(tmp, 't')),
    ...(env || {}),
  };
  delete childEnv.PASSWORD;
  delete childEnv.HASHED_PASSWORD;
  const proc = cp.spawn(bin, args, { env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = fs.openSync(logFile, 'a');
  await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('code-server did not start in 90 s\n' + buf)), 90000);
    const onData = (d) => {
      fs.writeSync(out, d);
      if (verbose) process.stdout.write('[code-server] ' + d);
      buf += d.toString();
      if (/HTTP server listening on/.test(buf)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (${c})\n${buf}`));
    });
  });
  proc.removeAllListeners('exit');
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        process.kill(-proc.pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  return { authority: `127.0.0.1:${port}`, port, stop, logFile };
}

/**
 * The workbench URL. code-server's CLI rejects --extensionDevelopmentPath, so (as VS Code's own
 * browser tests do) the development and tests paths travel in the URL payload.
 */
function workbenchUrl(authority, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  let url = `http://${authority}/?`;
  if (folder) url += `folder=${encodeURIComponent(path.resolve(folder))}&`;
  return url + `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Debian's Chromium, headless and offline: no sandbox (root in CI), no GPU, no calls home. The webview tier launches it the same way. */
const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-breakpad',
  '--disable-crash-reporter',
];

/** That Chromium for the workbench, with its config and cache under `tmp`. */
async function launchBrowser(tmp) {
  const { chromium } = require('playwright-core');
  const env = { ...process.env, XDG_CONFIG_HOME: mkdirp(path.join(tmp, 'browser-config')), XDG_CACHE_HOME: mkdirp(path.join(tmp, 'browser-cache')) };
  return chromium.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    env,
    args: CHROMIUM_ARGS,
  });
}

module.exports = { ensureCodeServer, startCodeServer, workbenchUrl, launchBrowser, freePort, CACHE, CS_VERSION, CHROMIUM_BIN, CHROMIUM_ARGS };
