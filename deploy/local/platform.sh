#!/usr/bin/env bash
# Runs the whole platform on this machine: infrastructure, Keycloak, migrations, topics, the four
# services, the gateway with the console, and the demo federation with its accounts. `down`
# stops it all; committed data stays in .run/dev.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${UNIONFED_STATE_DIR:-$repo/.run/dev}"
services=(membership welfare events finance)
declare -A ports=([membership]=8001 [welfare]=8002 [events]=8003 [finance]=8004)
keycloak_url=http://127.0.0.1:8180/auth
# What browsers (and so the tokens' issuer) see: Keycloak behind the gateway.
keycloak_issuer=http://localhost:8080/auth/realms/unionfed
console_url=http://localhost:8080/

# Exports a service's settings, then writes every exported ${PREFIX}_ variable (these, the keys
# load_env made, anything the caller exported) to $state/env/NAME.env: the environment the service
# runs with, where admin commands (`uv run unionfed NAME …` in a new shell) find it.
service_env() {
  local name="$1" prefix
  prefix="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  export "${prefix}_DATABASE_URL=postgresql+asyncpg://${UNIONFED_PG_USER}:${UNIONFED_PG_PASSWORD}@${UNIONFED_PG_HOST}:${UNIONFED_PG_PORT}/${name}"
  export "${prefix}_KAFKA_BOOTSTRAP_SERVERS=${UNIONFED_KAFKA_BOOTSTRAP}"
  export "${prefix}_HTTP_PORT=${ports[$name]}"
  # People's tokens come from Keycloak (its JWKS); `unionfed token`'s HS256 tokens, for tests and
  # automation, are accepted beside them because the secret is configured too.
  export "${prefix}_JWT_SECRET=${UNIONFED_JWT_SECRET}"
  export "${prefix}_JWKS_URL=${keycloak_url}/realms/unionfed/protocol/openid-connect/certs"
  export "${prefix}_JWT_ISSUER=${keycloak_issuer}" "${prefix}_JWT_AUDIENCE=unionfed"
  # Each service runs its own daily jobs (membership's apply-scheduled, finance's nightly reconcile
  # and verify-chain: unionfed_shared/schedules.py), once a business day under a database lock;
  # UNIONFED_SCHEDULES=false leaves them to an operator.
  export "${prefix}_SCHEDULES_ENABLED=${UNIONFED_SCHEDULES:-true}"
  if [[ -n "${UNIONFED_OTLP_ENDPOINT:-}" ]]; then export "${prefix}_OTLP_ENDPOINT=${UNIONFED_OTLP_ENDPOINT}"; fi
  mkdir -p "$state/env"
  (umask 077 && env | grep "^${prefix}_" | sort > "$state/env/$name.env.tmp")
  mv -f "$state/env/$name.env.tmp" "$state/env/$name.env"
}

load_env() {
  set -a
  # shellcheck disable=SC1091
  source "$state/infra.env"
  set +a
  mkdir -p "$state"
  if [[ ! -s "$state/jwt-secret" ]]; then
    python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > "$state/jwt-secret"
    chmod 600 "$state/jwt-secret"
  fi
  UNIONFED_JWT_SECRET="$(cat "$state/jwt-secret")"
  export UNIONFED_JWT_SECRET
  # Encrypts members' ID numbers and phones: generated once, kept with the data it protects.
  if [[ ! -s "$state/pii-key" ]]; then
    python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > "$state/pii-key"
    chmod 600 "$state/pii-key"
  fi
  MEMBERSHIP_PII_KEY="$(cat "$state/pii-key")"
  export MEMBERSHIP_PII_KEY
  # Signs the ledger heads auditors export (Ed25519); `unionfed finance public-key` prints the public half.
  if [[ ! -s "$state/finance-head-signing-key.pem" ]]; then
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$state/finance-head-signing-key.pem")
  fi
  export FINANCE_HEAD_SIGNING_KEY_FILE="$state/finance-head-signing-key.pem"
  # Membership manages accounts in Keycloak as the confidential client unionfed-membership, whose
  # secret keycloak_realm.py generated into the state dir.
  export MEMBERSHIP_KEYCLOAK_URL="$keycloak_url"
  MEMBERSHIP_KEYCLOAK_CLIENT_SECRET="$(cat "$state/keycloak/membership-secret")"
  export MEMBERSHIP_KEYCLOAK_CLIENT_SECRET
  for name in "${services[@]}"; do service_env "$name"; done
}

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_ready() {
  local name="$1" url="http://127.0.0.1:${ports[$1]}/readyz"
  for _ in $(seq 1 120); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    if ! running "$state/services/$name.pid"; then
      echo "$name exited; last log lines:" >&2; tail -n 30 "$state/logs/$name.log" >&2; return 1
    fi
    sleep 0.5
  done
  echo "$name not ready after 60 s; last log lines:" >&2; tail -n 30 "$state/logs/$name.log" >&2; return 1
}

