#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and local scale-out trials (Debian's postgresql package).
#   scripts/pg.sh start DIR [PORT]   init DIR if empty, start on 127.0.0.1:PORT (default 55432),
#                                    create database "reportqa"; prints the SQLAlchemy URL
#   scripts/pg.sh stop DIR           stop it (fast shutdown)
#   scripts/pg.sh status DIR
# Trust auth on 127.0.0.1 only, user "postgres". As root the server runs as the "postgres" user
# (PostgreSQL refuses to run as root), so DIR is handed to that user.
set -euo pipefail
cmd=${1:-}; dir=${2:-}; port=${3:-55432}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|status DIR [PORT]" >&2; exit 2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 3
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"

as_pg() {  # run a command as the owner of the cluster
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$dir"
      # The server user must be able to reach DIR; pick one under /tmp rather than a 0700 tree.
      runuser -u postgres -- test -w "$dir" || { echo "user postgres cannot write $dir (a parent folder is private?)" >&2; exit 1; }
    fi
    if [ ! -s "$data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # Sockets go in DIR too: /var/run/postgresql may not exist or be writable.
    as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null \
      || { tail -n 30 "$dir/server.log" >&2; exit 1; }
    if ! as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
         "SELECT 1 FROM pg_database WHERE datname='reportqa'" | grep -q 1; then
      as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres reportqa
    fi
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/reportqa"
    ;;
  stop)
    [ -s "$data/PG_VERSION" ] || { echo "no cluster in $dir" >&2; exit 0; }
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    ;;
  status)
    as_pg "$bin/pg_ctl" -D "$data" status
    ;;
  *)
    echo "usage: $0 start|stop|status DIR [PORT]" >&2; exit 2
    ;;
esac
