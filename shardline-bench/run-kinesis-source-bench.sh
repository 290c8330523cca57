#!/usr/bin/env bash
# Builds the benchmark harnesses (no tests) and runs one Kinesis source benchmark:
#   shardline-bench/run-kinesis-source-bench.sh drain   [records [rounds [shards [all|bare|shardline|fresh]]]]
#   shardline-bench/run-kinesis-source-bench.sh startup [idleSeconds [windows [shards]]]
#   shardline-bench/run-kinesis-source-bench.sh cold    [runs [records [maxRecords [all|term|run]]]]   (needs shardline-cli/target/shardline.jar)
#   shardline-bench/run-kinesis-source-bench.sh quota   [measureSeconds [recordKiB [maxRecords [shards]]]]
#   shardline-bench/run-kinesis-source-bench.sh flink   [records [rounds [shards [idleSeconds [windows [all|embedded|flink]]]]]]
#   shardline-bench/run-kinesis-source-bench.sh scale   idle [shards [idleSeconds [windows [warmUpSeconds [source,fixed,bare,bare10]]]]]
#   shardline-bench/run-kinesis-source-bench.sh scale   scale [shardCounts]   (e.g. 10,500,1000)
#   shardline-bench/run-kinesis-source-bench.sh fanout  [latencySeconds [drainRecords [heapShards [idleShards [idleSeconds [windows [all|latency,drain,heap,idle]]]]]]]
# Extra JVM options (e.g. -XX:StartFlightRecording=...) go in JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  drain) main=dev.shardline.bench.kinesis.source.KinesisDrainBench ;;
  startup) main=dev.shardline.bench.kinesis.source.KinesisStartupIdleBench ;;
  cold) main=dev.shardline.bench.kinesis.source.KinesisColdStartBench ;;
  quota) main=dev.shardline.bench.kinesis.source.KinesisQuotaShareBench ;;
  flink) main=dev.shardline.bench.kinesis.source.FlinkKinesisDrainBench ;;
  fanout) main=dev.shardline.bench.kinesis.source.KinesisFanOutBench ;;
  scale) main=dev.shardline.bench.kinesis.source.KinesisShardScaleBench ;;
  *) echo "usage: $0 drain|startup|cold|quota|flink|fanout|scale [arguments]" >&2; exit 2 ;;
esac
shift
if [[ -z "${SKIP_BUILD:-}" ]]; then
  modules=shardline-bench
  [[ "$main" == *ColdStartBench ]] && modules=shardline-bench,shardline-cli # the command it runs
  mvn -B -q -ntp -pl "$modules" -am -DskipTests package
fi
exec java -Xmx1g ${JAVA_OPTS:-} \
  -cp "shardline-bench/target/classes:$(cat shardline-bench/target/classpath.txt)" "$main" "$@"
