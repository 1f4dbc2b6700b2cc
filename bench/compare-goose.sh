#!/usr/bin/env bash
# Times tide against goose on the same folder of goose migrations, on one
# PostgreSQL server, in one run (ratios, not absolute times, are what
# count on a shared machine).
#
#   GOOSE_BIN=/path/to/goose bench/compare-goose.sh [N]
#
# N is the number of migrations (default 200). Each creates a table and
# inserts a row. Needs TIDE_TEST_POSTGRES_URL (a server where databases may
# be created and dropped) and a goose binary (the test suite builds one in
# ~/.cache/tide-test-tools/goose-v3.26.0-*/goose; `go install
# github.com/pressly/goose/v3/cmd/goose@v3.26.0` works too).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
: "${TIDE_TEST_POSTGRES_URL:?set TIDE_TEST_POSTGRES_URL}"
GOOSE_BIN=${GOOSE_BIN:-$(ls -1 "${XDG_CACHE_HOME:-$HOME/.cache}"/tide-test-tools/goose-*/goose 2>/dev/null | head -n1)}
[ -x "$GOOSE_BIN" ] || { echo "set GOOSE_BIN to a goose binary" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/tide" ./cmd/tide
mkdir "$work/m"
for i in $(seq 1 "$N"); do
  printf -- '-- +goose Up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, note TEXT);\nINSERT INTO t%d VALUES (1, '"'"'a; b'"'"');\n\n-- +goose Down\nDROP TABLE t%d;\n' "$i" "$i" "$i" >"$work/m/$(printf '%05d' "$i")_t$i.sql"
done

base=${TIDE_TEST_POSTGRES_URL%%\?*}
base=${base%/*}
query=""
[[ "$TIDE_TEST_POSTGRES_URL" == *\?* ]] && query="?${TIDE_TEST_POSTGRES_URL#*\?}"
psql_admin() { psql "$TIDE_TEST_POSTGRES_URL" -qAtc "$1" >/dev/null; }

now() { date +%s.%N; }
run() { # run NAME COMMAND...: prints seconds
  local db="bench_$1_$$"
  psql_admin "DROP DATABASE IF EXISTS $db"; psql_admin "CREATE DATABASE $db"
  local url="$base/$db$query"
  local t0 t1
  t0=$(now)
  "${@:2}" "$url" >/dev/null 2>&1
  t1=$(now)
  psql_admin "DROP DATABASE $db WITH (FORCE)"
  echo "$t1 - $t0" | bc
}

goose_up() { "$GOOSE_BIN" -dir "$work/m" postgres "$1" up; }
tide_up() { "$work/tide" up --quiet --format goose --dir "$work/m" --database-url "$1"; }

g=$(run goose goose_up); t=$(run tide tide_up)
printf 'apply %d migrations:  goose %.2fs  tide %.2fs  (tide/goose %.2f)\n' "$N" "$g" "$t" "$(echo "$t / $g" | bc -l)"
