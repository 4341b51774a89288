#!/usr/bin/env bash
# Reproduces the foundation benchmark run (issue 2): builds the JMH jar, runs the whole suite with the GC profiler,
# and writes into benchmarks/results/:
#   <date>-foundation.json  JMH results (scores, errors, raw iterations, gc.alloc.rate.norm)
#   <date>-foundation.txt   the JMH log
#   <date>-foundation.env   JDK, CPU, kernel, commit, load average
#   <date>-foundation.md    the summary table with ratios (made by summarize.py)
#
# Usage: benchmarks/run-foundation.sh [--no-upstream] [extra JMH options, e.g. a benchmark regex]
#   --no-upstream  build only the benchmarks module against the ustack modules already installed in ~/.m2
#                  (default: also build and install the upstream modules from this tree with -am)
# Takes about 14 minutes on a 2-core machine; run it on an otherwise idle machine for figures worth quoting.
set -euo pipefail
cd "$(dirname "$0")/.."

upstream=(-am)
if [[ "${1:-}" == "--no-upstream" ]]; then
    upstream=()
    shift
fi

mvn -q install -DskipTests -pl benchmarks "${upstream[@]}"

results=benchmarks/results
stamp=$(date -u +%Y-%m-%d)
mkdir -p "$results"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown) ($(git describe --always --dirty 2>/dev/null || echo unknown))"
    echo "jdk: $(java -version 2>&1 | tr '\n' ' ')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) CPUs)"
    echo "kernel: $(uname -srm)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$results/$stamp-foundation.env"

java -jar benchmarks/target/benchmarks.jar \
    -prof gc \
    -rf json -rff "$results/$stamp-foundation.json" \
    "$@" 2>&1 | tee "$results/$stamp-foundation.txt"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$results/$stamp-foundation.env"
python3 benchmarks/summarize.py "$results/$stamp-foundation.json" "$results/$stamp-foundation.env" \
    > "$results/$stamp-foundation.md"
echo "summary: $results/$stamp-foundation.md"
