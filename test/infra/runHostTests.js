#!/usr/bin/env node
'use strict';
/*
 * The host tier: runs the extension's mocha suites (out/test/host) inside a REAL VS Code extension
 * host — the VS Code server from the npm package `code-server`, driven by headless Debian Chromium
 * through playwright-core. Nothing is downloaded at test time.
 *
 *   node test/infra/runHostTests.js [--suite=out/test/host/index.js] [--workspace=DIR] [--untrusted]
 *        [--reload] [--timeout=SECONDS] [--screenshots=DIR]
 *
 * Fails (exit 1) when a test fails, when the extension host crashes or disconnects, and when the
 * suite wrote no results (no test ran). Exit 2: infrastructure failure or timeout.
 * --reload: the two-phase run of reload*.test.js (alone, in its own project folder "realmreload").
 * Phase 1 writes REALM_TEST_RELOAD_STATE and reloads the window, which runs the suite again in a new
 * extension host; only the second run reports results. Fails unless that second phase ran (within
 * RELOAD_PHASE2_S of the reload) and passed.
 * The workbench's screenshots (tests ask for them over a loopback URL) go to .test-artifacts/.
 */
const path = require('path');
const fs = require('fs');
const os = require('os');
const util = require('util');
const http = require('http');
const { startCodeServer, workbenchUrl, launchBrowser } = require('./codeServer');

const ROOT = path.resolve(__dirname, '..', '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    return m ? [m[1], m[2] === undefined ? true : m[2]] : [a, true];
  }),
);
const suite = path.resolve(ROOT, args.suite || 'out/test/host/index.js');
const timeoutS = Number(args.timeout || 600);
const shotDir = path.resolve(ROOT, args.screenshots || '.test-artifacts/screenshots');
const verbose = process.env.VERBOSE === '1';
const t0 = Date.now();
const stamp = () => `[host ${((Date.now() - t0) / 1000).toFixed(1)}s]`;

if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
  console.error('dist/extension.js missing: run `npm run build` first');
  process.exit(2);
}
if (!fs.existsSync(suite)) {
  console.error(`${suite} missing: run \`npx tsc -p tsconfig.test.json\` first`);
  process.exit(2);
}

// Short temp path: the extension host's sockets live under it (unix socket paths max ~107 bytes).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-host-'));
const workspace = path.resolve(args.workspace || path.join(tmp, args.reload ? 'realmreload' : 'realmhost'));
if (!args.workspace) {
  // A compose project of local images (nothing can be pulled): what the Services tree shows.
  fs.mkdirSync(workspace, { recursive: true });
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'host-workspace'), workspace, { recursive: true });
}
const resultsFile = path.join(tmp, 'results.json');
const reloadStateFile = path.join(tmp, 'reload-state.json');
const RELOAD_PHASE2_S = 120;
/** --reload: which phase the suite last reported in its state file (0: none yet). */
function reloadPhase() {
  try {
    return Number(JSON.parse(fs.readFileSync(reloadStateFile, 'utf8')).phase) || 0;
  } catch {
    return 0;
  }
}

let server,
  browser,
  page,
  shotServer,
  finished = false,
  extHostLost = false;

