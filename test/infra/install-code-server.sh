#!/usr/bin/env bash
# Installs the npm package `code-server` (a VS Code server plus the web workbench) so the host test
# tier can run the extension's mocha suites in a real extension host. Needs only the npm registry and
# Debian's packages; idempotent (a no-op when the wanted version is already there).
#
#   bash test/infra/install-code-server.sh [DEST]
#   default DEST: $REALM_CACHE/code-server-$CS_VERSION ($REALM_CACHE defaults to ~/.cache/realm-observability)
set -euo pipefail

CS_VERSION="${CS_VERSION:-4.100.3}"   # VS Code 1.100.3, runs on Node 20
CACHE="${REALM_CACHE:-$HOME/.cache/realm-observability}"
DEST="${1:-$CACHE/code-server-$CS_VERSION}"
mkdir -p "$DEST"; DEST="$(cd "$DEST" && pwd)"
log() { echo "[install-code-server] $*" >&2; }

if [ -x "$DEST/bin/code-server" ] && [ -d "$DEST/node_modules/code-server/lib/vscode/node_modules" ] &&
   grep -q "\"version\": \"$CS_VERSION\"" "$DEST/node_modules/code-server/package.json" 2>/dev/null; then
  log "code-server $CS_VERSION already in $DEST"; echo "$DEST/bin/code-server"; exit 0
fi

# Debian packages: the headless browser, Kerberos headers for the `kerberos` native module, and
# ripgrep to stand in for @vscode/ripgrep's download (which cannot reach its host here).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
if [ "${#need[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "missing ${need[*]}: install them (apt-get) or run as root"; exit 1; }
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

export npm_config_yes=true          # node-pty's install script runs `npx node-gyp`
export npm_config_unsafe_perm=true  # code-server's postinstall refuses root without it

# @vscode/ripgrep's postinstall downloads rg unless its cache in $TMPDIR holds the asset: seed it.
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"; mkdir -p "$TMPDIR" "$work/cs" "$work/rg"
( cd "$work/cs" && npm pack --silent "code-server@$CS_VERSION" >/dev/null && tar xzf code-server-*.tgz package/lib/vscode/npm-shrinkwrap.json )
rg_version="$(node -e 'const p=require(process.argv[1]).packages["node_modules/@vscode/ripgrep"]; console.log(p && p.hasInstallScript ? p.version : "")' "$work/cs/package/lib/vscode/npm-shrinkwrap.json")"
if [ -n "$rg_version" ]; then
  ( cd "$work/rg" && npm pack --silent "@vscode/ripgrep@$rg_version" >/dev/null && tar xzf ./*.tgz package/lib/postinstall.js )
  rg_tag="$(sed -n "s/^const VERSION = '\(.*\)';.*/\1/p" "$work/rg/package/lib/postinstall.js")"
  case "$(uname -m)" in x86_64) rg_target=x86_64-unknown-linux-musl ;; aarch64) rg_target=aarch64-unknown-linux-musl ;; *) log "unsupported arch"; exit 1 ;; esac
  mkdir -p "$TMPDIR/vscode-ripgrep-cache-$rg_version"
  tar czf "$TMPDIR/vscode-ripgrep-cache-$rg_version/ripgrep-$rg_tag-$rg_target.tar.gz" -C "$(dirname "$(command -v rg)")" rg
fi

cd "$DEST"
[ -f package.json ] || echo '{"private":true}' > package.json
start=$(date +%s)
npm install --no-audit --no-fund "code-server@$CS_VERSION" > "$DEST/install.log" 2>&1 ||
  { tail -40 "$DEST/install.log" >&2; log "npm install failed (full log: $DEST/install.log)"; exit 1; }
log "npm install took $(( $(date +%s) - start ))s"
mkdir -p "$DEST/bin"
cat > "$DEST/bin/code-server" <<EOS
#!/bin/sh
exec "$DEST/node_modules/.bin/code-server" "\$@"
EOS
chmod +x "$DEST/bin/code-server"
echo "$DEST/bin/code-server"
