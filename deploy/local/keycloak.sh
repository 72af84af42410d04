#!/usr/bin/env bash
# Keycloak (the identity provider) for the local platform and the tests, without Docker.
#
# Usage: deploy/local/keycloak.sh ensure|up|down|status
#
#   ensure  fetch the Quarkus distribution from Maven Central and `kc.sh build` it once into the
#           shared cache (a build is reused by every state dir and test run)
#   up      idempotent: ensure, then start it optimized on $STATE's PostgreSQL database `keycloak`
#           and wait until it is ready; the first start creates the bootstrap admin of the master
#           realm with the password in $STATE/keycloak/admin-password
#   down    stop it (SIGTERM, then SIGKILL after 30 s)
#   status  exit 0 when it runs
#
# Keycloak 26 needs Java 21+: the project stays on Java 17, so JAVA_HOME is set for Keycloak alone
# (UNIONFED_KEYCLOAK_JAVA_HOME, else the newest /usr/lib/jvm/temurin-*-jdk-*).
#
# Environment:
#   UNIONFED_STATE_DIR          state dir (default <repo>/.run/dev); PostgreSQL from its infra.env
#                               unless UNIONFED_PG_HOST/_PORT/_USER/_PASSWORD are exported
#   UNIONFED_CACHE_DIR          download/build cache (default <repo>/.cache)
#   UNIONFED_KEYCLOAK_PORT      HTTP port on 127.0.0.1 (default 8180; management = port + 1)
#   UNIONFED_KEYCLOAK_HOSTNAME  the URL browsers see it at (default http://localhost:8080/auth, the gateway)
#   UNIONFED_KEYCLOAK_DATABASE  its PostgreSQL database (default keycloak; must exist)
#   UNIONFED_KEYCLOAK_START_TIMEOUT  seconds (default 420: the very first start creates its schema,
#                               minutes on a busy machine)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
STATE="${UNIONFED_STATE_DIR:-$REPO_ROOT/.run/dev}"
CACHE_ROOT="${UNIONFED_CACHE_DIR:-$REPO_ROOT/.cache}"
KC_VERSION=26.5.6
KC_CACHE="$CACHE_ROOT/keycloak-$KC_VERSION"
KC_DIST="$KC_CACHE/dist"
KC_PORT="${UNIONFED_KEYCLOAK_PORT:-8180}"
KC_MANAGEMENT_PORT=$((KC_PORT + 1))
KC_HOSTNAME="${UNIONFED_KEYCLOAK_HOSTNAME:-http://localhost:8080/auth}"
KC_START_TIMEOUT="${UNIONFED_KEYCLOAK_START_TIMEOUT:-420}"
KC_DATABASE="${UNIONFED_KEYCLOAK_DATABASE:-keycloak}"
KC_STATE="$STATE/keycloak"
KC_PID="$KC_STATE/keycloak.pid"
KC_LOG="$KC_STATE/keycloak.log"
# Build-time options: baked into the cached build, so every start may be --optimized. A build
# records them in .built; different options make a new build.
KC_BUILD_OPTIONS=(--db=postgres --health-enabled=true --http-relative-path=/auth)

log() { printf 'keycloak: %s\n' "$*"; }
die() {
  printf 'keycloak: ERROR: %s\n' "$*" >&2
  exit 1
}
die_with_log() {
  local file="$1"
  shift
  printf 'keycloak: ERROR: %s\n' "$*" >&2
  [[ -s "$file" ]] && tail -n 40 "$file" >&2
  exit 1
}
elapsed() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

