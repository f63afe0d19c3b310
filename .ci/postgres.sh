#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `start` prints its URL, `url` prints it again,
# `stop` shuts it down and deletes it.  Installs Debian's postgresql package when missing (as
# root), runs the server as the ordinary user `appeal` (PostgreSQL refuses root), listening on
# 127.0.0.1 only, at a free port.  State lives in $APPEAL_PG_HOME (default /tmp/appeal-postgres);
# APPEAL_PG_OPTIONS adds server settings (`-c name=value ...`, e.g. for benchmarks).
set -euo pipefail

HOME_DIR="${APPEAL_PG_HOME:-${TMPDIR:-/tmp}/appeal-postgres}"
RUN_AS="${APPEAL_PG_USER:-appeal}"
DB="${APPEAL_PG_DB:-appeal}"

log() { echo "postgres.sh: $*" >&2; }

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$dir" || ! -x "$dir/pg_ctl" ]]; then
    if [[ "$(id -u)" != 0 ]]; then
      log "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
      return 1
    fi
    log "installing PostgreSQL from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  echo "$dir"
}

as_user() {
  # From a directory the server's user can read: the caller's may be private to root.
  if [[ "$(id -u)" == 0 ]]; then
    (cd "$HOME_DIR" && runuser -u "$RUN_AS" -- "$@")
  else
    (cd "$HOME_DIR" && "$@")
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() {
  [[ -f "$HOME_DIR/url" && -f "$HOME_DIR/data/postmaster.pid" ]] \
    && "$1/pg_isready" -q -h 127.0.0.1 -p "$(cat "$HOME_DIR/port")"
}

start() {
  local bin port
  bin="$(pg_bin)"
  if running "$bin"; then
    cat "$HOME_DIR/url"
    return 0
  fi
  if [[ "$(id -u)" == 0 ]]; then
    id -u "$RUN_AS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
    RUN_AS_NAME="$RUN_AS"
  else
    RUN_AS_NAME="$(id -un)"
  fi
  rm -rf "$HOME_DIR"
  mkdir -p "$HOME_DIR"
  [[ "$(id -u)" == 0 ]] && chown "$RUN_AS" "$HOME_DIR"
  chmod 700 "$HOME_DIR"
  port="$(free_port)"
  echo "$port" >"$HOME_DIR/port"
  as_user "$bin/initdb" -D "$HOME_DIR/data" -U "$RUN_AS_NAME" --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$HOME_DIR/initdb.log" 2>&1 || {
    cat "$HOME_DIR/initdb.log" >&2
    return 1
  }
  as_user "$bin/pg_ctl" -D "$HOME_DIR/data" -l "$HOME_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $HOME_DIR -c max_connections=50 ${APPEAL_PG_OPTIONS:-}" \
    start >&2 || {
    cat "$HOME_DIR/server.log" >&2
    return 1
  }
  as_user "$bin/psql" -q -h 127.0.0.1 -p "$port" -U "$RUN_AS_NAME" -d postgres \
    -c "CREATE DATABASE $DB" >&2
  echo "postgresql://$RUN_AS_NAME@127.0.0.1:$port/$DB" >"$HOME_DIR/url"
  cat "$HOME_DIR/url"
}

stop() {
  local bin
  [[ -d "$HOME_DIR" ]] || return 0
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$bin" && -f "$HOME_DIR/data/postmaster.pid" ]]; then
    as_user "$bin/pg_ctl" -D "$HOME_DIR/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$HOME_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) cat "$HOME_DIR/url" ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
