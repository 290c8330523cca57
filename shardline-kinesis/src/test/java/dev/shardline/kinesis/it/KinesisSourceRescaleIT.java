package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * A Kinesis source restored from a checkpoint at a higher or lower parallelism spreads the shards
 * over all the new readers, as a fresh start does. Regression: restore registered the readers one
 * at a time, so the enumerator handed every shard to reader 0 (a restart 1 -> 4 read 6 shards on
 * one thread while three idled).
 */
class KinesisSourceRescaleIT {
  private static final String STREAM = "rescale";
  private static final int SHARDS = 6;

  @TempDir Path dir;

  @Test
  void restoringAtAnotherParallelismSpreadsTheShardsOverEveryReader() throws Exception {
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder().initialStream(STREAM, SHARDS).start()) {
      KinesisClient client = kinesalite.client();
      List<String> read = new ArrayList<>();
      int written = 0;
      for (int parallelism : new int[] {1, 4, 3}) {
        written = put(client, written, 300);
        CollectingSink<KinesisRecord<byte[]>, String> sink =
            new CollectingSink<>(r -> new String(r.value(), UTF_8));
        Pipeline pipeline = pipeline(kinesalite, sink, parallelism);
        pipeline.start();
        int expected = written - read.size();
        try {
          Await.until(
              Duration.ofSeconds(60),
              () -> sink.size() >= expected,
              () ->
                  "parallelism " + parallelism + ": " + sink.size() + " of " + expected + " read");
        } finally {
          pipeline.stop(); // the final checkpoint; also when the wait failed
        }
        read.addAll(sink.records());

        List<Integer> perReader = splitsPerReader();
        assertThat(perReader)
            .as("shards per reader in the final checkpoint at parallelism %d", parallelism)
            .hasSize(parallelism);
        assertThat(perReader.stream().mapToInt(Integer::intValue).sum()).isEqualTo(SHARDS);
        int fair = (SHARDS + parallelism - 1) / parallelism;
        assertThat(perReader)
            .as(
                "at parallelism %d each reader holds at most %d of the %d shards",
                parallelism, fair, SHARDS)
            .allSatisfy(n -> assertThat(n).isBetween(SHARDS / parallelism, fair));
      }
      assertThat(read)
          .as("every record read once over the three runs")
          .doesNotHaveDuplicates()
          .hasSize(written);
    }
  }

  private List<Integer> splitsPerReader() throws Exception {
    try (CheckpointStore store = CheckpointStore.directory(dir.resolve("checkpoints"))) {
      Checkpoint checkpoint = store.latest().orElseThrow();
      return checkpoint.readerSplits().stream().map(List<StateBlob>::size).toList();
    }
  }

  private Pipeline pipeline(
      LocalKinesalite kinesalite,
      CollectingSink<KinesisRecord<byte[]>, String> sink,
      int parallelism) {
    return Pipeline.from(
            Sources.at(kinesalite, STREAM, false)
                .startingPosition(StartingPosition.earliest())
                .build())
        .to(sink)
        .name("rescale")
        .parallelism(parallelism)
        .checkpointInterval(Duration.ofMillis(500))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  /** Writes {@code count} records after the {@code from} written so far, over 600 keys. */
  private static int put(KinesisClient client, int from, int count) {
    List<PutRecordsRequestEntry> batch =
        IntStream.range(from, from + count)
            .mapToObj(
                i ->
                    PutRecordsRequestEntry.builder()
                        .partitionKey("key-" + i)
                        .data(SdkBytes.fromUtf8String("record-" + i))
                        .build())
            .toList();
    assertThat(client.putRecords(b -> b.streamName(STREAM).records(batch)).failedRecordCount())
        .isIn(null, 0);
    return from + count;
  }
}
