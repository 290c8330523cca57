#!/usr/bin/env bash
# Builds the benchmark harness (no tests) and runs KinesisSinkBench; arguments are passed on:
#   shardline-bench/run-kinesis-sink-bench.sh [measureSeconds [warmupSeconds [scenario ...]]]
# Scenarios: proxy-1k proxy-100 proxy-100-agg kinesalite kinesalite-agg sdk-loop in-memory (default: all),
# and fresh or fresh:N (N rounds of kinesalite and sdk-loop, each in a fresh JVM, with their ratio).
# SKIP_BUILD=1 skips building the harness (tests skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -ntp -pl shardline-bench -am -DskipTests package
fi
exec java -Xmx1g -XX:+UseParallelGC -cp "shardline-bench/target/classes:$(cat shardline-bench/target/classpath.txt)" \
  dev.shardline.bench.KinesisSinkBench "$@"