async function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why) console.log(`${stamp()} ${why}`);
  if (shotServer) shotServer.close();
  let summary = null;
  try {
    summary = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    /* none written */
  }
  if (extHostLost) {
    console.log(`${stamp()} the extension host connection was lost (crash or exit): failure`);
    code = code || 1;
  }
  if (summary && summary.failures > 0) code = code || 1;
  if (!summary) {
    console.log(`${stamp()} the suite wrote no results (no test ran or the host died): failure`);
    code = code || 1;
  } else if (!summary.tests) {
    console.log(`${stamp()} no test ran: failure`);
    code = code || 1;
  }
  const noPhase2 = args.reload && reloadPhase() !== 2;
  if (noPhase2) {
    console.log(`${stamp()} the phase after the window reload never ran: failure`);
    code = code || 1;
  }
  try {
    if (browser) await browser.close();
  } catch {
    /* already gone */
  }
  if (server) await server.stop();
  if (process.env.KEEP_TMP) console.log(`${stamp()} kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  const failed = summary ? (summary.failures || 0) + (noPhase2 && !summary.failures ? 1 : 0) : 1;
  console.log(
    `host: ${summary ? `${summary.passes || 0} passed, ${failed} failed${summary.pending ? `, ${summary.pending} skipped` : ''}` : '0 passed, 1 failed'}`,
  );
  process.exit(code);
}
process.on('SIGINT', () => finish(130, 'interrupted'));
process.on('SIGTERM', () => finish(143, 'terminated'));

/** True when `text` is visible in the workbench or in any of its frames (webviews render in nested iframes). */
async function isTextVisible(text) {
  for (const frame of page.frames()) {
    try {
      const loc = frame.getByText(text);
      const n = await loc.count();
      for (let i = 0; i < n; i++) if (await loc.nth(i).isVisible()) return true;
    } catch {
      /* the frame went away meanwhile */
    }
  }
  return false;
}

/**
 * Resolves with the Date.now() at which `text` was first seen visible (with `gone`: visible nowhere),
 * checking every `pollMs`; 0 polls as fast as the frames answer (a few ms a round), for the figures of
 * bench/incident-open. A screenshot waits for its text this way, so it shows what the test asserted.
 */
async function whenTextVisible(text, timeoutMs, { gone = false, pollMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await isTextVisible(text)) !== gone) return Date.now();
    if (Date.now() > deadline) throw new Error(`"${text}" was ${gone ? 'still' : 'not'} visible in the workbench after ${timeoutMs} ms`);
    await new Promise((r) => (pollMs ? setTimeout(r, pollMs) : setImmediate(r)));
  }
}

/**
 * A loopback endpoint through which a test in the extension host asks for a workbench screenshot:
 * `?name=N`, optionally `&waitForText=T&timeoutMs=MS` (answers 500 when T never becomes visible).
 */
function startShotServer() {
  return new Promise((resolve) => {
    shotServer = http.createServer(async (req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname === '/visible-at') {
        // `?text=T&timeoutMs=MS[&gone=1]`: answers the time T was first (in)visible (epoch ms), 500 when it never was
        try {
          if (!page) throw new Error('no page yet');
          const text = u.searchParams.get('text') || '';
          const at = await whenTextVisible(text, Number(u.searchParams.get('timeoutMs')) || 20000, { gone: u.searchParams.get('gone') === '1', pollMs: 0 });
          res.writeHead(200, { 'content-type': 'text/plain' }).end(String(at));
        } catch (e) {
          res.writeHead(500).end(String(e));
        }
        return;
      }
      const name = (u.searchParams.get('name') || 'shot').replace(/[^A-Za-z0-9._-]/g, '_');
      const file = path.join(shotDir, name.endsWith('.png') ? name : name + '.png');
      try {
        if (!page) throw new Error('no page yet');
        const waitText = u.searchParams.get('waitForText');
        if (waitText) {
          try {
            await whenTextVisible(waitText, Number(u.searchParams.get('timeoutMs')) || 20000);
          } catch (e) {
            // what the workbench showed instead, beside the screenshots, for whoever reads the failure
            fs.mkdirSync(shotDir, { recursive: true });
            const failedShot = file.replace(/\.png$/, '-NOT-VISIBLE.png');
            await page.screenshot({ path: failedShot }).catch(() => undefined);
            throw new Error(`${e instanceof Error ? e.message : e}; the workbench as it was: ${path.relative(ROOT, failedShot)}`);
          }
        }
        fs.mkdirSync(shotDir, { recursive: true });
        await page.screenshot({ path: file });
        console.log(`${stamp()} screenshot saved: ${path.relative(ROOT, file)}`);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(file);
      } catch (e) {
        res.writeHead(500);
        res.end(String(e));
      }
    });
    shotServer.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${shotServer.address().port}/screenshot`));
  });
}

(async () => {
  const shotUrl = await startShotServer();
  console.log(`${stamp()} starting code-server (workspace ${workspace})`);
  server = await startCodeServer({
    tmp,
    workspace,
    verbose,
    trust: !args.untrusted,
    env: {
      REALM_TEST_RESULTS_FILE: resultsFile,
      REALM_TEST_SCREENSHOT_URL: shotUrl,
      REALM_TEST_WORKSPACE: workspace,
      REALM_TEST_UNTRUSTED: args.untrusted ? '1' : '',
      REALM_TEST_RELOAD_STATE: args.reload ? reloadStateFile : '',
    },
  });
  console.log(`${stamp()} code-server on ${server.authority}`);
  browser = await launchBrowser(tmp);
  page = await (await browser.newContext({ viewport: { width: 1400, height: 860 } })).newPage();
  page.on('pageerror', (e) => verbose && console.log(`${stamp()} [page error] ${e}`));
  page.on('crash', () => finish(2, 'the workbench page crashed'));
  // The workbench forwards the extension host's console (mocha's reporter) to codeAutomationLog and
  // reports the runner's end through codeAutomationExit(code).
  const noise =
    /^(Resolving connection token|Resolved connection token|Creating a socket|\[Service Worker\]|Updating additional builtin|getaddrinfo ENOTFOUND|Extension host test runner exit code)/;
  await page.exposeFunction('codeAutomationLog', (_type, logArgs) => {
    let text;
    try {
      text = util.format(...(logArgs || []));
    } catch {
      text = String(logArgs);
    }
    if (/\[remote-connection\]\[ExtensionHost\].*socket close event \(wasClean: false/.test(text)) extHostLost = true;
    if (!verbose && noise.test(text)) return;
    console.log(text);
  });
  await page.exposeFunction('codeAutomationExit', async (code) => {
    console.log(`${stamp()} extension host finished tests, code=${code}`);
    await finish(code);
  });
  setTimeout(() => finish(2, `TIMEOUT: tests did not finish in ${timeoutS}s`), timeoutS * 1000).unref();
  if (args.reload) {
    // phase 1 ends by reloading the window (no results, no codeAutomationExit); phase 2 must start soon after
    let reloadSeenAt = 0;
    setInterval(() => {
      if (finished) return;
      const phase = reloadPhase();
      if (phase === 1 && !reloadSeenAt) {
        reloadSeenAt = Date.now();
        console.log(`${stamp()} phase 1 reloads the window`);
      }
      if (phase === 1 && Date.now() - reloadSeenAt > RELOAD_PHASE2_S * 1000)
        finish(1, `the suite did not start again within ${RELOAD_PHASE2_S}s of the window reload`);
    }, 500).unref();
  }
  await page.goto(workbenchUrl(server.authority, { folder: workspace, extensionDevelopmentPath: ROOT, extensionTestsPath: suite }));
})().catch((e) => {
  console.error(e);
  finish(2, 'runner error');
});
