#!/usr/bin/env bash
# Counts the commands that tide, goose and golang-migrate send to MySQL or
# MariaDB, from the wire: each tool runs through bench/wirecount, a TCP
# proxy that counts the client's commands (queries by statement shape,
# prepares, executes of prepared statements). Phases, each on a fresh
# database per tool: up of N migrations, a no-op up, a down of all.
#
#   bench/mysqlwire.sh [N]          # N migrations, default 20
#
# Needs: TIDE_BENCH_MYSQL_URL (default $TIDE_TEST_MYSQL_URL, else
# mysql://root@127.0.0.1:3306/mysql), a server without TLS on that
# connection, a free port WIRE_PORT (default 3307) on 127.0.0.1, mariadb
# (or mysql). Peers: GOOSE_BIN and MIGRATE_BIN, else `go run ./bench/tools`.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
MY_URL=${TIDE_BENCH_MYSQL_URL:-${TIDE_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}}
PORT=${WIRE_PORT:-3307}
rest=${MY_URL#*://}; rest=${rest%%\?*}; rest=${rest%%/*}
auth=""; [[ $rest == *@* ]] && auth=${rest%@*} && rest=${rest##*@}
user=${auth%%:*}; pass=""; [[ $auth == *:* ]] && pass=${auth#*:}
host=${rest%:*}; port=${rest##*:}; [[ $rest == *:* ]] || port=3306
MARIADB=$(command -v mariadb || command -v mysql)
admin() { "$MARIADB" -h "$host" -P "$port" -u "$user" ${pass:+"--password=$pass"} -e "$1"; }
if [ -z "${GOOSE_BIN:-}" ] || [ -z "${MIGRATE_BIN:-}" ]; then
  eval "$(go run ./bench/tools)"
fi
work=$(mktemp -d -t tide-wire.XXXXXX)
dbs=()
cleanup() {
  local d
  for d in "${dbs[@]}"; do admin "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/tide" ./cmd/tide
go build -o "$work/wirecount" ./bench/wirecount

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

hp="127.0.0.1:$PORT"
cred=$user${pass:+:$pass}
for tool in tide goose golang-migrate; do
  db="bench_wire_$$_${tool//-/_}"
  dbs+=("$db")
  admin "CREATE DATABASE $db"
  case $tool in
    tide) u="mysql://$cred@$hp/$db"
      up=("$work/tide" up --quiet --format native --dir "$work/tide-m" --database-url "$u")
      down=("$work/tide" down --all --quiet --format native --dir "$work/tide-m" --database-url "$u") ;;
    goose) u="$cred@tcp($hp)/$db?parseTime=true"
      up=("$GOOSE_BIN" -dir "$work/goose-m" mysql "$u" up)
      down=("$GOOSE_BIN" -dir "$work/goose-m" mysql "$u" down-to 0) ;;
    golang-migrate) u="mysql://$cred@tcp($hp)/$db?multiStatements=true"
      up=("$MIGRATE_BIN" -path "$work/migrate-m" -database "$u" up)
      down=("$MIGRATE_BIN" -path "$work/migrate-m" -database "$u" down -all) ;;
  esac
  wc=("$work/wirecount" -target "$host:$port" -listen "$hp")
  printf '%s up: ' "$tool"; "${wc[@]}" -per "$N" -- "${up[@]}"
  printf '%s noop: ' "$tool"; "${wc[@]}" -per 1 -- "${up[@]}"
  printf '%s down: ' "$tool"; "${wc[@]}" -per "$N" -- "${down[@]}"
  echo
done
