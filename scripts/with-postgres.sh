#!/usr/bin/env bash
# Runs a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL cluster,
# made for this run in a temporary folder and removed afterwards.
#   scripts/with-postgres.sh npm test
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ]; then echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; fi
PORT=${PGPORT_TEST:-55432}
DIR=$(mktemp -d /tmp/sp-pg-XXXXXX)
RUNAS=()
if [ "$(id -u)" = "0" ]; then chown postgres "$DIR"; RUNAS=(runuser -u postgres --); fi
cleanup() { "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
"${RUNAS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" -l "$DIR/log" -w start >/dev/null
"${RUNAS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres student_permits_test
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/student_permits_test"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') for tests at $TEST_DATABASE_URL"
"$@"
