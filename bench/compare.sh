#!/usr/bin/env bash
# Times tide against goose and golang-migrate, whole processes, on the same
# migrations in each tool's own format, on PostgreSQL, MySQL/MariaDB and
# SQLite, with two floors that keep no history at all. Prints one markdown
# table per measure. See bench/README.md for what each row means.
#
#   bench/compare.sh [-n N] [-noop M] [-runs R] [-m LIST] [-base BIN] [-out DIR] [postgres|mysql|sqlite|all]...
#
#   -n N       migrations for up and down (default 1000); each creates a
#              table and inserts a row (down drops it); 0 skips up, down
#              and up --single-transaction (the no-op alone: -n 0 -noop M)
#   -noop M    applied migrations for the no-op up (default 10000); each
#              inserts a row into one table, so that setting them up is
#              cheap; 0 skips the measure
#   -runs R    timed runs per cell, the median is reported (default 3)
#   -m LIST    the measures to run, comma-separated (default
#              up,down,single,noop); tables of the others are left out
#   -base BIN  also time BIN, another build of tide (the commit before a
#              change), in every measure of tide's, as "tide (base)"
#   -out DIR   keep the raw results (results.tsv, hyperfine JSON) in DIR
#              (default: a temporary folder, removed at the end)
#
# Databases: TIDE_BENCH_POSTGRES_URL (default $TIDE_TEST_POSTGRES_URL, else
# postgres://postgres@127.0.0.1:5432/postgres) and TIDE_BENCH_MYSQL_URL
# (default $TIDE_TEST_MYSQL_URL, else mysql://root@127.0.0.1:3306/mysql):
# servers where databases named bench_<pid>_* may be created and dropped.
# SQLite files live in the temporary folder.
#
# Peers: GOOSE_BIN and MIGRATE_BIN, else the binaries that
# `go run ./bench/tools` builds into the test suite's cache (it is run when
# they are unset). Timing: hyperfine when installed (apt-get install
# hyperfine), else date(1) around each run; peak RSS from /usr/bin/time
# when present. The client floor needs psql, mariadb (or mysql), sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."

N=1000 NOOP=10000 RUNS=3 OUT="" MEASURES=up,down,single,noop BASE=""
dbs=()
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    -noop) NOOP=$2; shift 2 ;;
    -runs) RUNS=$2; shift 2 ;;
    -out) OUT=$2; shift 2 ;;
    -m) MEASURES=$2; shift 2 ;;
    -base) BASE=$(realpath "$2"); shift 2 ;;
    postgres|mysql|sqlite) dbs+=("$1"); shift ;;
    all) dbs+=(postgres mysql sqlite); shift ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (try -h)" >&2; exit 2 ;;
  esac