up() {
  "$repo/deploy/local/ensure-python-env.sh"
  "$repo/deploy/local/console.sh"
  UNIONFED_STATE_DIR="$state" "$repo/deploy/local/infra.sh" up
  cd "$repo"
  # Keycloak takes the longest to start: it does so while topics and migrations are made.
  UNIONFED_STATE_DIR="$state" "$repo/deploy/local/keycloak.sh" up &
  local keycloak_pid=$!
  (set -a && source "$state/infra.env" && uv run --no-sync unionfed topics create)
  wait "$keycloak_pid" || { echo "Keycloak did not start (log: $state/keycloak/keycloak.log)" >&2; exit 1; }
  uv run --no-sync python "$repo/deploy/local/keycloak_realm.py" --url "$keycloak_url" \
    --admin-password-file "$state/keycloak/admin-password" --membership-secret-file "$state/keycloak/membership-secret"
  load_env
  for name in "${services[@]}"; do uv run --no-sync unionfed "$name" migrate; done
  mkdir -p "$state/services" "$state/logs"
  for name in "${services[@]}"; do
    if running "$state/services/$name.pid"; then echo "$name: already running"; continue; fi
    nohup "$repo/.venv/bin/unionfed" "$name" serve >>"$state/logs/$name.log" 2>&1 &
    echo $! > "$state/services/$name.pid"
  done
  for name in "${services[@]}"; do wait_ready "$name"; echo "$name: ready"; done
  UNIONFED_STATE_DIR="$state" "$repo/deploy/local/gateway.sh" up
  UNIONFED_STATE_DIR="$state" uv run --no-sync python "$repo/deploy/local/demo.py"
  echo
  echo "  console        $console_url   (sign in with a demo account below; first sign-in asks for a new password)"
  echo
  cat "$state/demo-accounts.txt"
  echo
  for name in "${services[@]}"; do
    echo "  $name  http://127.0.0.1:${ports[$name]}/docs   (AsyncAPI: /asyncapi.json, logs: $state/logs/$name.log)"
  done
  echo "  mint a token:  uv run unionfed token --help     (admin commands: uv run unionfed NAME --help)"
  echo "  stop it all:   make down"
}

down() {
  UNIONFED_STATE_DIR="$state" "$repo/deploy/local/gateway.sh" down
  for name in "${services[@]}"; do
    pidfile="$state/services/$name.pid"
    if running "$pidfile"; then
      kill -TERM "$(cat "$pidfile")"
      for _ in $(seq 1 40); do running "$pidfile" || break; sleep 0.5; done
      running "$pidfile" && kill -KILL "$(cat "$pidfile")"
      echo "$name: stopped"
    fi
    rm -f "$pidfile"
  done
  UNIONFED_STATE_DIR="$state" "$repo/deploy/local/keycloak.sh" down
  if [[ -f "$state/infra.env" ]]; then UNIONFED_STATE_DIR="$state" "$repo/deploy/local/infra.sh" down; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
