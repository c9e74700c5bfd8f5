#!/usr/bin/env bash
# Orders/s of two builds of the restock service, measured in short windows that alternate between
# them, both kept running and warm: the ratio of each pair of adjacent windows, then their median.
#
#   example-app/load/interleave.sh BASELINE_JAR [JAR]
#
# Why next to compare.sh: on this machine (a virtual machine on a shared host) the same jar measures
# anywhere from 430 to 760 orders/s at 8 clients depending on the minute, and the CPU time per order
# moves with it. compare.sh alternates whole measure.sh runs (about 3 minutes each), so the host's
# drift between two runs lands in their ratio. Here the two services run side by side on one
# PostgreSQL (a database each) and take turns every WINDOW_SECONDS, in the order A B B A A B ...:
# a pair is seconds apart, and a drift that is steady over a pair favours neither side.
#
# Environment: CLIENTS ("8 32"), PAIRS (6 per client count), WINDOW_SECONDS (10), WARM_SECONDS (60
# of load at 8 clients for each service, in turns of 15 s, before the first window), PGBIN
# (/usr/lib/postgresql/15/bin), PGPORT (55821), PORT (9821: the baseline's; the other's is PORT+1).
# Needs wrk, and root (initdb runs as the postgres user), on a machine where nothing else runs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BASELINE_JAR [JAR]" >&2; exit 2; }
command -v wrk >/dev/null || { echo "interleave.sh needs wrk (apt-get install wrk); measure.sh does without" >&2; exit 2; }
JARS=("$(realpath "$1")" "$(realpath "${2:-$HERE/../target/stepwise-example-app.jar}")")
NAMES=(baseline new)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-55821}
PORT=${PORT:-9821}
CLIENTS=${CLIENTS:-8 32}
PAIRS=${PAIRS:-6}
WINDOW_SECONDS=${WINDOW_SECONDS:-10}
WARM_SECONDS=${WARM_SECONDS:-60}

D=$(mktemp -d /tmp/restock-interleave.XXXXXX)
. "$HERE/postgres.sh"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  postgres_stop
}
trap cleanup EXIT
postgres_start
for i in 0 1; do
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atq -c "CREATE DATABASE shop_$i"
  PORT=$((PORT + i)) DATABASE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/shop_$i?user=postgres" \
    java -jar "${JARS[$i]}" >"$D/service-$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 0 1; do
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$((PORT + i))/admin/restock-orders" && break
    sleep 0.1
  done
  curl -sf -o /dev/null "http://127.0.0.1:$((PORT + i))/admin/restock-orders" \
    || { echo "${NAMES[$i]} did not start:"; tail -20 "$D/service-$i.log"; exit 1; }
done

# rps SERVICE CLIENTS SECONDS: the orders/s wrk measured, after checking that every answer was a 201
rps() {
  local out
  out=$(wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$3s" -s "$HERE/orders.lua" "http://127.0.0.1:$((PORT + $1))/admin/restock-orders")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "${NAMES[$1]}: not every answer was a 201:" >&2; echo "$out" >&2; exit 1
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
echo "baseline: ${JARS[0]}"
echo "new:      ${JARS[1]}"
echo "warm-up: $WARM_SECONDS s at 8 clients for each, in turns of 15 s ($(date +%T))"
for _ in $(seq 1 $(( (WARM_SECONDS + 14) / 15 ))); do
  rps 0 8 15 >/dev/null; rps 1 8 15 >/dev/null
done
first=0
for c in $CLIENTS; do
  ratios=()
  for p in $(seq 1 "$PAIRS"); do
    a=$first; b=$((1 - first)); first=$b   # A B, then B A: each pair starts with the other's last
    ra=$(rps "$a" "$c" "$WINDOW_SECONDS"); rb=$(rps "$b" "$c" "$WINDOW_SECONDS")
    if [ "$a" -eq 0 ]; then base=$ra; new=$rb; else base=$rb; new=$ra; fi
    ratio=$(echo "scale=3; $new / $base" | bc)
    ratios+=("$ratio")
    echo "clients=$c pair $p ($(date +%T)): baseline $base, new $new orders/s: ${ratio}x"
  done
  sorted=$(printf '%s\n' "${ratios[@]}" | sort -n)
  n=${#ratios[@]}
  median=$(echo "$sorted" | awk -v n="$n" '{v[NR]=$1} END {print (n % 2) ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2}')
  echo "clients=$c: median ${median}x, lowest $(echo "$sorted" | head -1)x, highest $(echo "$sorted" | tail -1)x over $n pairs"
done
for i in 0 1; do
  echo "${NAMES[$i]} log ERROR lines: $(grep -c ERROR "$D/service-$i.log" || true)"
done
