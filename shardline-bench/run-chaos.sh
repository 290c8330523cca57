#!/usr/bin/env bash
# The chaos run of issue 10 (see README.md, "Chaos run"): a Kinesis -> Kafka (exactly-once) and a
# Kinesis -> file pipeline, run with the real `shardline run`, under read and write quotas,
# resharding, kill -9 at random moments with a new parallelism at every restart, Kafka broker
# restarts and injected faults; then a drain and the counts. Exits 0 only when nothing was lost,
# duplicated or delivered out of order per key.
#   shardline-bench/run-chaos.sh                        # 10 minutes, a new seed (printed)
#   shardline-bench/run-chaos.sh --duration 2m --seed 42
#   shardline-bench/run-chaos.sh --help                 # every option with its default
# Builds the shardline jar and the harness first (tests skipped); SKIP_BUILD=1 skips that.
# JAVA_OPTS adds options to the harness's JVM (not to the pipelines': --pipeline-java-opts).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -ntp -pl shardline-cli,shardline-bench -am -DskipTests -Dspotless.check.skip=true package
fi
# Run from a copy of the harness's classes and of the jar, so that a build during a long run (of
# this worktree, by anyone) cannot change or delete what the run is using.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/shardline-chaos-build.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r shardline-bench/target/classes "$snapshot/classes"
cp shardline-cli/target/shardline.jar "$snapshot/shardline.jar"
java -Xmx1g ${JAVA_OPTS:-} \
  -cp "$snapshot/classes:$(cat shardline-bench/target/classpath.txt)" \
  dev.shardline.bench.chaos.ChaosRun --jar "$snapshot/shardline.jar" "$@"
