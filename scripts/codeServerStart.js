#!/usr/bin/env node
'use strict';
// Serves VS Code (code-server) on 127.0.0.1 with this extension loaded in development mode and
// prints the URL to open. Ctrl+C stops it.
const path = require('path');
const fs = require('fs');
const os = require('os');
const { startCodeServer, workbenchUrl } = require('../test/infra/codeServer');

(async () => {
  const root = path.resolve(__dirname, '..');
  const workspace = path.resolve(process.argv[2] || path.join(root, 'examples', 'demo'));
  const tmp = path.join(process.env.REALM_CACHE || path.join(os.homedir(), '.cache', 'realm-observability'), 'code-server-profile');
  fs.mkdirSync(tmp, { recursive: true });
  const server = await startCodeServer({ tmp, workspace, trust: true });
  const url = workbenchUrl(server.authority, { folder: workspace, extensionDevelopmentPath: root });
  console.log(`\nRealm Observability is running in code-server.\nOpen: ${url}\n(Ctrl+C to stop)\n`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
