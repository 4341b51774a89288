#!/usr/bin/env bash
# Reproduces the TCP engine benchmark run (issues 4 and 6): builds the JMH jar, runs SegmentationBenchmark,
# AckProcessingBenchmark, TimerServiceBenchmark, ConnectionLookupBenchmark and, as the yardstick for segmentation,
# ChecksumBenchmark.fast at 1500 and 9000 bytes, all with the GC profiler, and writes into benchmarks/results/:
#   <date>-tcp-engine.json  JMH results      <date>-tcp-engine.txt  the JMH log
#   <date>-tcp-engine.env   JDK, CPU, kernel, commit, load average
#   <date>-tcp-engine.md    the summary tables with ratios (made by summarize_engine.py)
#
# Usage: benchmarks/run-engine.sh [--no-upstream] [extra JMH options]
#   --no-upstream  build only the benchmarks module against the ustack modules already installed in ~/.m2
# Runs 2 forks × (3 warmup + 4 measurement) × 1 s per case, 16 cases: about 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

upstream=(-am)
if [[ "${1:-}" == "--no-upstream" ]]; then
    upstream=()
    shift
fi

mvn -q install -DskipTests -pl benchmarks "${upstream[@]}"

results=benchmarks/results
out="$results/$(date -u +%Y-%m-%d)-tcp-engine"
mkdir -p "$results"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown) ($(git describe --always --dirty 2>/dev/null || echo unknown))"
    echo "jdk: $(java -version 2>&1 | tr '\n' ' ')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) CPUs)"
    echo "kernel: $(uname -srm)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out.env"

java -jar benchmarks/target/benchmarks.jar \
    'SegmentationBenchmark|AckProcessingBenchmark|TimerServiceBenchmark|ConnectionLookupBenchmark|ChecksumBenchmark.fast' \
    -p size=1500,9000 -f 2 -wi 3 -i 4 -w 1s -r 1s \
    -prof gc \
    -rf json -rff "$out.json" \
    "$@" 2>&1 | tee "$out.txt"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out.env"
python3 benchmarks/summarize_engine.py "$out.json" "$out.env" > "$out.md"
echo "summary: $out.md"
