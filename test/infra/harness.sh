#!/usr/bin/env bash
# The integration tier's real parts: Debian's dockerd on a private socket (no iptables, no forwarding,
# so containers reach nothing beyond this host), local busybox images (nothing can be pulled), and
# Debian's Prometheus + Alertmanager on 127.0.0.1. Everything is started in the background and torn
# down by PID.
#
#   harness.sh install   apt-get what is missing (root only)
#   harness.sh up        start dockerd, build images, start Prometheus + Alertmanager; writes $ROOT/env
#   harness.sh down      stop all of it (by PID), remove containers and bridges; safe to call twice
#   harness.sh env       print the exports tests need
#   harness.sh status    exit 0 when everything is running
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
FIXTURES="$(cd "$HERE/../fixtures/it-stack" && pwd)"
ROOT="${REALM_IT_ROOT:-/tmp/realm-it}"      # short: unix socket paths are limited to ~107 bytes
SOCK="$ROOT/docker.sock"
PROM_PORT="${REALM_IT_PROM_PORT:-19090}"
AM_PORT="${REALM_IT_AM_PORT:-19093}"
DOCKER=/usr/bin/docker                       # Debian's client speaks the engine's API 1.41
[ -x "$DOCKER" ] || DOCKER=docker
log() { echo "[harness] $*" >&2; }
# This sandbox's PID 1 reaps orphans slowly: a dead process can linger as a zombie, and `kill -0`
# still succeeds on it. Read /proc instead.
alive() { [ -n "${1:-}" ] && [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
# A PID file can outlive its process (a /tmp kept from an earlier boot) and name a PID another program
# now holds; CI once failed on that. Trust a PID file only when the process is one of ours: every
# daemon started here has a path under $ROOT on its command line.
ours() { alive "${1:-}" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$ROOT/"; }

cmd_install() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  [ -x /bin/busybox ] || need+=(busybox-static)
  command -v docker-compose >/dev/null || need+=(docker-compose)
  command -v prometheus >/dev/null || need+=(prometheus)
  command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
  command -v ip >/dev/null || need+=(iproute2)
  command -v curl >/dev/null || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { log "missing ${need[*]}; install them or run as root"; exit 1; }
    log "apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  install_compose_v2
}

# Compose v2 is what users run; Debian 12 ships only v1 (docker-compose 1.29, kept for the fallback
# tests). Debian 13's docker-compose package is Compose v2.26.1, a static Go binary that runs here:
# fetch that one .deb with a private apt configuration (the system's sources stay untouched) and
# install its CLI plugin where `docker compose` finds it.
install_compose_v2() {
  local dest=/usr/local/lib/docker/cli-plugins
  docker compose version >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { log "Compose v2 missing; install the docker compose plugin or run as root"; exit 1; }
  local uri w
  uri=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1=="deb" && $0 ~ / bookworm / {for(i=2;i<=NF;i++) if ($i ~ /^http/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || uri=http://deb.debian.org/debian
  w=$(mktemp -d)
  mkdir -p "$w/lists/partial" "$w/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie main" >"$w/sources.list"
  local apt=(-o Dir::Etc::SourceList="$w/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$w/lists"
             -o Dir::Cache="$w/cache" -o APT::Architecture=amd64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  log "installing Compose v2 (Debian 13's docker-compose package) into $dest"
  apt-get "${apt[@]}" update -qq >/dev/null
  (cd "$w" && apt-get "${apt[@]}" download docker-compose >/dev/null)
  dpkg-deb -x "$w"/docker-compose_*.deb "$w/x"
  mkdir -p "$dest"
  install -m 0755 "$w/x/usr/libexec/docker/cli-plugins/docker-compose" "$dest/docker-compose"
  rm -rf "$w"
  log "$(docker compose version)"
}

# dockerd refuses to start while its own --pidfile names a live process, whoever that process is.
# Stop it when it is our dockerd (its .bgpid file lost); otherwise the file is stale.
clear_stale_dockerd_pidfile() {
  local f="$ROOT/dockerd.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || true)
  if ours "$pid"; then
    log "an earlier dockerd ($pid) still owns $ROOT: stopping it"
    echo "$pid" >"$ROOT/dockerd.bgpid"; stop_pid dockerd "$ROOT/dockerd.bgpid"
  fi
  rm -f "$f"
}

start_dockerd() {
  if [ -f "$ROOT/dockerd.bgpid" ] && ours "$(cat "$ROOT/dockerd.bgpid")" && DOCKER_HOST="unix://$SOCK" $DOCKER version >/dev/null 2>&1; then
    log "dockerd already up"; return 0
  fi
  clear_stale_dockerd_pidfile
  # A stale data root (from a run that was killed) makes dockerd wait 10 s per old container: wipe it.
  { [ -d "$ROOT/data" ] || [ -d "$ROOT/exec" ]; } && { log "stale $ROOT found, wiping it"; cmd_down; rm -rf "$ROOT/data" "$ROOT/exec"; }
  mkdir -p "$ROOT/data" "$ROOT/exec"; rm -f "$SOCK"
  # 3>&- … 9>&-: a daemon must not inherit a caller's descriptors (a `flock` lock would stay held by it)
  dockerd -H "unix://$SOCK" --data-root "$ROOT/data" --exec-root "$ROOT/exec" --pidfile "$ROOT/dockerd.pid" \
    --storage-driver overlay2 --iptables=false --ip-forward=false --ip-masq=false \
    --bip 172.31.250.1/24 --default-address-pool base=172.31.0.0/16,size=24 \
    >"$ROOT/dockerd.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  echo $! >"$ROOT/dockerd.bgpid"
  for _ in $(seq 1 600); do
    DOCKER_HOST="unix://$SOCK" $DOCKER version >/dev/null 2>&1 && { log "dockerd up (pid $(cat "$ROOT/dockerd.bgpid"))"; return 0; }
    alive "$(cat "$ROOT/dockerd.bgpid")" || { log "dockerd exited:"; tail -20 "$ROOT/dockerd.log" >&2; return 1; }
    sleep 0.1
  done
  log "dockerd did not answer in 60 s"; tail -20 "$ROOT/dockerd.log" >&2; return 1
}

build_images() {
  local R="$ROOT/rootfs" CTX="$ROOT/imgctx"
  rm -rf "$R" "$CTX"; mkdir -p "$R"/{bin,etc,tmp,www,proc,sys,dev,root,var/log} "$CTX"; chmod 1777 "$R/tmp"
  cp /bin/busybox "$R/bin/busybox"
  for a in sh ls cat echo sleep httpd wget nc kill ps env grep sed awk date hostname id mkdir rm touch \
           true false test [ printf head tail wc seq timeout uname pidof trap yes dd; do
    ln -sf busybox "$R/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$R/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
  echo 'hello from busybox httpd' >"$R/www/index.html"
  tar -C "$R" --numeric-owner -cf "$CTX/rootfs.tar" .
  export DOCKER_HOST="unix://$SOCK"
  $DOCKER import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$CTX/rootfs.tar" realm-test/busybox:base >/dev/null
  cat >"$CTX/Dockerfile" <<'EOD'
FROM scratch
ADD rootfs.tar /
ENV PATH=/bin
EXPOSE 8080
HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1
CMD ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]
EOD
  DOCKER_BUILDKIT=0 $DOCKER build -q -t realm-test/busybox:web "$CTX" >/dev/null
  log "images: realm-test/busybox:base realm-test/busybox:web"
}

start_backend() { # name port args...
  local name=$1 port=$2; shift 2
  local pidf="$ROOT/$name.pid"
  if [ -f "$pidf" ] && ours "$(cat "$pidf")"; then log "$name already up"; return 0; fi
  "$@" >"$ROOT/$name.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  echo $! >"$pidf"
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/-/ready" 2>/dev/null && { log "$name ready on 127.0.0.1:$port"; return 0; }
    alive "$(cat "$pidf")" || break
    sleep 0.1
  done
  log "$name did not become ready:"; tail -20 "$ROOT/$name.log" >&2; return 1
}

start_prometheus_stack() {
  promtool check config "$FIXTURES/prometheus.yml" >/dev/null
  amtool check-config "$FIXTURES/alertmanager.yml" >/dev/null
  # wipe a backend's data only when it is not running (another `up` may share a running harness)
  ours "$(cat "$ROOT/alertmanager.pid" 2>/dev/null)" || rm -rf "$ROOT/am-data"
  ours "$(cat "$ROOT/prometheus.pid" 2>/dev/null)" || rm -rf "$ROOT/prom-data"
  # an empty cluster address keeps Alertmanager off 0.0.0.0:9094 and avoids its gossip settle delay
  start_backend alertmanager "$AM_PORT" prometheus-alertmanager --config.file="$FIXTURES/alertmanager.yml" \
    --storage.path="$ROOT/am-data" --web.listen-address="127.0.0.1:$AM_PORT" \
    --web.external-url="http://127.0.0.1:$AM_PORT/" --cluster.listen-address=
  start_backend prometheus "$PROM_PORT" prometheus --config.file="$FIXTURES/prometheus.yml" \
    --storage.tsdb.path="$ROOT/prom-data" --web.listen-address="127.0.0.1:$PROM_PORT" \
    --web.external-url="http://127.0.0.1:$PROM_PORT/" --web.enable-lifecycle
}

cmd_env() {
  echo "export DOCKER_HOST=unix://$SOCK"
  echo "export REALM_IT_ROOT=$ROOT"
  echo "export REALM_IT_PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT"
  echo "export REALM_IT_ALERTMANAGER_URL=http://127.0.0.1:$AM_PORT"
  echo "export REALM_IT_FIXTURES=$FIXTURES"
  echo "export REALM_IT_PROMETHEUS_PIDFILE=$ROOT/prometheus.pid"
  echo "export REALM_IT_ALERTMANAGER_PIDFILE=$ROOT/alertmanager.pid"
  echo "export REALM_IT_DOCKERD_PIDFILE=$ROOT/dockerd.bgpid"
}

cmd_up() {
  mkdir -p "$ROOT"
  cmd_install
  start_dockerd
  build_images
  start_prometheus_stack
  cmd_env >"$ROOT/env"
  log "up; source $ROOT/env"
}

stop_pid() { # name pidfile
  local f=$2 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && { log "$1 ($pid) did not stop: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$f"
}

cmd_down() {
  stop_pid prometheus "$ROOT/prometheus.pid"
  stop_pid alertmanager "$ROOT/alertmanager.pid"
  if [ -f "$ROOT/dockerd.bgpid" ] && ours "$(cat "$ROOT/dockerd.bgpid")"; then
    export DOCKER_HOST="unix://$SOCK"
    $DOCKER ps -aq | xargs -r $DOCKER rm -f >/dev/null 2>&1 || true
    $DOCKER network prune -f >/dev/null 2>&1 || true
  fi
  stop_pid dockerd "$ROOT/dockerd.bgpid"
  # dockerd leaves its bridges and mounts behind
  for br in docker0 $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | grep '^br-' || true); do
    ip link del "$br" 2>/dev/null || true; done
  grep -o " $ROOT/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -f "$ROOT/env"
  log "down"
}

cmd_status() { # exit 0 when dockerd, Prometheus and Alertmanager are all running
  local f
  for f in dockerd.bgpid prometheus.pid alertmanager.pid; do
    [ -f "$ROOT/$f" ] && ours "$(cat "$ROOT/$f")" || return 1
  done
}

case "${1:-}" in
  install) cmd_install ;;
  status) cmd_status ;;
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  *) echo "usage: $0 install|up|down|env" >&2; exit 2 ;;
esac
