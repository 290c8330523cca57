package dev.shardline.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesis;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream of 200 shards on kinesis-local: discovery (paged ListShards) and assignment over 4
 * readers complete, every shard is polled. Prints the heap the source holds per shard.
 */
class KinesisSourceDiscoveryIT {
  private static final int SHARDS = 200;

  @TempDir Path dir;

  @Test
  void twoHundredShardsAreDiscoveredAssignedAndPolled() throws Exception {
    try (LocalKinesis kinesis = LocalKinesis.builder().shardLimit(250).start()) {
      kinesis.createStream("wide", SHARDS);
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      long heapBefore = usedHeap();
      long started = System.nanoTime();
      Pipeline pipeline =
          Pipeline.from(
                  Sources.at(kinesis, "wide", true)
                      .startingPosition(StartingPosition.latest())
                      .build())
              .to(new CollectingSink<>(r -> r))
              .name("wide")
              .parallelism(4)
              .checkpointDirectory(dir.resolve("checkpoints"))
              .restartPolicy(RestartPolicy.none())
              .metrics(metrics)
              .build();
      pipeline.start();
      try {
        Await.until(
            Duration.ofSeconds(60),
            () -> polledShards(metrics).size() == SHARDS,
            () -> polledShards(metrics).size() + " of " + SHARDS + " shards polled");
        long millis = (System.nanoTime() - started) / 1_000_000;
        long heapAfter = usedHeap();
        Set<String> readers =
            metrics.find(KinesisMetricNames.GET_RECORDS_CALLS).counters().stream()
                .map(c -> c.getId().getTag("reader"))
                .collect(Collectors.toSet());
        assertThat(readers).hasSize(4);
        System.out.printf(
            "KinesisSourceDiscoveryIT: %d shards polled by %d readers %d ms after start; heap"
                + " +%d KiB in all, about %d bytes per shard (clients included)%n",
            SHARDS,
            readers.size(),
            millis,
            (heapAfter - heapBefore) / 1024,
            (heapAfter - heapBefore) / SHARDS);
        assertThat(pipeline.isDone()).isFalse();
      } finally {
        pipeline.stop();
      }
    }
  }

  private static Set<String> polledShards(SimpleMeterRegistry metrics) {
    return metrics.find(KinesisMetricNames.GET_RECORDS_CALLS).counters().stream()
        .filter(c -> c.count() >= 1)
        .map(Meter::getId)
        .map(id -> id.getTag("split"))
        .collect(Collectors.toSet());
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
