#!/usr/bin/env bash
# Local infrastructure (PostgreSQL + Kafka) for development, demos and tests.
#
# Usage: deploy/local/infra.sh up|down|status|env|kill-kafka|start-kafka|restart-postgres
#
#   up                idempotent: start PostgreSQL and Kafka (whatever is not running yet)
#   down              stop both, keeping all data (a later `up` restarts on the same data)
#   status            one line per component; exit 0 if everything runs, 3 otherwise
#   env               print $STATE/infra.env (KEY=value lines for clients)
#   kill-kafka        SIGKILL the broker (fault tests)
#   start-kafka       start only the broker, on its existing data
#   restart-postgres  restart PostgreSQL (fast shutdown), on its existing data
#
# Two modes:
#   docker  a Docker engine answers `docker info` (and `docker compose` exists): the
#           `postgres` and `kafka` services of <repo>/docker-compose.yml are used.
#   native  otherwise: Debian's PostgreSQL server binaries (apt-get installed if missing)
#           and Kafka 3.9.1 jars fetched from Maven Central, run on the local JVM in KRaft
#           mode (single combined broker+controller node).
# The mode is chosen on the first `up` of a state dir and remembered in $STATE/infra.env;
# UNIONFED_INFRA_MODE=native|docker forces it.
#
# Environment:
#   UNIONFED_STATE_DIR   state dir (default <repo>/.run/dev): data, logs, pids, infra.env
#   UNIONFED_PG_PORT     PostgreSQL port on 127.0.0.1 (default 25432)
#   UNIONFED_KAFKA_PORT  Kafka PLAINTEXT port on 127.0.0.1 (default 29092; controller = +1)
#                        (when unset, a state dir keeps the ports recorded in its infra.env)
#   UNIONFED_KAFKA_SASL_PORT  when set, a second listener SASL_PLAINTEXT://127.0.0.1:<port>
#                        (SCRAM-SHA-512; authorization stays off) beside the PLAINTEXT one, and a
#                        freshly formatted broker gets the SCRAM user UNIONFED_KAFKA_SASL_USERNAME
#                        (default unionfed) with UNIONFED_KAFKA_SASL_PASSWORD (default unionfed-scram)
#   UNIONFED_CACHE_DIR   download cache shared by all state dirs (default <repo>/.cache)
#   UNIONFED_KAFKA_START_TIMEOUT  seconds to wait for the broker (default 90)
#   UNIONFED_PG_BIN      directory holding initdb/pg_ctl/postgres (default: newest
#                        /usr/lib/postgresql/<ver>/bin)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"

STATE="${UNIONFED_STATE_DIR:-$REPO_ROOT/.run/dev}"
# Ports: the environment, else what this state dir recorded in infra.env, else the defaults.
recorded() {
  [[ -f "$STATE/infra.env" ]] && sed -n "s/^$1=//p" "$STATE/infra.env" | tail -n 1
  return 0
}
# Defaults sit below Linux's ephemeral range (32768-60999): a port inside it can be held, as the
# local end of any client connection, at the moment a server wants to listen on it.
PG_PORT="${UNIONFED_PG_PORT:-$(recorded UNIONFED_PG_PORT)}"
PG_PORT="${PG_PORT:-25432}"
KAFKA_PORT="${UNIONFED_KAFKA_PORT:-$(recorded UNIONFED_KAFKA_BOOTSTRAP | sed 's/.*://')}"
KAFKA_PORT="${KAFKA_PORT:-29092}"
KAFKA_SASL_PORT="${UNIONFED_KAFKA_SASL_PORT:-}"
KAFKA_SASL_USERNAME="${UNIONFED_KAFKA_SASL_USERNAME:-unionfed}"
KAFKA_SASL_PASSWORD="${UNIONFED_KAFKA_SASL_PASSWORD:-unionfed-scram}"
CACHE_ROOT="${UNIONFED_CACHE_DIR:-$REPO_ROOT/.cache}"
KAFKA_START_TIMEOUT="${UNIONFED_KAFKA_START_TIMEOUT:-90}"

KAFKA_VERSION=3.9.1
KAFKA_CACHE="$CACHE_ROOT/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_CACHE/libs"
KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
KAFKA_LOG4J="$SCRIPT_DIR/kafka/log4j.properties"
COMPOSE_FILE="$REPO_ROOT/docker-compose.yml"
INIT_SQL="$REPO_ROOT/deploy/postgres/init-databases.sql"