done
[ ${#dbs[@]} -gt 0 ] || dbs=(postgres mysql sqlite)
# measuring M: whether measure M is to run
measuring() { [[ ",$MEASURES," == *",$1,"* ]]; }
measuring noop || NOOP=0

PG_URL=${TIDE_BENCH_POSTGRES_URL:-${TIDE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
MY_URL=${TIDE_BENCH_MYSQL_URL:-${TIDE_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}}

work=$(mktemp -d -t tide-bench.XXXXXX)
[ -n "$OUT" ] || OUT=$work/out
mkdir -p "$OUT"
export PFX="bench_$$"
created=() # databases to drop on exit
cleanup() {
  local d
  for d in "${created[@]}"; do drop_db "$d" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${GOOSE_BIN:-}" ] || [ -z "${MIGRATE_BIN:-}" ]; then
  eval "$(go run ./bench/tools)"
fi
echo "building tide and the floor (static, CGO_ENABLED=0) from $(git rev-parse --short HEAD 2>/dev/null || echo the checkout)" >&2
# Static binaries, as bench/tools builds goose and golang-migrate
# (CGO_ENABLED=0): a binary linked to libc pays the dynamic loader at every
# start (a no-op run over one migration: 0.12 s against 0.09 s here).
CGO_ENABLED=0 go build -o "$work/tide" ./cmd/tide
CGO_ENABLED=0 go build -o "$work/floor" ./bench/floor
TIDE=$work/tide FLOOR=$work/floor
MARIADB=$(command -v mariadb || command -v mysql || true)
HYPERFINE=$(command -v hyperfine || true)
[ -n "$HYPERFINE" ] && ! command -v jq >/dev/null && HYPERFINE="" # its JSON is read with jq
GNUTIME=""
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && GNUTIME=/usr/bin/time
export TIDE FLOOR GOOSE_BIN MIGRATE_BIN MARIADB work BASE
# base: the base build's name in a measure's tools, when -base is given
base() { [ -n "$BASE" ] && echo "$1"; true; }

# --- migration folders --------------------------------------------------
# Each tool's own format, the same SQL: $work/mig holds N migrations that
# each create a table and insert a row, $work/noop NOOP migrations that
# each insert a row into one table (the first creates it). mig also gets
# the client floor's scripts: client-up.sql and client-down.sql (one
# transaction per migration) and client-one.sql (one transaction).
folders() { # KIND COUNT
  local kind=$1 n=$2 i up down v q="'"
  local dir=$work/$kind
  mkdir -p "$dir/tide" "$dir/goose" "$dir/migrate"
  for ((i = 1; i <= n; i++)); do
    if [ "$kind" = noop ]; then
      printf -v up 'INSERT INTO noop (id, note) VALUES (%d, %sa; b%s);' "$i" "$q" "$q"
      printf -v down 'DELETE FROM noop WHERE id = %d;' "$i"
      if [ "$i" -eq 1 ]; then
        up=$'CREATE TABLE noop (id INTEGER PRIMARY KEY, note VARCHAR(40));\n'$up
        down='DROP TABLE noop;'
      fi
    else
      printf -v up 'CREATE TABLE t%d (id INTEGER PRIMARY KEY, note VARCHAR(40));\nINSERT INTO t%d (id, note) VALUES (1, %sa; b%s);' "$i" "$i" "$q" "$q"
      printf -v down 'DROP TABLE t%d;' "$i"
    fi
    printf -v v '%05d' "$i"
    printf -- '-- +tide up\n%s\n\n-- +tide down\n%s\n' "$up" "$down" >"$dir/tide/${v}_t$i.sql"
    printf -- '-- +goose Up\n%s\n\n-- +goose Down\n%s\n' "$up" "$down" >"$dir/goose/${v}_t$i.sql"
    printf '%s\n' "$up" >"$dir/migrate/${v}_t$i.up.sql"
    printf '%s\n' "$down" >"$dir/migrate/${v}_t$i.down.sql"
  done
  [ "$kind" = mig ] || return 0
  for ((i = 1; i <= n; i++)); do
    printf 'BEGIN;\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, note VARCHAR(40));\nINSERT INTO t%d (id, note) VALUES (1, %sa; b%s);\nCOMMIT;\n' "$i" "$i" "$q" "$q"
  done >"$dir/client-up.sql"
  for ((i = n; i >= 1; i--)); do printf 'BEGIN;\nDROP TABLE t%d;\nCOMMIT;\n' "$i"; done >"$dir/client-down.sql"
  { echo 'BEGIN;'; grep -v -e '^BEGIN;$' -e '^COMMIT;$' "$dir/client-up.sql"; echo 'COMMIT;'; } >"$dir/client-one.sql"
}

# --- databases ----------------------------------------------------------
# url_parts URL: sets U_USER U_PASS U_HOST U_PORT U_QUERY from
# scheme://user[:pass]@host[:port]/db[?query].
url_parts() {
  local rest=${1#*://} auth
  U_QUERY=""; [[ $rest == *\?* ]] && U_QUERY=${rest#*\?} && rest=${rest%%\?*}
  rest=${rest%%/*}
  auth=""; [[ $rest == *@* ]] && auth=${rest%@*} && rest=${rest##*@}
  U_USER=${auth%%:*}; U_PASS=""; [[ $auth == *:* ]] && U_PASS=${auth#*:}
  U_HOST=${rest%:*}; U_PORT=${rest##*:}; [[ $rest == *:* ]] || U_PORT=""
}
url_parts "$PG_URL"
PG_AUTH=$U_USER${U_PASS:+:$U_PASS}@ PG_HOSTPORT=$U_HOST:${U_PORT:-5432} PG_QUERY=${U_QUERY:-sslmode=disable}
[[ $PG_QUERY == *sslmode=* ]] || PG_QUERY="$PG_QUERY&sslmode=disable" # lib/pq (golang-migrate) wants TLS otherwise
url_parts "$MY_URL"
MY_USER=$U_USER MY_PASS=$U_PASS MY_HOST=$U_HOST MY_PORT=${U_PORT:-3306}
export PG_URL PG_AUTH PG_HOSTPORT PG_QUERY MY_USER MY_PASS MY_HOST MY_PORT

mysql_client() { "$MARIADB" -h "$MY_HOST" -P "$MY_PORT" -u "$MY_USER" ${MY_PASS:+"--password=$MY_PASS"} "$@"; }

# Database names are $PFX_<kind>_<db>_<tool>; a kind's name is its DB.
drop_db() {
  case $1 in
    *_postgres_*) psql "$PG_URL" -qAtXc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" ;;
    *_mysql_*) mysql_client -e "DROP DATABASE IF EXISTS $1" ;;
    *_sqlite_*) rm -f "$work/$1.sqlite" "$work/$1.sqlite-journal" "$work/$1.sqlite-wal" "$work/$1.sqlite-shm" ;;
  esac
}
reset_db() {
  drop_db "$1" >/dev/null
  case $1 in
    *_postgres_*) psql "$PG_URL" -qAtXc "CREATE DATABASE $1" ;;
    *_mysql_*) mysql_client -e "CREATE DATABASE $1" ;;
  esac
}

# cmd TOOL ACTION DB FOLDERKIND: the command line that runs ACTION (up,
# down, noop) with TOOL on database DB. FOLDERKIND is mig or noop.
cmd() {
  local tool=$1 action=$2 db=$3 kind=$4 url gdrv gdsn murl
  local dir=$work/$kind
  case $db in
    *_postgres_*) url="postgres://$PG_AUTH$PG_HOSTPORT/$db?$PG_QUERY"; gdrv=postgres; gdsn=$url; murl=$url ;;
    *_mysql_*) url="mysql://$MY_USER${MY_PASS:+:$MY_PASS}@$MY_HOST:$MY_PORT/$db"
      gdrv=mysql; gdsn="$MY_USER${MY_PASS:+:$MY_PASS}@tcp($MY_HOST:$MY_PORT)/$db?parseTime=true"
      murl="mysql://$MY_USER${MY_PASS:+:$MY_PASS}@tcp($MY_HOST:$MY_PORT)/$db?multiStatements=true" ;;
    *_sqlite_*) url="sqlite:$work/$db.sqlite"; gdrv=sqlite3; gdsn="$work/$db.sqlite"; murl="sqlite://$work/$db.sqlite" ;;
  esac
  case $tool:$action in
    tide:up|tide:noop) echo "$TIDE up --quiet --format native --dir $dir/tide --database-url '$url'" ;;
    tide:down) echo "$TIDE down --all --quiet --format native --dir $dir/tide --database-url '$url'" ;;
    tide1:*) echo "$TIDE up --single-transaction --quiet --format native --dir $dir/tide --database-url '$url'" ;;
    tide-base:up|tide-base:noop) echo "$BASE up --quiet --format native --dir $dir/tide --database-url '$url'" ;;
    tide-base:down) echo "$BASE down --all --quiet --format native --dir $dir/tide --database-url '$url'" ;;
    tide-base1:*) echo "$BASE up --single-transaction --quiet --format native --dir $dir/tide --database-url '$url'" ;;
    goose:up|goose:noop) echo "$GOOSE_BIN -dir $dir/goose $gdrv '$gdsn' up" ;;
    goose:down) echo "$GOOSE_BIN -dir $dir/goose $gdrv '$gdsn' down-to 0" ;;
    golang-migrate:up|golang-migrate:noop) echo "$MIGRATE_BIN -path $dir/migrate -database '$murl' up" ;;
    golang-migrate:down) echo "$MIGRATE_BIN -path $dir/migrate -database '$murl' down -all" ;;
    floor:up) echo "$FLOOR -url '$url' -n $N" ;;
    floor:down) echo "$FLOOR -url '$url' -n $N -down" ;;
    client:*|client1:*)
      local script=$dir/client-$action.sql
      [ "$tool" = client1 ] && script=$dir/client-one.sql
      case $db in
        *_postgres_*) echo "psql -X -q -v ON_ERROR_STOP=1 -d '$url' -f $script" ;;
        *_mysql_*) echo "$MARIADB -h $MY_HOST -P $MY_PORT -u $MY_USER ${MY_PASS:+--password=$MY_PASS} $db -e 'source $script'" ;;
        *_sqlite_*) echo "sqlite3 -bail $work/$db.sqlite '.read $script'" ;;
      esac ;;
  esac
}
export -f drop_db reset_db mysql_client

# --- timing -------------------------------------------------------------
# The tools take turns: round r times each tool once (starting with a
# different tool each round), so that a change in the load of this shared
# machine hits every tool alike; the median of the rounds is reported.
RAW=$OUT/runs.tsv   # one line per timed run
RESULTS=$OUT/results.tsv
printf 'db\tmeasure\ttool\tround\tseconds\tcpu_s\trss_mb\n' >"$RAW"

# once KIND MEASURE TOOL ROUND PREPARE COMMAND: runs PREPARE, then times
# COMMAND once and appends it to runs.tsv.
once() {
  local kind=$1 measure=$2 tool=$3 round=$4 prepare=$5 command=$6
  local rss=$work/rss secs cpu=- mb=-
  rm -f "$rss"
  [ -n "${BENCH_DEBUG:-}" ] && echo "prepare: $prepare" "command: $command" >&2
  [ -n "$GNUTIME" ] && command="$GNUTIME -f %M -o $rss $command"
  if [ -n "$HYPERFINE" ]; then
    local js=$OUT/$kind-$measure-$tool-$round.json
    "$HYPERFINE" -S bash --runs 1 --style none --prepare "$prepare" --export-json "$js" -n "$tool" "$command" >/dev/null 2>&1 ||
      { echo "failed: $command" >&2; exit 1; }
    secs=$(jq -r '.results[0].times[0]' "$js")
    cpu=$(jq -r '.results[0].user + .results[0].system' "$js")
  else
    local t0 t1
    bash -c "$prepare" >/dev/null
    t0=$(date +%s%N)
    bash -c "$command" >/dev/null 2>&1 || { echo "failed: $command" >&2; exit 1; }
    t1=$(date +%s%N)
    secs=$(awk -v d=$((t1 - t0)) 'BEGIN {printf "%.6f", d / 1e9}')
  fi
  [ -s "$rss" ] && mb=$(awk '{printf "%.0f", $1 / 1024}' "$rss")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$measure" "$tool" "$round" "$secs" "$cpu" "$mb" >>"$RAW"
  printf '  %-8s %-6s %-15s round %d: %6.2f s\n' "$kind" "$measure" "$tool" "$round" "$secs" >&2
}

# rounds KIND MEASURE FOLDER TOOL...: RUNS rounds of MEASURE over TOOLs.
rounds() {
  local kind=$1 measure=$2 folder=$3 r i k tool db prepare action=$2
  shift 3
  local tools=("$@")
  [ "$measure" = single ] && action=up
  for ((r = 1; r <= RUNS; r++)); do
    for ((k = 0; k < ${#tools[@]}; k++)); do
      i=$(( (k + r - 1) % ${#tools[@]} ))
      tool=${tools[$i]}
      db=${PFX}_${kind}_${measure}_${tool//-/_}
      case $measure in
        up|single) prepare="reset_db $db" ;;
        down) prepare="reset_db $db && $(cmd "$tool" up "$db" "$folder") >/dev/null 2>&1" ;;
        noop) prepare=true ;;
      esac
      once "$kind" "$measure" "$tool" "$r" "$prepare" "$(cmd "$tool" "$action" "$db" "$folder")"
    done
  done
  for tool in "${tools[@]}"; do
    [ "$measure" = noop ] || drop_db "${PFX}_${kind}_${measure}_${tool//-/_}" >/dev/null
  done
}

# --- the measures ---------------------------------------------------------
echo "writing $N migrations and $NOOP no-op migrations per format" >&2
[ "$N" -gt 0 ] && folders mig "$N"
[ "$NOOP" -gt 0 ] && folders noop "$NOOP"
# Write the folders out now, so that the kernel's writeback of thousands of
# new files does not compete with the first timed runs' fsyncs.
sync

for kind in "${dbs[@]}"; do
  case $kind in
    postgres) command -v psql >/dev/null || { echo "psql is needed for postgres" >&2; exit 1; } ;;
    mysql) [ -n "$MARIADB" ] || { echo "mariadb (or mysql) is needed for mysql" >&2; exit 1; } ;;
  esac
  for m in up down single noop; do
    for tool in tide tide1 tide-base tide-base1 goose golang-migrate floor client client1; do created+=("${PFX}_${kind}_${m}_${tool//-/_}"); done
  done
  measuring up && rounds "$kind" up mig tide $(base tide-base) goose golang-migrate floor client
  measuring down && rounds "$kind" down mig tide $(base tide-base) goose golang-migrate floor client
  if ! measuring single; then
    :
  elif [ "$kind" = mysql ]; then
    rounds "$kind" single mig client1 # tide refuses: MySQL DDL commits implicitly
  else
    # goose and golang-migrate have no such mode: their plain up, timed
    # in the same rounds, shows how far each is from the same limit.
    rounds "$kind" single mig tide1 $(base tide-base1) client1 goose golang-migrate
  fi
  if [ "$NOOP" -gt 0 ]; then
    for tool in tide goose golang-migrate; do
      db=${PFX}_${kind}_noop_${tool//-/_}
      reset_db "$db" >/dev/null
      echo "  $kind noop $tool: applying $NOOP migrations (untimed)" >&2
      bash -c "$(cmd "$tool" noop "$db" noop)" >/dev/null 2>&1 || { echo "setting up the no-op for $tool failed" >&2; exit 1; }
    done
    rounds "$kind" noop noop tide goose golang-migrate
    for tool in tide goose golang-migrate; do drop_db "${PFX}_${kind}_noop_${tool//-/_}" >/dev/null; done
  fi
done

# results.tsv: per database, measure and tool, the median seconds of the
# rounds, the mean CPU seconds (user+system) and the peak RSS.
printf 'db\tmeasure\ttool\tmedian_s\tcpu_s\trss_mb\n' >"$RESULTS"
tail -n +2 "$RAW" | sort -t$'\t' -k1,1 -k2,2 -k3,3 -k5,5g | awk -F'\t' -v OFS='\t' '
  function flush() {
    if (key == "") return
    m = n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
    print key, m, (cn ? c / cn : "-"), (rss == "" ? "-" : rss)
  }
  { k = $1 OFS $2 OFS $3
    if (k != key) { flush(); key = k; n = 0; c = 0; cn = 0; rss = "" }
    t[++n] = $5
    if ($6 != "-") { c += $6; cn++ }
    if ($7 != "-" && (rss == "" || $7 + 0 > rss + 0)) rss = $7 }
  END { flush() }' >>"$RESULTS"

# --- tables ---------------------------------------------------------------
# get KIND MEASURE TOOL FIELD (4 median, 5 cpu, 6 rss)
get() { awk -F'\t' -v k="$1" -v m="$2" -v t="$3" -v f="$4" '$1==k && $2==m && $3==t {v=$f} END {print (v=="" ? "-" : v)}' "$RESULTS"; }
fmt() { [ "$1" = - ] && echo - || printf '%.2f' "$1"; }
ratio() { [ "$1" = - ] || [ "$2" = - ] && echo - || awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
faster() { awk -v a="$1" -v b="$2" 'BEGIN {print (a=="-" ? b : (b=="-" || a+0 < b+0) ? a : b)}'; }

table() { # measure title
  local m=$1 kind t g mg fl cl
  echo
  echo "### $2"
  echo
  local bh="" bs="" b
  [ -n "$BASE" ] && bh=" tide (base) | base ÷ faster peer |" bs=" --: | --: |"
  echo "| database | tide | goose | golang-migrate | floor: Go, database/sql | floor: client | tide ÷ faster peer | tide ÷ Go floor |$bh"
  echo "| --- | --: | --: | --: | --: | --: | --: | --: |$bs"
  for kind in "${dbs[@]}"; do
    t=$(get "$kind" "$m" tide 4); g=$(get "$kind" "$m" goose 4); mg=$(get "$kind" "$m" golang-migrate 4)
    fl=$(get "$kind" "$m" floor 4); cl=$(get "$kind" "$m" client 4)
    b=""
    [ -n "$BASE" ] && b=" $(fmt "$(get "$kind" "$m" tide-base 4)") | $(ratio "$(get "$kind" "$m" tide-base 4)" "$(faster "$g" "$mg")") |"
    echo "| $kind | $(fmt "$t") | $(fmt "$g") | $(fmt "$mg") | $(fmt "$fl") | $(fmt "$cl") | **$(ratio "$t" "$(faster "$g" "$mg")")** | $(ratio "$t" "$fl") |$b"
  done
}
resources() { # measure
  local m=$1 kind tool row
  echo
  echo "CPU seconds (user+system, mean) / peak RSS MB:"
  echo
  echo "| database | tide | goose | golang-migrate |"
  echo "| --- | --: | --: | --: |"
  for kind in "${dbs[@]}"; do
    row="| $kind |"
    for tool in tide goose golang-migrate; do
      row="$row $(fmt "$(get "$kind" "$m" "$tool" 5)") / $(get "$kind" "$m" "$tool" 6) |"
    done
    echo "$row"
  done
}

{
  echo "## tide vs goose and golang-migrate: whole processes, median of $RUNS rounds in which the tools take turns, seconds"
  echo
  echo "$(date -u +%Y-%m-%d), $(git rev-parse --short HEAD 2>/dev/null), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); timer: $([ -n "$HYPERFINE" ] && "$HYPERFINE" --version || echo "date(1)")"
  if measuring up; then
    table up "up: $N migrations (CREATE TABLE + INSERT each)"
    resources up
  fi
  if measuring down; then
    table down "down: the same $N migrations reverted (DROP TABLE each)"
    resources down
  fi
  measuring single && {
  echo
  echo "### up --single-transaction: $N migrations in one transaction"
  echo
  bh="" bs="" b=""
  [ -n "$BASE" ] && bh=" tide (base) | base ÷ client |" bs=" --: | --: |"
  echo "| database | tide --single-transaction | client, one script in one transaction | goose (up) | golang-migrate (up) | tide ÷ client | goose ÷ client | golang-migrate ÷ client |$bh"
  echo "| --- | --: | --: | --: | --: | --: | --: | --: |$bs"
  for kind in "${dbs[@]}"; do
    cl=$(get "$kind" single client1 4)
    if [ "$kind" = mysql ]; then
      [ -n "$BASE" ] && b=" - | - |"
      echo "| $kind | refused (DDL commits implicitly) | $(fmt "$cl") | - | - | n/a | - | - |$b"
    else
      t=$(get "$kind" single tide1 4); g=$(get "$kind" single goose 4); mg=$(get "$kind" single golang-migrate 4)
      [ -n "$BASE" ] && b=" $(fmt "$(get "$kind" single tide-base1 4)") | $(ratio "$(get "$kind" single tide-base1 4)" "$cl") |"
      echo "| $kind | $(fmt "$t") | $(fmt "$cl") | $(fmt "$g") | $(fmt "$mg") | **$(ratio "$t" "$cl")** | $(ratio "$g" "$cl") | $(ratio "$mg" "$cl") |$b"
    fi
  done
  }
  if [ "$NOOP" -gt 0 ]; then
    echo
    echo "### no-op up over $NOOP applied migrations"
    echo
    echo "| database | tide | goose | golang-migrate | tide ÷ goose | tide ÷ faster peer |"
    echo "| --- | --: | --: | --: | --: | --: |"
    for kind in "${dbs[@]}"; do
      t=$(get "$kind" noop tide 4); g=$(get "$kind" noop goose 4); mg=$(get "$kind" noop golang-migrate 4)
      echo "| $kind | $(fmt "$t") | $(fmt "$g") | $(fmt "$mg") | **$(ratio "$t" "$g")** | $(ratio "$t" "$(faster "$g" "$mg")") |"
    done
    resources noop
  fi
} | tee "$OUT/tables.md"
[ "$OUT" = "$work/out" ] || echo "raw results in $OUT" >&2
