#!/usr/bin/env bash
# An S3-compatible object store for attachments' bytes (ATTACHMENTS_S3_*), without Docker: s3s-fs,
# the file-system server of the s3s crate (Apache-2.0), built once with cargo from crates.io.
#
# Usage: deploy/local/s3.sh ensure|up|down|status
#
#   ensure  `cargo install s3s-fs` (its Cargo.lock, --locked) once into the shared cache
#   up      idempotent: ensure, then serve $STATE/s3/data on 127.0.0.1 and wait until it answers;
#           each bucket is a directory there, each object a file
#   down    stop it (SIGTERM, then SIGKILL after 10 s)
#   status  exit 0 when it runs
#
# Environment:
#   UNIONFED_STATE_DIR      state dir (default <repo>/.run/dev)
#   UNIONFED_CACHE_DIR      build cache (default <repo>/.cache)
#   UNIONFED_CARGO_TARGET_DIR  cargo's compiled crates (default ~/.cache/unionfed/s3s-fs-VERSION-target)
#   UNIONFED_S3_PORT        port on 127.0.0.1 (default 8333)
#   UNIONFED_S3_ACCESS_KEY  the one access key it takes (default unionfed)
#   UNIONFED_S3_SECRET_KEY  its secret (default unionfed-local-secret)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
STATE="${UNIONFED_STATE_DIR:-$REPO_ROOT/.run/dev}"
CACHE_ROOT="${UNIONFED_CACHE_DIR:-$REPO_ROOT/.cache}"
S3S_VERSION=0.14.1 # the newest that builds with Rust 1.95 (0.15 on need 1.96)
S3S_CACHE="$CACHE_ROOT/s3s-fs-$S3S_VERSION"
S3S_BIN="$S3S_CACHE/bin/s3s-fs"
# cargo's compiled crates are kept per user, not per clone: a fresh clone on a machine that built it
# once relinks in seconds instead of compiling for minutes (a new machine still builds it all).
S3S_TARGET="${UNIONFED_CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/unionfed/s3s-fs-$S3S_VERSION-target}"
S3_PORT="${UNIONFED_S3_PORT:-8333}"
S3_ACCESS_KEY="${UNIONFED_S3_ACCESS_KEY:-unionfed}"
S3_SECRET_KEY="${UNIONFED_S3_SECRET_KEY:-unionfed-local-secret}"
S3_STATE="$STATE/s3"
S3_PID="$S3_STATE/s3s-fs.pid"
S3_LOG="$S3_STATE/s3s-fs.log"

log() { printf 's3: %s\n' "$*"; }
die() {
  printf 's3: ERROR: %s\n' "$*" >&2
  exit 1
}
die_with_log() {
  local file="$1"
  shift
  printf 's3: ERROR: %s\n' "$*" >&2
  [[ -s "$file" ]] && tail -n 40 "$file" >&2
  exit 1
}
elapsed() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

cargo_bin() {
  if command -v cargo >/dev/null 2>&1; then
    command -v cargo
  elif [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    echo "$HOME/.cargo/bin/cargo"
  else
    die "cargo not found (needed once to build s3s-fs from crates.io; apt-get install -y cargo)"
  fi
}

# Build once. The install goes to a temporary root renamed only when complete, under a lock, so
# concurrent callers wait and an interrupted build never looks done.
ensure() {
  [[ -x "$S3S_BIN" ]] && return 0
  mkdir -p "$CACHE_ROOT"
  exec 8>"$CACHE_ROOT/.s3s-fs.lock"
  flock -w 1800 8 || die "timed out waiting for another s3s-fs build ($CACHE_ROOT/.s3s-fs.lock)"
  if [[ -x "$S3S_BIN" ]]; then
    exec 8>&-
    return 0
  fi
  local cargo tmp t0
  cargo=$(cargo_bin)
  rm -rf "$CACHE_ROOT"/.s3s-fs.build.* "$S3S_CACHE"
  tmp=$(mktemp -d "$CACHE_ROOT/.s3s-fs.build.XXXXXX")
  t0=$(date +%s%N)
  log "building s3s-fs $S3S_VERSION with cargo (once; minutes)…"
  if ! "$cargo" install s3s-fs --version "$S3S_VERSION" --features binary --locked \
    --root "$tmp/root" --target-dir "$S3S_TARGET" >"$CACHE_ROOT/s3s-fs-build.log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    die_with_log "$CACHE_ROOT/s3s-fs-build.log" "cargo install s3s-fs failed"
  fi
  mv -T "$tmp/root" "$S3S_CACHE"
  rm -rf "$tmp"
  exec 8>&-
  log "built in $(elapsed "$t0") s"
}

running() { [[ -f "$S3_PID" ]] && kill -0 "$(cat "$S3_PID")" 2>/dev/null; }

answers() { curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" 2>/dev/null; }

up() {
  ensure
  mkdir -p "$S3_STATE/data"
  if running; then
    log "already running (pid $(cat "$S3_PID"))"
    return 0
  fi
  local t0
  t0=$(date +%s%N)
  (
    exec nohup "$S3S_BIN" --host 127.0.0.1 --port "$S3_PORT" \
      --access-key "$S3_ACCESS_KEY" --secret-key "$S3_SECRET_KEY" "$S3_STATE/data" \
      >>"$S3_LOG" 2>&1 </dev/null
  ) &
  echo $! >"$S3_PID"
  local deadline=$((SECONDS + 60))
  until answers; do
    running || die_with_log "$S3_LOG" "s3s-fs exited during startup"
    ((SECONDS < deadline)) || die_with_log "$S3_LOG" "s3s-fs not answering within 60 s"
    sleep 0.2
  done
  log "ready on http://127.0.0.1:$S3_PORT in $(elapsed "$t0") s (data in $S3_STATE/data)"
}

down() {
  if running; then
    local pid
    pid=$(cat "$S3_PID")
    kill -TERM "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    log "stopped"
  fi
  rm -f "$S3_PID"
}

case "${1:-}" in
  ensure) ensure ;;
  up) up ;;
  down) down ;;
  status) running ;;
  *)
    echo "usage: $0 ensure|up|down|status" >&2
    exit 2
    ;;
esac