keycloak_java_home() {
  if [[ -n "${UNIONFED_KEYCLOAK_JAVA_HOME:-}" ]]; then
    echo "$UNIONFED_KEYCLOAK_JAVA_HOME"
    return
  fi
  local candidate
  candidate=$(find /usr/lib/jvm -maxdepth 1 -name 'temurin-*-jdk-*' 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$candidate" ]] || die "no Java 21+ found for Keycloak (set UNIONFED_KEYCLOAK_JAVA_HOME; Debian 12 ships only Java 17)"
  echo "$candidate"
}

built() { [[ -x "$KC_DIST/bin/kc.sh" && "$(cat "$KC_DIST/.built" 2>/dev/null)" == "${KC_BUILD_OPTIONS[*]}" ]]; }

# Fetch and build once. Work happens in a temporary dir renamed only when complete, under a
# lock, so concurrent callers wait and an interrupted build never looks done.
ensure() {
  built && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch Keycloak; apt-get install -y maven)"
  mkdir -p "$KC_CACHE"
  exec 8>"$KC_CACHE/.fetch.lock"
  flock -w 900 8 || die "timed out waiting for another Keycloak build ($KC_CACHE/.fetch.lock)"
  if built; then
    exec 8>&-
    return 0
  fi
  rm -rf "$KC_CACHE"/.fetch.* "$KC_DIST"
  local tmp t0
  tmp=$(mktemp -d "$KC_CACHE/.fetch.XXXXXX")
  t0=$(date +%s%N)
  log "fetching keycloak-quarkus-dist $KC_VERSION from Maven Central…"
  if ! mvn -q -B dependency:copy "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" \
    "-DoutputDirectory=$tmp" >"$KC_CACHE/mvn.log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    die_with_log "$KC_CACHE/mvn.log" "Maven could not fetch Keycloak"
  fi
  tar -xzf "$tmp/keycloak-quarkus-dist-$KC_VERSION.tar.gz" -C "$tmp"
  rm -f "$tmp/keycloak-quarkus-dist-$KC_VERSION.tar.gz"
  log "fetched in $(elapsed "$t0") s; building (kc.sh build ${KC_BUILD_OPTIONS[*]})…"
  t0=$(date +%s%N)
  if ! JAVA_HOME="$(keycloak_java_home)" "$tmp/keycloak-$KC_VERSION/bin/kc.sh" build "${KC_BUILD_OPTIONS[@]}" \
    >"$KC_CACHE/build.log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    die_with_log "$KC_CACHE/build.log" "kc.sh build failed"
  fi
  rm -rf "$tmp/keycloak-$KC_VERSION/data"
  echo "${KC_BUILD_OPTIONS[*]}" >"$tmp/keycloak-$KC_VERSION/.built"
  mv -T "$tmp/keycloak-$KC_VERSION" "$KC_DIST"
  rm -rf "$tmp"
  exec 8>&-
  log "built in $(elapsed "$t0") s"
}

running() { [[ -f "$KC_PID" ]] && kill -0 "$(cat "$KC_PID")" 2>/dev/null; }

up() {
  ensure
  mkdir -p "$KC_STATE"
  if running; then
    log "already running (pid $(cat "$KC_PID"))"
    return 0
  fi
  # PostgreSQL: as exported (the tests), else as infra.sh recorded it for this state dir.
  if [[ -z "${UNIONFED_PG_PORT:-}" ]]; then
    [[ -f "$STATE/infra.env" ]] || die "$STATE/infra.env missing: start PostgreSQL first (deploy/local/infra.sh up)"
    # shellcheck disable=SC1091
    source "$STATE/infra.env"
  fi
  if [[ ! -s "$KC_STATE/admin-password" ]]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$KC_STATE/admin-password")
  fi
  # Each state dir runs its own hard-linked copy of the cached build: Keycloak writes under
  # its home (data/), which must not be shared between instances.
  if ! cmp -s "$KC_DIST/.built" "$KC_STATE/home/.built"; then
    rm -rf "$KC_STATE/home"
    cp -al "$KC_DIST" "$KC_STATE/home" 2>/dev/null || cp -a "$KC_DIST" "$KC_STATE/home"
  fi
  local t0
  t0=$(date +%s%N)
  # The bootstrap admin is created only while the master realm has no user, i.e. on the first start.
  (
    export JAVA_HOME KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD
    JAVA_HOME="$(keycloak_java_home)"
    KC_BOOTSTRAP_ADMIN_PASSWORD="$(cat "$KC_STATE/admin-password")"
    export KC_DB_URL="jdbc:postgresql://${UNIONFED_PG_HOST}:${UNIONFED_PG_PORT}/${KC_DATABASE}"
    export KC_DB_USERNAME="$UNIONFED_PG_USER" KC_DB_PASSWORD="$UNIONFED_PG_PASSWORD"
    # cache=local: two Keycloaks on one machine (dev and tests) must not form a cluster.
    exec nohup "$KC_STATE/home/bin/kc.sh" start --optimized \
      --http-enabled=true --http-host=127.0.0.1 --http-port="$KC_PORT" \
      --http-management-port="$KC_MANAGEMENT_PORT" \
      --cache=local \
      --hostname="$KC_HOSTNAME" --hostname-backchannel-dynamic=true \
      --proxy-headers=xforwarded --proxy-trusted-addresses=127.0.0.1 \
      >>"$KC_LOG" 2>&1 </dev/null
  ) &
  echo $! >"$KC_PID"
  local deadline=$((SECONDS + KC_START_TIMEOUT))
  until curl -fsS "http://127.0.0.1:$KC_MANAGEMENT_PORT/auth/health/ready" >/dev/null 2>&1; do
    running || die_with_log "$KC_LOG" "Keycloak exited during startup"
    ((SECONDS < deadline)) || die_with_log "$KC_LOG" "Keycloak not ready within $KC_START_TIMEOUT s"
    sleep 0.5
  done
  log "ready on http://127.0.0.1:$KC_PORT/auth in $(elapsed "$t0") s (browsers: $KC_HOSTNAME)"
}

down() {
  if running; then
    local pid
    pid=$(cat "$KC_PID")
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    log "stopped"
  fi
  rm -f "$KC_PID"
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
