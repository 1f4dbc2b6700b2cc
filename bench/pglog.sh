#!/usr/bin/env bash
# Counts the statements that tide, goose and golang-migrate send to
# PostgreSQL, and the server time they take, from the server's own log:
# each tool gets a fresh database with log_min_duration_statement = 0
# (ALTER DATABASE ... SET, so nothing else on the server is logged), runs
# up of N migrations, a no-op up and a down of all of them, and the log
# lines of that database are counted per phase, grouped by statement shape
# (numbers folded). A statement is a simple query or the execute of a
# prepared one; the milliseconds add up parse, bind and execute.
#
#   bench/pglog.sh [N]          # N migrations, default 20
#
# Needs: a superuser URL in TIDE_BENCH_POSTGRES_URL (default
# $TIDE_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/postgres),
# read access to the server's log (PG_LOG, default the Debian cluster's
# /var/log/postgresql/postgresql-15-main.log), and log_line_prefix holding
# %d (the database name), as Debian's default '%m [%p] %q%u@%d ' does.
# Peers: GOOSE_BIN and MIGRATE_BIN, else `go run ./bench/tools`.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
PG_URL=${TIDE_BENCH_POSTGRES_URL:-${TIDE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
[ -r "$PG_LOG" ] || { echo "cannot read the server log $PG_LOG: set PG_LOG" >&2; exit 1; }
if [ -z "${GOOSE_BIN:-}" ] || [ -z "${MIGRATE_BIN:-}" ]; then
  eval "$(go run ./bench/tools)"
fi
work=$(mktemp -d -t tide-pglog.XXXXXX)
dbs=()
cleanup() {
  local d
  for d in "${dbs[@]}"; do psql "$PG_URL" -qAtXc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/tide" ./cmd/tide

mkdir -p "$work/tide-m" "$work/goose-m" "$work/migrate-m"
q="'"
for ((i = 1; i <= N; i++)); do
  printf -v up 'CREATE TABLE t%d (id INTEGER PRIMARY KEY, note VARCHAR(40));\nINSERT INTO t%d (id, note) VALUES (1, %sa; b%s);' "$i" "$i" "$q" "$q"
  printf -v down 'DROP TABLE t%d;' "$i"
  printf -v v '%05d' "$i"
  printf -- '-- +tide up\n%s\n\n-- +tide down\n%s\n' "$up" "$down" >"$work/tide-m/${v}_t$i.sql"
  printf -- '-- +goose Up\n%s\n\n-- +goose Down\n%s\n' "$up" "$down" >"$work/goose-m/${v}_t$i.sql"
  printf '%s\n' "$up" >"$work/migrate-m/${v}_t$i.up.sql"
  printf '%s\n' "$down" >"$work/migrate-m/${v}_t$i.down.sql"
done

base=${PG_URL%%\?*}
base=${base%/*}
for tool in tide goose golang-migrate; do
  db="bench_log_$$_${tool//-/_}"
  dbs+=("$db")
  url="$base/$db?sslmode=disable"
  psql "$PG_URL" -qAtXc "CREATE DATABASE $db" >/dev/null
  psql "$PG_URL" -qAtXc "ALTER DATABASE $db SET log_min_duration_statement = 0" >/dev/null
  case $tool in
    tide) up=("$work/tide" up --quiet --format native --dir "$work/tide-m" --database-url "$url")
      down=("$work/tide" down --all --quiet --format native --dir "$work/tide-m" --database-url "$url") ;;
    goose) up=("$GOOSE_BIN" -dir "$work/goose-m" postgres "$url" up)
      down=("$GOOSE_BIN" -dir "$work/goose-m" postgres "$url" down-to 0) ;;
    golang-migrate) up=("$MIGRATE_BIN" -path "$work/migrate-m" -database "$url" up)
      down=("$MIGRATE_BIN" -path "$work/migrate-m" -database "$url" down -all) ;;
  esac
  mark() { psql "$url" -qAtXc "SELECT 'bench-mark $1'" >/dev/null; }
  start=$(stat -c %s "$PG_LOG")
  mark up; "${up[@]}" >/dev/null 2>&1
  mark noop; "${up[@]}" >/dev/null 2>&1
  mark down; "${down[@]}" >/dev/null 2>&1
  mark end
  sleep 1 # let the server flush its log
  # The lines of this database that end a statement, phase by phase.
  tail -c +"$((start + 1))" "$PG_LOG" | grep -F "@$db " | grep -E 'LOG:  duration: [0-9.]+ ms  (statement|parse|bind|execute)' |
    sed -E 's/.*LOG:  duration: ([0-9.]+) ms  (statement|parse|bind|execute)[^:]*: /\1 \2 /' |
    awk -v tool="$tool" -v n="$N" '
      / SELECT .bench-mark / { phase = $5; sub(/.$/, "", phase); next }
      {
        ms = $1; kind = $2
        s = $0; sub(/^[^ ]+ [^ ]+ /, "", s)
        gsub(/[0-9]+/, "N", s)
        if (length(s) > 90) s = substr(s, 1, 90) "…"
        if (kind == "statement" || kind == "execute") { count[phase, s]++; total[phase]++ }
        dur[phase, s] += ms; tdur[phase] += ms
        if (!((phase, s) in seen)) { seen[phase, s] = 1; order[phase] = order[phase] "\x01" s }
      }
      END {
        split("up noop down", ps, " ")
        for (p = 1; p <= 3; p++) {
          ph = ps[p]; per = (ph == "noop") ? 1 : n
          printf "%s %s: %d statements, %.2f per %s, server %.3f ms per %s\n", tool, ph, total[ph], total[ph] / per, (ph == "noop") ? "run" : "migration", tdur[ph] / per, (ph == "noop") ? "run" : "migration"
          printf "  %7s  %9s  %s\n", "count", "server ms", "(per " ((ph == "noop") ? "run" : "migration") ")"
          k = split(substr(order[ph], 2), shapes, "\x01")
          for (i = 1; i <= k; i++) printf "  %7.2f  %9.3f  %s\n", count[ph, shapes[i]] / per, dur[ph, shapes[i]] / per, shapes[i]
        }
      }'
  echo
done
