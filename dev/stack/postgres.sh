#!/usr/bin/env bash
# PostgreSQL 15 for the local stack: a private instance from Debian's binaries, with its own data
# folder under $QUIRE_RUN/postgres/, never the system cluster or the system service. It speaks TLS
# (ssl=on, a certificate for `localhost` from the stack's CA) and still accepts plain connections,
# so clients choose with sslmode, as they would against a managed PostgreSQL.
#   postgres.sh up|down|status|env
# shellcheck source=../lib/common.sh
source "$(dirname "$0")/../lib/common.sh"

NAME=postgres
PORT=$((15432 + QUIRE_PORT_OFFSET))
PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_PACKAGE=postgresql-$PG_MAJOR
SUPERUSER=postgres
PASSWORD=quire
DATABASE=quire
START_TIMEOUT=60

DIR=$(state_dir "$NAME")
DATA=$DIR/data
TLS=$DIR/tls
LOG=$(log_file "$NAME")
URL=postgresql://$SUPERUSER:$PASSWORD@127.0.0.1:$PORT/$DATABASE
ADMIN_URL=postgresql://$SUPERUSER:$PASSWORD@127.0.0.1:$PORT/postgres

# initdb and postgres refuse to run as root. As root we run them as the `postgres` account that
# Debian's package creates (setpriv execs, so the recorded pid is the postmaster itself); as anyone
# else, as that user.
AS_OWNER=()
((EUID == 0)) && AS_OWNER=(setpriv --reuid="$SUPERUSER" --regid="$SUPERUSER" --init-groups --)

# psql over TCP with the password, as every client of the stack connects.
sql() { PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" "$1" -X -q -tA -v ON_ERROR_STOP=1 -c "$2"; }

healthy() { [[ $(sql "$URL" 'SELECT 1' 2>/dev/null) == 1 ]]; }

# The server's own version, e.g. 15.14 (from "15.14 (Debian 15.14-0+deb12u1)").
server_version() { sql "$URL" 'SHOW server_version' 2>/dev/null | awk '{print $1}'; }

install_binaries() {
  [[ -x $PG_BIN/postgres ]] && return 0
  ((EUID == 0)) || die "$NAME" "$PG_BIN/postgres is missing; install it with: sudo apt-get install -y $PG_PACKAGE"
  log "installing $PG_PACKAGE from Debian"
  mkdir -p "$DIR"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 "$PG_PACKAGE"; } \
    >>"$DIR/install.log" 2>&1 || die "$NAME" "apt-get install $PG_PACKAGE failed" "$DIR/install.log"
  # The package creates and starts its own cluster on port 5432. The stack never uses it: stop it
  # and keep it from starting at boot, so the machine runs only what the stack starts.
  if [[ -x /etc/init.d/postgresql ]]; then
    /etc/init.d/postgresql stop >>"$DIR/install.log" 2>&1 || true
    update-rc.d postgresql disable >>"$DIR/install.log" 2>&1 || true
  fi
}

# A fresh data folder with the superuser's password and password authentication on TCP. It is
# built beside the final path and renamed, so that an interrupted initdb never leaves a half
# data folder that the next `up` would trip over.
init_data() {
  [[ -f $DATA/PG_VERSION ]] && return 0
  local tmp=$DATA.init pwfile=$DIR/initdb.pw
  rm -rf "$tmp"
  mkdir -p "$tmp"
  printf '%s\n' "$PASSWORD" >"$pwfile"
  if ((EUID == 0)); then
    chown "$SUPERUSER:" "$DIR" "$tmp" "$pwfile"
    "${AS_OWNER[@]}" test -x "$DIR" ||
      die "$NAME" "the '$SUPERUSER' account cannot enter $DIR; set QUIRE_RUN to a folder every user can traverse"
  fi
  chmod 600 "$pwfile"
  chmod 700 "$tmp"
  log "initialising a data folder in $DATA"
  (cd "$DIR" && "${AS_OWNER[@]}" "$PG_BIN/initdb" -D "$tmp" -U "$SUPERUSER" --pwfile="$pwfile" -E UTF8 --no-locale \
    --auth-local=peer --auth-host=scram-sha-256 --no-instructions) >>"$LOG" 2>&1 ||
    { rm -f "$pwfile"; die "$NAME" "initdb failed" "$LOG"; }
  rm -f "$pwfile"
  mv "$tmp" "$DATA"
}

verb_up() {
  local start=$SECONDS
  if is_running "$NAME"; then
    # Running already: a second `up` only confirms it answers (it may still be starting).
    wait_ready "$NAME" "$START_TIMEOUT" healthy
    log "$NAME already running on 127.0.0.1:$PORT"
    return 0
  fi
  rm -f "$(pid_file "$NAME")"
  port_free "$NAME" "$PORT"
  install_binaries
  mkdir -p "$DIR"
  init_data
  ensure_server_cert "$TLS"
  # PostgreSQL refuses a key that anyone but its owner can read, and runs as the postgres account.
  ((EUID == 0)) && chown -R "$SUPERUSER:" "$TLS"
  # Loopback only, no Unix socket (its path would depend on the clone's folder and may be too
  # long), and no fsync: this is throwaway development data, and fsync is what makes tests slow.
  (cd "$DIR" && start_process "$NAME" "${AS_OWNER[@]}" "$PG_BIN/postgres" -D "$DATA" -p "$PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=200 -c log_min_messages=warning \
    -c ssl=on -c ssl_cert_file="$TLS/server.crt" -c ssl_key_file="$TLS/server.key")
  wait_ready "$NAME" "$START_TIMEOUT" sql "$ADMIN_URL" 'SELECT 1'
  if [[ -z $(sql "$ADMIN_URL" "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'") ]]; then
    sql "$ADMIN_URL" "CREATE DATABASE $DATABASE" >>"$LOG" 2>&1 || die "$NAME" "could not create the database '$DATABASE'" "$LOG"
  fi
  healthy || die "$NAME" "the server started but the database '$DATABASE' does not answer" "$LOG"
  log "$NAME $(server_version) ready on 127.0.0.1:$PORT in $((SECONDS - start))s"
}

verb_down() {
  if is_running "$NAME"; then
    # SIGINT is PostgreSQL's fast shutdown: it ends client sessions instead of waiting for them,
    # as the SIGTERM that stop_process sends first would.
    kill -INT "$(cat "$(pid_file "$NAME")")" 2>/dev/null || true
  fi
  stop_process "$NAME"
}

verb_status() {
  if is_running "$NAME" && healthy; then
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" healthy "$(server_version)" "$PORT" "pid $(cat "$(pid_file "$NAME")"), database $DATABASE"
  elif is_running "$NAME"; then
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" unhealthy "$PG_MAJOR" "$PORT" "not answering; read $LOG"
    return 1
  else
    printf '%-12s %-9s %-14s %-7s %s\n' "$NAME" stopped "$PG_MAJOR" "$PORT" "-"
    return 1
  fi
}

verb_env() {
  echo "QUIRE_POSTGRES_URL=$URL"
  # The same server over TLS: the CA that signed its certificate, and the only host name the
  # certificate names (127.0.0.1 is deliberately not in it).
  echo "QUIRE_POSTGRES_TLS_CA_FILE=$(stack_ca_dir)/ca.crt"
  echo "QUIRE_POSTGRES_TLS_HOST=localhost"
}

case "${1:-}" in
  up | down | status | env) "verb_$1" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
