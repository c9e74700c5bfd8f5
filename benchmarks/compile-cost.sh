#!/usr/bin/env bash
# What the Stepwise annotation processor adds to javac's time: generates N workflows of 10 steps,
# then times javac with the processor against javac on the same sources plus the generated runners
# with -proc:none, in turns, and prints the median ratio and its range. See benchmarks/README.md.
#
#   benchmarks/compile-cost.sh [--workflows 200] [--per-package 10] [--reps 7]
#       [--dir /tmp/stepwise-compile-cost] [--rev REV] [--baseline-rev REV] [--floor] [--jfr FILE]
#
# --rev REV           times the processor of git revision REV instead of the working tree's
# --baseline-rev REV  also times the processor of git revision REV (e.g. main), in the same turns
# --floor             also times a processor that only writes the same runners: javac's own share
# --jfr FILE          records one compilation with the processor with Java Flight Recorder instead
#                     (a sample a millisecond); java benchmarks/compile-cost/JfrShares.java FILE
#                     then gives the share of javac's thread in each part (JavaPoet, Filer, rounds...)
#
# Builds annotations, runtime and processor classes of this checkout (mvn compile, offline if it
# can; never install), so it measures the processor of the working tree unless --rev says otherwise.
# Not part of any Maven build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

args=()
rev=""
baseline_rev=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rev) rev="$2"; shift 2 ;;
    --baseline-rev) baseline_rev="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [[ -n "$rev" ]]; then
  mvn -B -q -o -pl annotations,runtime compile 2>/dev/null || mvn -B -q -pl annotations,runtime compile
else
  mvn -B -q -o -pl processor -am compile 2>/dev/null || mvn -B -q -pl processor -am compile
fi

version() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml; }
m2="$HOME/.m2/repository"
javapoet="$m2/com/palantir/javapoet/javapoet/$(version javapoet.version)/javapoet-$(version javapoet.version).jar"
slf4j="$m2/org/slf4j/slf4j-api/$(version slf4j.version)/slf4j-api-$(version slf4j.version).jar"
auto_service="$m2/com/google/auto/service/auto-service-annotations/$(version auto-service.version)/auto-service-annotations-$(version auto-service.version).jar"
for jar in "$javapoet" "$slf4j" "$auto_service"; do
  [[ -f "$jar" ]] || { echo "missing $jar: run mvn -B -pl processor -am compile once" >&2; exit 1; }
done

work="$(mktemp -d /tmp/stepwise-compile-cost-build.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# The processor of a git revision in $work/$2/classes, compiled as Maven compiles it (AutoService's
# service file written by hand).
processor_at() {
  local out="$work/$2"
  mkdir -p "$out/classes/META-INF/services"
  git archive "$1" processor/src/main | tar -x -C "$out"
  find "$out/processor/src/main/java" -name '*.java' > "$out/sources"
  javac --release 17 -proc:none -encoding UTF-8 -cp "$javapoet:$auto_service" -d "$out/classes" @"$out/sources"
  if [[ -d "$out/processor/src/main/resources" ]]; then
    cp -r "$out/processor/src/main/resources/." "$out/classes/"
  fi
  echo io.stepwise.processor.WorkflowProcessor > "$out/classes/META-INF/services/javax.annotation.processing.Processor"
}

processor="$root/processor/target/classes"
if [[ -n "$rev" ]]; then
  processor_at "$rev" rev
  processor="$work/rev/classes"
fi
if [[ -n "$baseline_rev" ]]; then
  processor_at "$baseline_rev" baseline
  args+=(--baseline "$work/baseline/classes:$javapoet")
fi

java benchmarks/compile-cost/CompileCost.java \
  --processorpath "$processor:$javapoet" \
  --classpath "$root/annotations/target/classes:$root/runtime/target/classes:$slf4j" \
  "${args[@]}"
