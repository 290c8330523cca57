#!/usr/bin/env bash
# Builds the benchmark harness (no tests) and runs RegistryDecodeBench; arguments are passed on:
#   shardline-bench/run-registry-bench.sh [records [rounds]]
# SKIP_BUILD=1 skips building the harness (tests skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -ntp -pl shardline-bench -am -DskipTests package
fi
exec java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "shardline-bench/target/classes:$(cat shardline-bench/target/classpath.txt)" \
  dev.shardline.bench.RegistryDecodeBench "$@"
