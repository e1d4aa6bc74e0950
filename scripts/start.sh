#!/usr/bin/env bash
# `npm start`: install, build, and open the extension on the demo workspace (examples/demo):
# in desktop VS Code when `code` is on PATH, otherwise in code-server on 127.0.0.1 (URL printed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
npm run -s build
DEMO="$PWD/examples/demo"
if command -v code >/dev/null 2>&1 && [ -z "${REALM_USE_CODE_SERVER:-}" ]; then
  echo "Opening VS Code with the extension in development mode on $DEMO"
  exec code --extensionDevelopmentPath="$PWD" "$DEMO"
fi
exec node scripts/codeServerStart.js "$DEMO"
