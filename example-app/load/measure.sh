#!/usr/bin/env bash
# Measures the restock service on PostgreSQL: commits (and WAL syncs) per order over N sequential
# POSTs, then orders/s with 1, 8 and 32 clients (wrk with orders.lua when wrk is installed, as the
# issue's baseline was measured; else Load.java, whose own CPU, about 2.5 ms per order against wrk's
# 0.1, is taken from the cores the service and PostgreSQL share). It starts a throwaway PostgreSQL 15
# (Debian's postgresql package; run as root, initdb runs as the postgres user) and the service jar,
# and removes both at the end.
#
#   example-app/load/measure.sh [path/to/stepwise-example-app.jar]
#
# Environment: PGBIN (/usr/lib/postgresql/15/bin), PGPORT (55811), PORT (9811), N (200 POSTs),
# WARM_SECONDS (60 of load at 8 clients before the first client count), RUN_SECONDS (20 per client
# count, after 5 s of warm-up), CLIENTS ("1 8 32"). compare.sh runs it on two jars, alternated.
#
# Why a minute of warm-up: with 5 s, the JIT's C2 compiler was still compiling the service's hot
# methods (Jetty's parser, the driver's, the store's) all through the 8-client window, a third of the
# service's CPU there, on this 2-core machine; after a minute of load it is done, and the figures are
# the service's steady state.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=$(realpath "${1:-$HERE/../target/stepwise-example-app.jar}")
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-55811}
PORT=${PORT:-9811}
N=${N:-200}
WARM_SECONDS=${WARM_SECONDS:-60}
RUN_SECONDS=${RUN_SECONDS:-20}
CLIENTS=${CLIENTS:-1 8 32}
BODY='{"supplier_id": "sup_1", "items": [{"product_id": "prod_1", "quantity": 2, "unit_cost": 10.5}, {"product_id": "prod_2", "quantity": 1, "unit_cost": 4}]}'

D=$(mktemp -d /tmp/restock-load.XXXXXX)
. "$HERE/postgres.sh"
SERVICE=
cleanup() {
  if [ -n "$SERVICE" ]; then kill "$SERVICE" 2>/dev/null || true; wait "$SERVICE" 2>/dev/null || true; fi
  postgres_stop
}
trap cleanup EXIT
postgres_start
PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atq)
"${PSQL[@]}" -c "CREATE DATABASE shop"

PORT=$PORT DATABASE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/shop?user=postgres" java -jar "$JAR" >"$D/service.log" 2>&1 &
SERVICE=$!
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/admin/restock-orders" && break
  sleep 0.1
done
post() {
  curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' -H "Idempotency-Key: $1" \
    -d "$BODY" "http://127.0.0.1:$PORT/admin/restock-orders"
}
# counters: commits of the shop database, WAL syncs of the server; a backend reports its counters
# when idle for a while (PGSTAT_IDLE_INTERVAL, 10 s), hence the pauses
counters() {
  "${PSQL[@]}" -F ' ' -c "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'shop'), (SELECT wal_sync FROM pg_stat_wal)"
}
for i in $(seq 1 20); do post "warm-$i" >/dev/null; done
sleep 11
read -r commits0 syncs0 <<<"$(counters)"
codes=$(for i in $(seq 1 "$N"); do post "seq-$i"; done | sort | uniq -c | tr -s ' ' | tr '\n' ';')
sleep 11
read -r commits1 syncs1 <<<"$(counters)"
echo "sequential: $N POSTs answered:$codes commits/order=$(echo "scale=2; ($commits1 - $commits0) / $N" | bc)" \
  "wal_syncs/order=$(echo "scale=2; ($syncs1 - $syncs0) / $N" | bc)"

# CPU time (user + system, in clock ticks) of a process and its children: the service, PostgreSQL's postmaster
# and its backends
ticks() {
  local total=0 t
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
POSTMASTER=$(head -1 "$D/data/postmaster.pid")
HZ=$(getconf CLK_TCK)
orders() { "${PSQL[@]}" -d shop -c "SELECT count(*) FROM restock_order"; }
# load CLIENTS SECONDS WARMUP: orders posted by CLIENTS clients for SECONDS after WARMUP seconds not
# counted; prints one line: clients=C: Requests/sec: ... (wrk) or clients=C seconds=... orders/s=...
load() {
  if command -v wrk >/dev/null; then
    local t=$(( $1 < 2 ? 1 : 2 ))
    if [ "$3" -gt 0 ]; then
      wrk -t"$t" -c"$1" -d"$3s" -s "$HERE/orders.lua" "http://127.0.0.1:$PORT/admin/restock-orders" >/dev/null
    fi
    echo "clients=$1: $(wrk -t"$t" -c"$1" -d"$2s" -s "$HERE/orders.lua" \
      "http://127.0.0.1:$PORT/admin/restock-orders" | grep -E 'Requests/sec|status|Non-2xx' | tr '\n' ' ')"
  else
    java "$HERE/Load.java" "http://127.0.0.1:$PORT" "$1" "$2" "$3"
  fi
}
if [ "$WARM_SECONDS" -gt 0 ]; then
  load 8 "$WARM_SECONDS" 0 | sed 's/^/warm-up: /'
fi
for c in $CLIENTS; do
  s0=$(ticks "$SERVICE"); p0=$(ticks "$POSTMASTER"); o0=$(orders); read -r x0 _ <<<"$(counters)"
  load "$c" "$RUN_SECONDS" 5
  s1=$(ticks "$SERVICE"); p1=$(ticks "$POSTMASTER"); o1=$(orders); read -r x1 _ <<<"$(counters)"
  n=$((o1 - o0))
  # (a busy backend reports its counters at most once a second: the commits are within a few percent)
  echo "  clients=$c: per order (warm-up included): CPU of the service $(echo "scale=2; ($s1 - $s0) * 1000 / $HZ / $n" | bc) ms," \
    "of PostgreSQL $(echo "scale=2; ($p1 - $p0) * 1000 / $HZ / $n" | bc) ms, commits $(echo "scale=2; ($x1 - $x0) / $n" | bc)," \
    "over $n orders"
done
echo "service log ERROR lines: $(grep -c "ERROR" "$D/service.log" || true)"
