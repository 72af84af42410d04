#!/usr/bin/env bash
# The gateway (nginx) on 127.0.0.1:8080: the console's built files, /api/<service>/ and /auth/.
#
# Usage: deploy/local/gateway.sh up|down|status
#
# Debian's nginx binary (apt-get installed when missing) runs in the foreground of its own
# process with its configuration, pid, logs and temp files under $STATE/gateway, rendered from
# deploy/gateway/ — the system nginx (its service, /etc/nginx/sites-*) is never used.
#
# Environment:
#   UNIONFED_STATE_DIR      state dir (default <repo>/.run/dev)
#   UNIONFED_GATEWAY_PORT   default 8080
#   UNIONFED_KEYCLOAK_PORT  default 8180
#   UNIONFED_CONSOLE_DIST   the console's built files (default <repo>/console/dist)
#   UNIONFED_GATEWAY_MEMBERSHIP, _WELFARE, _EVENTS, _FINANCE  upstreams (default 127.0.0.1:8001…8004)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
STATE="${UNIONFED_STATE_DIR:-$REPO_ROOT/.run/dev}"
GW_STATE="$STATE/gateway"
GW_PID="$GW_STATE/nginx.pid"
TEMPLATES="$REPO_ROOT/deploy/gateway"

export GATEWAY_STATE="$GW_STATE"
export GATEWAY_LISTEN="127.0.0.1:${UNIONFED_GATEWAY_PORT:-8080}"
export GATEWAY_CONSOLE_ROOT="${UNIONFED_CONSOLE_DIST:-$REPO_ROOT/console/dist}"
export GATEWAY_MEMBERSHIP="${UNIONFED_GATEWAY_MEMBERSHIP:-127.0.0.1:8001}"
export GATEWAY_WELFARE="${UNIONFED_GATEWAY_WELFARE:-127.0.0.1:8002}"
export GATEWAY_EVENTS="${UNIONFED_GATEWAY_EVENTS:-127.0.0.1:8003}"
export GATEWAY_FINANCE="${UNIONFED_GATEWAY_FINANCE:-127.0.0.1:8004}"
export GATEWAY_KEYCLOAK="127.0.0.1:${UNIONFED_KEYCLOAK_PORT:-8180}"
GATEWAY_USER=""
if [[ $EUID -eq 0 ]]; then GATEWAY_USER="user root;"; fi
export GATEWAY_USER

log() { printf 'gateway: %s\n' "$*"; }
die() {
  printf 'gateway: ERROR: %s\n' "$*" >&2
  exit 1
}

# Debian's nginx, installed once when missing (the shared helper waits for dpkg's lock and refreshes
# a stale package list). Separate from nginx_bin, whose output is read with $(…) and must be the path alone.
ensure_nginx() {
  if command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]]; then
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "nginx not found (apt-get install -y nginx)"
  log "installing Debian's nginx…"
  # Only the binary is wanted: keep the package's own service from starting on port 80.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  bash "$SCRIPT_DIR/ensure-debian-packages.sh" nginx || {
    rm -f /usr/sbin/policy-rc.d
    die "apt-get install nginx failed"
  }
  rm -f /usr/sbin/policy-rc.d
}

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# ${GATEWAY_*} placeholders only, the way the official image's envsubst step fills them.
render() {
  python3 - "$1" "$2" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
text = re.sub(r"\$\{(GATEWAY_[A-Z_]+)\}", lambda m: os.environ[m.group(1)], text)
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
}

running() { [[ -f "$GW_PID" ]] && kill -0 "$(cat "$GW_PID")" 2>/dev/null; }

up() {
  local nginx
  ensure_nginx
  nginx="$(nginx_bin)"
  if running; then
    log "already running (pid $(cat "$GW_PID"))"
    return 0
  fi
  mkdir -p "$GW_STATE/conf.d" "$GW_STATE/tmp"
  render "$TEMPLATES/nginx.conf" "$GW_STATE/nginx.conf"
  render "$TEMPLATES/unionfed.conf.template" "$GW_STATE/conf.d/unionfed.conf"
  cp "$TEMPLATES/unionfed-api-headers.conf" "$GW_STATE/unionfed-api-headers.conf"
  [[ -f "$GATEWAY_CONSOLE_ROOT/index.html" ]] || log "WARNING: $GATEWAY_CONSOLE_ROOT/index.html missing (console not built): / answers 404"
  "$nginx" -t -q -p "$GW_STATE" -c "$GW_STATE/nginx.conf" 2>"$GW_STATE/error.log" || {
    cat "$GW_STATE/error.log" >&2
    die "invalid configuration"
  }
  nohup "$nginx" -p "$GW_STATE" -c "$GW_STATE/nginx.conf" >>"$GW_STATE/error.log" 2>&1 </dev/null &
  for _ in $(seq 1 40); do
    if curl -s -o /dev/null "http://$GATEWAY_LISTEN/auth/" 2>/dev/null && running; then
      log "listening on http://$GATEWAY_LISTEN/"
      return 0
    fi
    sleep 0.25
  done
  tail -n 20 "$GW_STATE/error.log" >&2
  die "nginx did not start"
}

down() {
  if running; then
    local pid
    pid=$(cat "$GW_PID")
    kill -QUIT "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    log "stopped"
  fi
  rm -f "$GW_PID"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) running ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