PG_USER=unionfed
PG_PASSWORD=unionfed
PG_OS_USER=unionfed # OS account that owns and runs the cluster when this script runs as root

for v in PG_PORT KAFKA_PORT KAFKA_START_TIMEOUT; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then
    echo "infra: $v must be a number, got '${!v}'" >&2
    exit 2
  fi
done
KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))

# --------------------------------------------------------------------------- helpers

log() { printf 'infra: %s\n' "$*"; }
warn() { printf 'infra: WARNING: %s\n' "$*" >&2; }

die() {
  printf 'infra: ERROR: %s\n' "$*" >&2
  exit 1
}

# die_with_log FILE MESSAGE: print the tail of FILE, then fail.
die_with_log() {
  local file="$1"
  shift
  printf 'infra: ERROR: %s\n' "$*" >&2
  if [[ -s "$file" ]]; then
    printf 'infra: ---- last 40 lines of %s ----\n' "$file" >&2
    tail -n 40 "$file" >&2 || true
    printf 'infra: ---- end of %s ----\n' "$file" >&2
  else
    printf 'infra: (log %s is empty or missing)\n' "$file" >&2
  fi
  exit 1
}

# Seconds since start with one decimal, for progress lines.
elapsed() {
  local now
  now=$(date +%s%N)
  awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

is_root() { [[ $EUID -eq 0 ]]; }

# tcp_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
tcp_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive PID: the process exists and has not finished exiting. A killed multi-threaded
# process (the JVM) shows its leader as a zombie while other threads still tear down and
# still hold its sockets, so a zombie only counts as dead once it has a single thread left.
pid_alive() {
  local pid="$1" status
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  status=$(cat "/proc/$pid/status" 2>/dev/null) || return 1
  [[ -n "$status" ]] || return 1
  if grep -q '^State:[[:space:]]*Z' <<<"$status"; then
    local threads
    threads=$(sed -n 's/^Threads:[[:space:]]*//p' <<<"$status")
    [[ "${threads:-1}" -gt 1 ]]
    return
  fi
  return 0
}

# wait_port_free PORT SECONDS: true once nothing listens on 127.0.0.1:PORT.
wait_port_free() {
  local deadline=$((SECONDS + $2))
  while tcp_open "$1"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.2
  done
}

# Serialise mutating commands per state dir (fd 9). Long-lived children get 9>&-.
take_lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.infra.lock"
  if ! flock -w 300 9; then
    die "another infra.sh is working on $STATE (lock $STATE/.infra.lock)"
  fi
}

docker_engine_reachable() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 15 docker info >/dev/null 2>&1
}

compose_available() {
  docker compose version >/dev/null 2>&1
}

write_env_file() {
  local mode="$1"
  mkdir -p "$STATE"
  local tmp="$STATE/.infra.env.$$"
  cat >"$tmp" <<EOF
UNIONFED_PG_HOST=127.0.0.1
UNIONFED_PG_PORT=$PG_PORT
UNIONFED_PG_USER=$PG_USER
UNIONFED_PG_PASSWORD=$PG_PASSWORD
UNIONFED_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
UNIONFED_INFRA_MODE=$mode
EOF
  mv -f "$tmp" "$STATE/infra.env"
}

# Mode: explicit UNIONFED_INFRA_MODE, else the one remembered in $STATE/infra.env, else
# (only when $1 = detect) docker if an engine and the compose plugin answer, else native.
resolve_mode() {
  local want="${UNIONFED_INFRA_MODE:-auto}"
  case "$want" in
    native | docker)
      echo "$want"
      return
      ;;
    auto | "") ;;
    *) die "UNIONFED_INFRA_MODE must be native, docker or auto, got '$want'" ;;
  esac
  if [[ -f "$STATE/infra.env" ]]; then
    local remembered
    remembered=$(sed -n 's/^UNIONFED_INFRA_MODE=//p' "$STATE/infra.env" | tail -n 1)
    if [[ "$remembered" == native || "$remembered" == docker ]]; then
      echo "$remembered"
      return
    fi
  fi
  if [[ "${1:-}" == detect ]] && docker_engine_reachable; then
    if compose_available; then
      echo docker
      return
    fi
    warn "a Docker engine is reachable but 'docker compose' is not installed; using native mode"
  fi
  echo native
}

