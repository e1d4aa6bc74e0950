#!/usr/bin/env bash
# `npm test`: builds, type-checks, lints, then runs the three test tiers on real parts.
#   unit         plain Node, no VS Code                         (test/unit)
#   conformance  the project model vs `docker compose config` on the real-world compose corpus
#                (../shared/compose-corpus, or REALM_COMPOSE_CORPUS; absent on a user's machine)
#   webview      the built webview bundles in headless Chromium (test/webview)
#   integration  real dockerd, Prometheus, Alertmanager         (test/integration, harness: test/infra/harness.sh)
#   host         the extension inside a real VS Code extension host (code-server + headless Chromium)
# Usage: bash test/run-all.sh [static|unit|conformance|webview|integration|host ...]   (default: all)
# Each tier prints "<tier>: N passed, N failed"; the exit code is non-zero when any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR="$PWD"
TIERS=("$@"); [ ${#TIERS[@]} -eq 0 ] && TIERS=(static unit conformance webview integration host)
want() { local t; for t in "${TIERS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }
FAILED=()
step() { # name command...
  local name=$1; shift
  local t0=$SECONDS
  echo "==> $name"
  if "$@"; then echo "<== $name ok ($((SECONDS - t0)) s)"; else echo "<== $name FAILED ($((SECONDS - t0)) s)"; FAILED+=("$name"); fi
}
MOCHA=(node "$ROOT_DIR/node_modules/mocha/bin/mocha.js" --reporter "$ROOT_DIR/test/infra/summaryReporter.js")

# Dependencies: install from the lock file when node_modules is missing or older than the lock.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"; npm ci --no-audit --no-fund || exit 1
fi

# System packages (Debian; installed only when missing): the engine, Prometheus tools (promtool is
# used by unit tests too), Chromium and code-server for the webview and host tiers.
step system-packages bash test/infra/harness.sh install || exit 1
if want webview || want host; then step code-server bash test/infra/install-code-server.sh || exit 1; fi

step build npm run -s build || exit 1
rm -rf out
step compile-tests npx tsc -p tsconfig.test.json || exit 1
if want static; then
  step typecheck npm run -s typecheck
  step lint npm run -s lint
  step format npm run -s format:check
fi

if want unit; then
  # Times show in the user's zone: run in one 5:45 off UTC, so a test that assumes UTC (as CI
  # machines are) fails everywhere, not only for a developer elsewhere
  step unit env REALM_TEST_TIER=unit TZ="${REALM_TEST_TZ:-Asia/Kathmandu}" "${MOCHA[@]}" --timeout 20000 'out/test/unit/**/*.test.js'
fi

if want conformance; then
  CORPUS="${REALM_COMPOSE_CORPUS:-$ROOT_DIR/../shared/compose-corpus}"
  if [ -d "$CORPUS/files" ]; then
    step conformance env REALM_TEST_TIER=conformance REALM_COMPOSE_CORPUS="$CORPUS" "${MOCHA[@]}" --timeout 900000 'out/test/conformance/**/*.test.js'
  else
    echo "############################################################################"
    echo "conformance: NOT RUN — the compose corpus is not at $CORPUS"
    echo "  (it exists in CI; set REALM_COMPOSE_CORPUS to a copy to run this tier)"
    echo "############################################################################"
    [ "${CI:-}" = true ] && FAILED+=("conformance (corpus missing in CI)")
  fi
fi

if want webview; then
  step webview env REALM_TEST_TIER=webview "${MOCHA[@]}" --timeout 120000 'out/test/webview/**/*.test.js'
fi

HARNESS_UP=0
harness_down() { [ "$HARNESS_UP" = 1 ] && bash test/infra/harness.sh down; HARNESS_UP=0; }
trap harness_down EXIT
if want integration || want host; then
  # A harness that was already running (a developer's, kept up between runs) is left running.
  if bash test/infra/harness.sh status; then KEEP_HARNESS=1; else KEEP_HARNESS=0; fi
  if bash test/infra/harness.sh up; then
    [ "$KEEP_HARNESS" = 1 ] || HARNESS_UP=1
  else
    FAILED+=("harness")
  fi
  # shellcheck disable=SC1090
  [ -f "${REALM_IT_ROOT:-/tmp/realm-it}/env" ] && source "${REALM_IT_ROOT:-/tmp/realm-it}/env"
fi

HARNESS_OK=0; [ -n "${REALM_IT_PROMETHEUS_URL:-}" ] && HARNESS_OK=1
if want integration && [ "$HARNESS_OK" = 1 ]; then
  step integration env REALM_TEST_TIER=integration "${MOCHA[@]}" --timeout 120000 --exit 'out/test/integration/**/*.test.js'
fi

if want host && [ "$HARNESS_OK" = 1 ]; then
  step host node test/infra/runHostTests.js
  if ls out/test/host/untrusted*.test.js >/dev/null 2>&1; then
    step host-untrusted node test/infra/runHostTests.js --untrusted
  fi
  if ls out/test/host/reload*.test.js >/dev/null 2>&1; then
    step host-reload node test/infra/runHostTests.js --reload
  fi
fi

harness_down
if [ ${#FAILED[@]} -gt 0 ]; then echo "FAILED: ${FAILED[*]}"; exit 1; fi
echo "all tiers passed"
