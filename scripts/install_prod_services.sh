#!/usr/bin/env bash
# Install (Debian packages) and start PostgreSQL and Redis for the production topology, without
# systemd; create the database role and database. Idempotent: safe to run again at any time.
# Settings come from the environment (see deploy/production.env.example):
#   DB_PORT DB_NAME DB_USER DB_PASSWORD PG_CLUSTER   REDIS_PORT REDIS_PASSWORD REDIS_DIR
# Exit code 3 means the packages could not be installed (tests skip on it).
set -euo pipefail

DB_PORT=${DB_PORT:-5432}; DB_NAME=${DB_NAME:-rasa}; DB_USER=${DB_USER:-rasa}
DB_PASSWORD=${DB_PASSWORD:?DB_PASSWORD must be set}; PG_CLUSTER=${PG_CLUSTER:-main}
REDIS_PORT=${REDIS_PORT:-6379}; REDIS_PASSWORD=${REDIS_PASSWORD:?REDIS_PASSWORD must be set}
REDIS_DIR=${REDIS_DIR:-/var/lib/redis-rasa-$REDIS_PORT}

install_packages() {
  command -v pg_ctlcluster >/dev/null && command -v redis-server >/dev/null && command -v nginx >/dev/null \
    && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { echo "need root to apt-get install postgresql redis-server nginx" >&2; exit 3; }
  (apt-get install -y -q postgresql redis-server nginx >/tmp/install_prod_services.apt.log 2>&1 \
    || { timeout 300 apt-get update -q && apt-get install -y -q postgresql redis-server nginx; } \
    >>/tmp/install_prod_services.apt.log 2>&1) \
    || { echo "apt-get install failed: see /tmp/install_prod_services.apt.log" >&2; exit 3; }
}

pg_version() { ls /usr/lib/postgresql | sort -n | tail -1; }

start_postgres() {
  local version; version=$(pg_version)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version $PG_CLUSTER"; then
    pg_createcluster "$version" "$PG_CLUSTER" -p "$DB_PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  # Loopback only, on DB_PORT (also when the cluster was made earlier with another port).
  sed -i -e "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" -e "s/^port = .*/port = $DB_PORT/" \
    "/etc/postgresql/$version/$PG_CLUSTER/postgresql.conf"
  if ! pg_lsclusters -h | awk -v c="$PG_CLUSTER" '$2==c {print $4}' | grep -q online; then
    pg_ctlcluster "$version" "$PG_CLUSTER" start
  fi
  for _ in $(seq 60); do pg_isready -q -h 127.0.0.1 -p "$DB_PORT" && return 0; sleep 0.5; done
  echo "PostgreSQL did not become ready on port $DB_PORT" >&2; exit 1
}

psql_admin() { su postgres -c "psql -X -q -p $DB_PORT -v ON_ERROR_STOP=1 $*"; }

create_database() {
  psql_admin "-c \"DO \\\$\\\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
        CREATE ROLE \\\"$DB_USER\\\" LOGIN PASSWORD '$DB_PASSWORD';
      ELSE ALTER ROLE \\\"$DB_USER\\\" LOGIN PASSWORD '$DB_PASSWORD'; END IF; END \\\$\\\$;\""
  if ! psql_admin "-tAc \"SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'\"" | grep -q 1; then
    psql_admin "-c 'CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\"'"
  fi
}

start_redis() {
  if redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep -q PONG; then
    return 0
  fi
  # Ours, but started with another password: stop it, start it with this one.
  if [ -f "$REDIS_DIR/redis.pid" ] && kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null; then
    for _ in $(seq 40); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.25; done
  fi
  mkdir -p "$REDIS_DIR"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --requirepass "$REDIS_PASSWORD" --daemonize yes \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --save "" --appendonly no
  for _ in $(seq 40); do
    redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.25
  done
  echo "Redis did not start on port $REDIS_PORT (see $REDIS_DIR/redis.log)" >&2; exit 1
}

install_packages
start_postgres
create_database
start_redis
echo "PostgreSQL on 127.0.0.1:$DB_PORT (cluster $PG_CLUSTER, database $DB_NAME), Redis on 127.0.0.1:$REDIS_PORT"