# --------------------------------------------------------------------------- PostgreSQL (native)

PGDATA="$STATE/pg"
PG_LOG="$STATE/pg.log"
PG_SOCKDIR="$STATE/pgsock"
PG_BIN=""

# Find the server binaries; for an existing cluster prefer its own major version.
find_pg_bin() {
  if [[ -n "${UNIONFED_PG_BIN:-}" ]]; then
    [[ -x "$UNIONFED_PG_BIN/pg_ctl" ]] || die "UNIONFED_PG_BIN=$UNIONFED_PG_BIN has no pg_ctl"
    echo "$UNIONFED_PG_BIN"
    return 0
  fi
  if [[ -s "$PGDATA/PG_VERSION" ]]; then
    local v
    v=$(<"$PGDATA/PG_VERSION")
    if [[ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]]; then
      echo "/usr/lib/postgresql/$v/bin"
      return 0
    fi
  fi
  local d best=""
  while IFS= read -r d; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] && best="$d"
  done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
  if [[ -z "$best" ]] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    best="$(dirname "$(command -v pg_ctl)")"
  fi
  [[ -n "$best" ]] || return 1
  echo "$best"
}

ensure_pg_bin() {
  [[ -n "$PG_BIN" ]] && return 0
  if PG_BIN=$(find_pg_bin); then
    return 0
  fi
  is_root || die "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and PATH); install the 'postgresql' package or run as root"
  log "PostgreSQL server not found; installing it with apt-get (postgresql)…"
  local t0
  t0=$(date +%s%N)
  mkdir -p "$STATE"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql; } \
    >"$STATE/apt.log" 2>&1 </dev/null; then
    die_with_log "$STATE/apt.log" "apt-get install postgresql failed"
  fi
  PG_BIN=$(find_pg_bin) || die_with_log "$STATE/apt.log" "postgresql installed but no server binaries in /usr/lib/postgresql/*/bin"
  log "installed PostgreSQL ($PG_BIN) in $(elapsed "$t0") s"
}

