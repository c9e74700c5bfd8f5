#!/usr/bin/env bash
# Orders/s of the restock service against a baseline measured in the same run: measure.sh on the
# baseline's jar and on this one, alternated (the baseline first in odd rounds, second in even ones,
# so that a machine that drifts favours neither), then each round's ratio and the median.
#
#   example-app/load/compare.sh [--baseline-rev REV | --baseline-jar JAR] [--rounds N] [JAR]
#
# The baseline is by default the service as the issue measured it, before it ran on the engine
# (the parent of c9946fa: an execution table fed by a listener, 13 commits per order); its jar is built
# in a throwaway worktree (Maven offline when it can, else online). JAR: this worktree's jar
# (example-app/target/stepwise-example-app.jar, built by `mvn -B -q package -DskipTests`). The
# environment reaches measure.sh (CLIENTS, RUN_SECONDS, WARM_SECONDS, N); run it as root on a quiet
# machine: each measure.sh takes about 3 minutes.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASELINE_REV=c9946fa^
BASELINE_JAR=
ROUNDS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline-rev) BASELINE_REV=$2; shift 2 ;;
    --baseline-jar) BASELINE_JAR=$(realpath "$2"); shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
JAR=$(realpath "${1:-$ROOT/example-app/target/stepwise-example-app.jar}")
OUT=$(mktemp -d /tmp/restock-compare.XXXXXX)
WORKTREE=
cleanup() {
  if [ -n "$WORKTREE" ]; then git -C "$ROOT" worktree remove --force "$WORKTREE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ -z "$BASELINE_JAR" ]; then
  WORKTREE="$OUT/baseline-src"
  git -C "$ROOT" worktree add --detach -q "$WORKTREE" "$BASELINE_REV"
  echo "building the baseline ($(git -C "$WORKTREE" log --oneline -1 | cut -c1-72)...)"
  (cd "$WORKTREE" && { mvn -B -q -o package -DskipTests >"$OUT/build.log" 2>&1 \
    || mvn -B -q package -DskipTests >>"$OUT/build.log" 2>&1; }) || { tail -30 "$OUT/build.log"; exit 1; }
  BASELINE_JAR="$OUT/baseline.jar"
  cp "$WORKTREE/example-app/target/stepwise-example-app.jar" "$BASELINE_JAR"
  echo "baseline jar: $BASELINE_JAR"
fi

run() {   # run ROUND NAME JAR: measure.sh's output in $OUT/NAME.ROUND
  echo "round $1, $2: $(date +%T), load average $(cut -d' ' -f1 /proc/loadavg)"
  bash "$HERE/measure.sh" "$3" >"$OUT/$2.$1" 2>&1 || { cat "$OUT/$2.$1"; exit 1; }
  grep -E '^sequential|clients=' "$OUT/$2.$1" | sed 's/^/  /'
}
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    run "$round" baseline "$BASELINE_JAR"; run "$round" new "$JAR"
  else
    run "$round" new "$JAR"; run "$round" baseline "$BASELINE_JAR"
  fi
done

python3 - "$OUT" "$ROUNDS" <<'PY'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
if rounds == 0:   # --rounds 0: the baseline's jar is built, nothing is measured
    sys.exit(0)
def rates(path):   # clients -> orders/s, from wrk's or Load.java's line
    found = {}
    for line in open(path):
        m = re.match(r'clients=(\d+):? .*?(?:Requests/sec:\s*|orders/s=)([\d.]+)', line)
        if m:
            found[int(m.group(1))] = float(m.group(2))
    return found
base = [rates(f"{out}/baseline.{r}") for r in range(1, rounds + 1)]
new = [rates(f"{out}/new.{r}") for r in range(1, rounds + 1)]
print("\n| clients | baseline orders/s | this jar | ratio per round | median ratio |")
print("|---:|---|---|---|---:|")
for c in sorted(base[0]):
    ratios = [n[c] / b[c] for b, n in zip(base, new) if c in b and c in n and b[c] > 0]
    print(f"| {c} | {', '.join(f'{b[c]:.0f}' for b in base)} | {', '.join(f'{n[c]:.0f}' for n in new)} | "
          f"{', '.join(f'{r:.2f}x' for r in ratios)} | **{statistics.median(ratios):.2f}x** |")
PY
echo "(each measure.sh's whole output: $OUT)"