# Run a command as the cluster's OS user (a dedicated unprivileged account when root:
# PostgreSQL refuses to run as root). cwd / so the user never needs access to ours.
pg_as() {
  if is_root; then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

ensure_pg_os_user() {
  is_root || return 0
  if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
    log "creating system user '$PG_OS_USER' to run PostgreSQL (it refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_OS_USER" ||
      id -u "$PG_OS_USER" >/dev/null 2>&1 || die "useradd $PG_OS_USER failed"
  fi
}

# chown_pg PATH...: hand paths to the cluster's OS user (no-op when not root).
chown_pg() {
  is_root || return 0
  chown "$PG_OS_USER:$PG_OS_USER" "$@"
}

pg_running() {
  [[ -f "$PGDATA/PG_VERSION" ]] || return 1
  [[ -n "$PG_BIN" ]] || PG_BIN=$(find_pg_bin) || return 1
  pg_as "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

pg_pid() {
  [[ -r "$PGDATA/postmaster.pid" ]] && head -n 1 "$PGDATA/postmaster.pid"
}

pg_init() {
  [[ -s "$PGDATA/PG_VERSION" ]] && return 0
  [[ -e "$PGDATA" ]] && die "$PGDATA exists but is not a PostgreSQL cluster; move it away"
  local tmpdata="$STATE/pg.initdb" pwfile="$STATE/.pg.initdb.pw" t0
  t0=$(date +%s%N)
  rm -rf "$tmpdata" "$pwfile"
  mkdir -p "$tmpdata"
  chmod 700 "$tmpdata"
  (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$pwfile")
  chown_pg "$tmpdata" "$pwfile"
  if ! pg_as test -w "$tmpdata"; then
    rm -rf "$tmpdata" "$pwfile"
    die "user '$PG_OS_USER' cannot reach $STATE (a parent directory is not searchable by others); pick a UNIONFED_STATE_DIR under e.g. /tmp or /work, or chmod o+x its parents"
  fi
  log "initialising PostgreSQL cluster in $PGDATA ($("$PG_BIN/postgres" --version))…"
  if ! pg_as "$PG_BIN/initdb" -D "$tmpdata" --username="$PG_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
    >"$STATE/initdb.log" 2>&1 </dev/null; then
    rm -f "$pwfile"
    die_with_log "$STATE/initdb.log" "initdb failed"
  fi
  rm -f "$pwfile"
  # Our settings live in an included file rewritten on every start (ports may change).
  printf "\n# Local settings managed by deploy/local/infra.sh\ninclude = 'unionfed-infra.conf'\n" \
    >>"$tmpdata/postgresql.conf"
  # Only a complete cluster ever appears under the final name.
  mv -T "$tmpdata" "$PGDATA"
  log "PostgreSQL cluster initialised in $(elapsed "$t0") s"
}

pg_write_conf() {
  local sockdirs="$PG_SOCKDIR"
  mkdir -p "$PG_SOCKDIR"
  chmod 755 "$PG_SOCKDIR"
  chown_pg "$PG_SOCKDIR"
  # Unix socket paths are limited to 107 bytes; fall back to TCP only.
  if ((${#PG_SOCKDIR} + 20 > 107)); then
    sockdirs=""
  fi
  local conf="$PGDATA/unionfed-infra.conf"
  cat >"$conf" <<EOF
# Managed by deploy/local/infra.sh: rewritten on every start, do not edit.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sockdirs'
max_connections = 300
password_encryption = 'scram-sha-256'
# This cluster holds real data: keep every durability setting on.
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  chown_pg "$conf"
}

pg_wait_ready() {
  local deadline=$((SECONDS + 60))
  local isready="$PG_BIN/pg_isready"
  [[ -x "$isready" ]] || isready=pg_isready
  while ! "$isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres -t 2 >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      die_with_log "$PG_LOG" "PostgreSQL did not become ready on 127.0.0.1:$PG_PORT within 60 s"
    fi
    pg_running || die_with_log "$PG_LOG" "PostgreSQL exited during startup"
    sleep 0.5
  done
}

# Create the service databases (same script as the docker image's initdb hook; idempotent).
pg_create_databases() {
  [[ -f "$INIT_SQL" ]] || return 0
  local psql="$PG_BIN/psql"
  [[ -x "$psql" ]] || psql=$(command -v psql) || {
    warn "psql not found; skipping $INIT_SQL"
    return 0
  }
  if ! PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=10 "$psql" -X -q -h 127.0.0.1 -p "$PG_PORT" \
    -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -f "$INIT_SQL" >"$STATE/init-databases.log" 2>&1 </dev/null; then
    die_with_log "$STATE/init-databases.log" "running $INIT_SQL failed"
  fi
}

pg_start() {
  ensure_pg_bin
  ensure_pg_os_user
  if [[ -d "$PGDATA" ]] && is_root; then
    # A cluster created by someone else (or before the user existed) must be ours.
    if [[ "$(stat -c %U "$PGDATA")" != "$PG_OS_USER" ]]; then
      chown -R "$PG_OS_USER:$PG_OS_USER" "$PGDATA"
    fi
  fi
  pg_init
  if pg_running; then
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT (pid $(pg_pid))"
    return 0
  fi
  if tcp_open "$PG_PORT"; then
    die "port $PG_PORT on 127.0.0.1 is already in use by another process (set UNIONFED_PG_PORT)"
  fi
  pg_write_conf
  touch "$PG_LOG"
  chown_pg "$PG_LOG"
  local t0
  t0=$(date +%s%N)
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log $PG_LOG)…"
  # shellcheck disable=SC2094 # pg_ctl appends the server's output; we append its own errors.
  if ! pg_as "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t 60 -s start </dev/null >/dev/null 2>>"$PG_LOG" 9>&-; then
    die_with_log "$PG_LOG" "pg_ctl start failed"
  fi
  pg_wait_ready
  pg_create_databases
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT (user $PG_USER, $(elapsed "$t0") s)"
}

pg_stop() {
  if ! pg_running; then
    log "PostgreSQL not running"
    return 0
  fi
  log "stopping PostgreSQL (pid $(pg_pid))…"
  if ! pg_as "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 -s stop </dev/null >/dev/null 2>>"$PG_LOG"; then
    warn "fast shutdown did not finish in 60 s; using immediate shutdown"
    pg_as "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 30 -s stop </dev/null >/dev/null 2>>"$PG_LOG" ||
      die_with_log "$PG_LOG" "could not stop PostgreSQL"
  fi
  log "PostgreSQL stopped"
}

pg_status_line() {
  if pg_running; then
    echo "postgres: running (native, 127.0.0.1:$PG_PORT, pid $(pg_pid), data $PGDATA)"
    return 0
  fi
  if [[ -f "$PGDATA/PG_VERSION" ]]; then
    echo "postgres: stopped (native, data $PGDATA)"
  else
    echo "postgres: stopped (native, not initialised)"
  fi
  return 1
}

# --------------------------------------------------------------------------- Kafka (native)

KDIR="$STATE/kafka"
KAFKA_DATA="$KDIR/data"
KAFKA_LOGS="$KDIR/logs"
KAFKA_PIDFILE="$KDIR/kafka.pid"
KAFKA_OUT="$KAFKA_LOGS/kafka.out"
KAFKA_SERVER_LOG="$KAFKA_LOGS/server.log"

need_java() {
  command -v java >/dev/null 2>&1 || die "java not found (Kafka needs a JRE 11+; apt-get install -y openjdk-17-jre-headless)"
}

# Fetch the broker's runtime classpath once into the shared cache. Maven writes into a
# temporary dir which is renamed only when complete, so an interrupted fetch never looks done.
ensure_kafka_jars() {
  [[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]] && return 0
  need_java
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch Kafka jars; apt-get install -y maven)"
  mkdir -p "$KAFKA_CACHE"
  exec 8>"$KAFKA_CACHE/.fetch.lock"
  flock -w 600 8 || die "timed out waiting for another Kafka jar fetch ($KAFKA_CACHE/.fetch.lock)"
  if [[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
    exec 8>&-
    return 0
  fi
  # Leftovers of interrupted fetches (we hold the lock, so none is in progress).
  rm -rf "$KAFKA_CACHE"/.fetch.* "$KAFKA_LIBS"
  local tmp t0
  tmp=$(mktemp -d "$KAFKA_CACHE/.fetch.XXXXXX")
  t0=$(date +%s%N)
  log "fetching Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS…"
  cp "$KAFKA_POM" "$tmp/pom.xml"
  if ! (cd "$tmp" && mvn -q -B -f "$tmp/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp/libs" -DincludeScope=runtime) >"$KAFKA_CACHE/mvn.log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    exec 8>&-
    die_with_log "$KAFKA_CACHE/mvn.log" "Maven could not fetch the Kafka jars"
  fi
  if [[ ! -f "$tmp/libs/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
    rm -rf "$tmp"
    exec 8>&-
    die_with_log "$KAFKA_CACHE/mvn.log" "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing"
  fi
  mv -T "$tmp/libs" "$KAFKA_LIBS"
  rm -rf "$tmp"
  exec 8>&-
  log "fetched $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $(elapsed "$t0") s"
}

# JVM flags for short-lived tools (StorageTool, TopicCommand): small and fast to start.
tool_java() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j.configuration="file:$KDIR/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

kafka_write_config() {
  mkdir -p "$KDIR" "$KAFKA_DATA" "$KAFKA_LOGS"
  cat >"$KDIR/server.properties" <<EOF
# Managed by deploy/local/infra.sh: rewritten on every start, do not edit.
# Single-node KRaft cluster: this process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# After a crash (kill -9) the restarted controller refuses the broker's new registration
# until the old session expires (DUPLICATE_BROKER_REGISTRATION). The default 9 s session
# makes every restart-after-crash take ~12 s; this single local node can afford 5 s.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000
EOF
  if [[ -n "$KAFKA_SASL_PORT" ]]; then
    # The SASL listener: clients authenticate with SCRAM-SHA-512; no authorizer, so an
    # authenticated client may do what a PLAINTEXT one may (the ACLs are the chart's business).
    sed -i \
      -e "s|^listeners=.*|listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL://127.0.0.1:$KAFKA_SASL_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT|" \
      -e "s|^advertised.listeners=.*|advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL://127.0.0.1:$KAFKA_SASL_PORT|" \
      -e "s|^listener.security.protocol.map=.*|listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT|" \
      "$KDIR/server.properties"
    cat >>"$KDIR/server.properties" <<'EOF'
listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
EOF
  fi
  cat >"$KDIR/tools-log4j.properties" <<'EOF'
# Managed by deploy/local/infra.sh: logging for the short-lived Kafka CLI tools it runs.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  cat >"$KDIR/admin.properties" <<'EOF'
# Managed by deploy/local/infra.sh: client settings for its readiness probe.
request.timeout.ms=10000
default.api.timeout.ms=20000
EOF
}

# A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 chars),
# not starting with '-' (as kafka-storage random-uuid guarantees).
new_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ ${#id} -eq 22 && "$id" != -* ]] && break
  done
  echo "$id"
}

kafka_format() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  if [[ ! -s "$KDIR/cluster.id" ]]; then
    new_cluster_id >"$KDIR/cluster.id"
  fi
  local cid t0
  cid=$(<"$KDIR/cluster.id")
  t0=$(date +%s%N)
  log "formatting Kafka storage in $KAFKA_DATA (cluster id $cid)…"
  local scram=()
  if [[ -n "$KAFKA_SASL_PORT" ]]; then
    # The SCRAM credential lives in the cluster metadata: written once, with the format.
    scram=(--add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USERNAME,password=$KAFKA_SASL_PASSWORD]")
  fi
  if ! tool_java kafka.tools.StorageTool format -t "$cid" -c "$KDIR/server.properties" --ignore-formatted \
    "${scram[@]}" >"$KAFKA_LOGS/format.log" 2>&1 </dev/null; then
    die_with_log "$KAFKA_LOGS/format.log" "kafka-storage format failed"
  fi
  log "Kafka storage formatted in $(elapsed "$t0") s"
}

# Prints the broker's pid if it runs (guards against a recycled pid).
kafka_pid() {
  [[ -s "$KAFKA_PIDFILE" ]] || return 1
  local pid
  pid=$(<"$KAFKA_PIDFILE")
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

kafka_running() { kafka_pid >/dev/null; }

# Launch the broker detached (own session, no terminal, output to files) and record its pid.
kafka_launch() {
  need_java
  ensure_kafka_jars
  kafka_write_config
  kafka_format
  if kafka_running; then
    log "Kafka already running on 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid))"
    return 0
  fi
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" $KAFKA_SASL_PORT; do
    # A broker killed a moment ago may still be releasing its sockets.
    wait_port_free "$p" 10 ||
      die "port $p on 127.0.0.1 is already in use by another process (set UNIONFED_KAFKA_PORT)"
  done
  rm -f "$KAFKA_PIDFILE"
  KAFKA_T0=$(date +%s%N)
  log "starting Kafka $KAFKA_VERSION (KRaft, broker+controller) on 127.0.0.1:$KAFKA_PORT (log $KAFKA_SERVER_LOG)…"
  printf '\n==== %s starting broker ====\n' "$(date -Is)" >>"$KAFKA_OUT"
  (
    cd "$KDIR"
    # The inner bash records its own pid (setsid may fork), then becomes the JVM.
    # shellcheck disable=SC2016
    exec setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KAFKA_PIDFILE" \
      java -Xmx512m -Xms512m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
      -Djava.awt.headless=true \
      -Dkafka.logs.dir="$KAFKA_LOGS" \
      -Dlog4j.configuration="file:$KAFKA_LOG4J" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KDIR/server.properties" \
      </dev/null >>"$KAFKA_OUT" 2>&1 8>&- 9>&-
  ) &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$KAFKA_PIDFILE" ]] && break
    sleep 0.05
  done
  [[ -s "$KAFKA_PIDFILE" ]] || die_with_log "$KAFKA_OUT" "Kafka did not start (no pid file)"
}

kafka_tail_logs_and_die() {
  local msg="$1"
  if [[ -s "$KAFKA_OUT" ]] && grep -qv '^$\|^====' "$KAFKA_OUT"; then
    printf 'infra: ---- last 15 lines of %s ----\n' "$KAFKA_OUT" >&2
    tail -n 15 "$KAFKA_OUT" >&2 || true
  fi
  die_with_log "$KAFKA_SERVER_LOG" "$msg"
}

# Ready = the broker answers a metadata request (topic listing via the Admin API).
kafka_wait_ready() {
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  local t0="${KAFKA_T0:-$(date +%s%N)}"
  while :; do
    if ! kafka_running; then
      kafka_tail_logs_and_die "Kafka exited during startup"
    fi
    if tcp_open "$KAFKA_PORT"; then
      if timeout 40 java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
        -Dlog4j.configuration="file:$KDIR/tools-log4j.properties" -cp "$KAFKA_LIBS/*" \
        org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
        --command-config "$KDIR/admin.properties" --list \
        >/dev/null 2>>"$KAFKA_LOGS/probe.log" </dev/null; then
        break
      fi
    fi
    if ((SECONDS >= deadline)); then
      # Leave nothing half-started behind (it would hold the ports and the data dir lock).
      kafka_stop 10 >&2 || true
      kafka_tail_logs_and_die "Kafka did not become ready on 127.0.0.1:$KAFKA_PORT within $KAFKA_START_TIMEOUT s (stopped it)"
    fi
    sleep 1
  done
  log "Kafka ready on 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid), $(elapsed "$t0") s)"
}

kafka_start() {
  kafka_launch
  kafka_wait_ready
}

# kafka_stop [grace-seconds]: SIGTERM (controlled shutdown), SIGKILL after the grace period.
kafka_stop() {
  local grace="${1:-30}" pid
  if ! pid=$(kafka_pid); then
    log "Kafka not running"
    rm -f "$KAFKA_PIDFILE"
    return 0
  fi
  log "stopping Kafka (pid $pid)…"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while pid_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.25
  done
  if pid_alive "$pid"; then
    warn "Kafka did not stop within ${grace} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while pid_alive "$pid" && ((SECONDS < deadline)); do
      sleep 0.1
    done
  fi
  pid_alive "$pid" && die "Kafka (pid $pid) survived SIGKILL"
  rm -f "$KAFKA_PIDFILE"
  log "Kafka stopped"
}

kafka_kill() {
  local pid
  if ! pid=$(kafka_pid); then
    log "Kafka not running"
    return 0
  fi
  log "killing Kafka (SIGKILL, pid $pid)"
  kill -KILL "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while pid_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.1
  done
  pid_alive "$pid" && die "Kafka (pid $pid) survived SIGKILL"
  rm -f "$KAFKA_PIDFILE"
  log "Kafka killed"
}

kafka_status_line() {
  local pid
  if pid=$(kafka_pid); then
    if tcp_open "$KAFKA_PORT"; then
      echo "kafka: running (native, 127.0.0.1:$KAFKA_PORT, pid $pid, data $KAFKA_DATA)"
    else
      echo "kafka: starting (native, 127.0.0.1:$KAFKA_PORT not accepting yet, pid $pid)"
    fi
    return 0
  fi
  if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
    echo "kafka: stopped (native, data $KAFKA_DATA)"
  else
    echo "kafka: stopped (native, not formatted)"
  fi
  return 1
}

# --------------------------------------------------------------------------- docker mode

compose() {
  UNIONFED_PG_PORT="$PG_PORT" UNIONFED_KAFKA_PORT="$KAFKA_PORT" \
    docker compose -f "$COMPOSE_FILE" "$@"
}

docker_service_state() {
  # prints e.g. "running (healthy)" or nothing
  local id
  id=$(compose ps -q "$1" 2>/dev/null | head -n 1)
  [[ -n "$id" ]] || return 1
  docker inspect -f '{{.State.Status}}{{if .State.Health}} ({{.State.Health.Status}}){{end}}' "$id" 2>/dev/null
}

docker_up() {
  local t0
  t0=$(date +%s%N)
  if [[ "$(docker_service_state postgres || true)" == "running (healthy)" &&
    "$(docker_service_state kafka || true)" == "running (healthy)" ]]; then
    log "already running (docker compose: postgres, kafka)"
    return 0
  fi
  log "starting postgres and kafka with docker compose ($COMPOSE_FILE)…"
  compose up -d --wait postgres kafka || {
    compose logs --tail 40 postgres kafka >&2 || true
    die "docker compose up failed"
  }
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
  log "Kafka ready on 127.0.0.1:$KAFKA_PORT ($(elapsed "$t0") s)"
}

docker_status() {
  local rc=0 s
  for svc in postgres kafka; do
    if s=$(docker_service_state "$svc") && [[ "$s" == running* ]]; then
      echo "$svc: $s (docker compose)"
    else
      echo "$svc: stopped (docker compose${s:+, $s})"
      rc=3
    fi
  done
  return $rc
}

# --------------------------------------------------------------------------- commands

cmd_up() {
  take_lock
  local mode
  mode=$(resolve_mode detect)
  write_env_file "$mode"
  if [[ "$mode" == docker ]]; then
    docker_up
  else
    if pg_running && kafka_running && tcp_open "$KAFKA_PORT"; then
      log "already running: PostgreSQL on 127.0.0.1:$PG_PORT (pid $(pg_pid)), Kafka on 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid)); nothing to do"
    else
      local t0
      t0=$(date +%s%N)
      # The broker boots (JVM, log recovery) while PostgreSQL initialises and starts.
      kafka_launch
      pg_start
      kafka_wait_ready
      log "infrastructure up in $(elapsed "$t0") s (native; state $STATE)"
    fi
  fi
  log "connection settings: $STATE/infra.env"
}

cmd_down() {
  if [[ ! -d "$STATE" ]]; then
    log "nothing to stop ($STATE does not exist)"
    return 0
  fi
  take_lock
  local mode
  mode=$(resolve_mode)
  if [[ "$mode" == docker ]]; then
    log "stopping kafka and postgres (docker compose; data volumes are kept)…"
    compose stop kafka postgres
  else
    kafka_stop 30
    pg_stop
  fi
  log "down (data kept in $STATE)"
}

cmd_status() {
  local mode rc=0
  mode=$(resolve_mode)
  if [[ "$mode" == docker ]]; then
    docker_status || rc=$?
  else
    pg_status_line || rc=3
    kafka_status_line || rc=3
  fi
  return $rc
}

cmd_env() {
  if [[ ! -f "$STATE/infra.env" ]]; then
    write_env_file "$(resolve_mode detect)"
  fi
  cat "$STATE/infra.env"
}

cmd_kill_kafka() {
  take_lock
  if [[ "$(resolve_mode)" == docker ]]; then
    log "killing kafka (docker compose kill -s SIGKILL)"
    compose kill -s SIGKILL kafka
  else
    kafka_kill
  fi
}

cmd_start_kafka() {
  take_lock
  local mode
  mode=$(resolve_mode detect)
  write_env_file "$mode"
  if [[ "$mode" == docker ]]; then
    compose up -d --wait kafka || die "docker compose could not start kafka"
    log "Kafka ready on 127.0.0.1:$KAFKA_PORT"
  else
    if kafka_running && tcp_open "$KAFKA_PORT"; then
      log "Kafka already running on 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid))"
      return 0
    fi
    kafka_start
  fi
}

cmd_restart_postgres() {
  take_lock
  local mode
  mode=$(resolve_mode detect)
  write_env_file "$mode"
  if [[ "$mode" == docker ]]; then
    if ! { compose restart postgres && compose up -d --wait postgres; }; then
      die "docker compose could not restart postgres"
    fi
    log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
  else
    pg_stop
    pg_start
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  if [[ "$cmd" == up || "$cmd" == start-kafka || "$cmd" == restart-postgres ]]; then
    mkdir -p "$STATE"
  fi
  if [[ -d "$STATE" ]]; then
    STATE="$(cd "$STATE" && pwd -P)"
    # Re-derive the paths that depend on the (now absolute) state dir.
    PGDATA="$STATE/pg" PG_LOG="$STATE/pg.log" PG_SOCKDIR="$STATE/pgsock"
    KDIR="$STATE/kafka" KAFKA_DATA="$STATE/kafka/data" KAFKA_LOGS="$STATE/kafka/logs"
    KAFKA_PIDFILE="$STATE/kafka/kafka.pid" KAFKA_OUT="$STATE/kafka/logs/kafka.out"
    KAFKA_SERVER_LOG="$STATE/kafka/logs/server.log"
  fi
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    kill-kafka) cmd_kill_kafka ;;
    start-kafka) cmd_start_kafka ;;
    restart-postgres) cmd_restart_postgres ;;
    -h | --help | help)
      usage
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
