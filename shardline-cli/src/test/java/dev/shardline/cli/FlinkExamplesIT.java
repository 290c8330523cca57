package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * {@code shardline run --engine flink examples/kinesis-to-file.yaml} through the launcher, against
 * kinesis-local: a Flink MiniCluster in the command's process, stopped with a savepoint by SIGTERM,
 * resumed from it by a second run.
 */
class FlinkExamplesIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(LocalKinesis.builder().initialStream("orders", 2));

  @TempDir Path dir;

  @Test
  void kinesisToFileOnFlinkWritesEveryRecordOnceAcrossAStopAndAResume(LocalKinesis kinesis)
      throws Exception {
    Path example = ExamplesIT.EXAMPLES.resolve("kinesis-to-file.yaml");
    Path out = dir.resolve("out");
    Map<String, String> env =
        Map.of(
            "KINESIS_ENDPOINT", kinesis.endpoint().toString(),
            "OUTPUT_DIR", out.toString(),
            "DEAD_LETTER_DIR", dir.resolve("dead-letters").toString());

    // the example as it is, dead letters to part files included (written at least once on Flink)
    Path onFlink = example;
    put(kinesis, 0, 300);
    kinesis
        .client()
        .putRecord(
            b ->
                b.streamName("orders")
                    .partitionKey("broken")
                    .data(SdkBytes.fromUtf8String("this is not json")));
    try (ShardlineProcess run =
        ShardlineProcess.start(
            dir, env, "run", "--engine", "flink", "--status", "log", onFlink.toString())) {
      KinesisExamplesIT.awaitLines(out, 300);
      run.terminate();
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
      assertThat(run.output())
          .contains("on Flink MiniCluster at http://127.0.0.1:")
          .containsPattern("Pipeline 'kinesis-to-file' stopped after .* savepoint ")
          .doesNotContain("local-secret");
    }
    assertThat(ids(out)).hasSize(300);
    assertThat(KinesisExamplesIT.lines(dir.resolve("dead-letters")))
        .as("the record that is not JSON, dead-lettered to part files")
        .anySatisfy(line -> assertThat(line).contains("this is not json"));

    // the same command again resumes from the savepoint: only the new records are written
    put(kinesis, 300, 100);
    try (ShardlineProcess rerun =
        ShardlineProcess.start(
            dir, env, "run", "--engine", "flink", "--status", "log", onFlink.toString())) {
      KinesisExamplesIT.awaitLines(out, 400);
      rerun.terminate();
      assertThat(rerun.awaitExit(TIMEOUT)).as(rerun.output()).isZero();
      assertThat(rerun.output()).contains("restoring from Flink savepoint");
    }
    List<String> lines = KinesisExamplesIT.lines(out);
    assertThat(lines).hasSize(400);
    assertThat(ids(out)).hasSize(400);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.at("/kinesis/partitionKey").asText())
        .isEqualTo("customer-" + first.get("orderId").asInt() % 7);
    assertThat(first.at("/kinesis/shardId").asText()).startsWith("shardId-");

    // checkpoints list says where the pipeline runs
    try (ShardlineProcess list =
        ShardlineProcess.start(
            dir,
            Map.of(),
            "checkpoints",
            "list",
            dir.resolve("checkpoints/kinesis-to-file").toString())) {
      assertThat(list.awaitExit(TIMEOUT)).as(list.output()).isZero();
      assertThat(list.output()).contains("The pipeline runs on Flink").contains("savepoint");
    }
  }

  private static void put(LocalKinesis kinesis, int from, int count) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("customer-" + (i % 7))
              .data(SdkBytes.fromUtf8String("{\"orderId\":" + i + ",\"amount\":" + i * 10 + "}"))
              .build());
    }
    assertThat(
            kinesis
                .client()
                .putRecords(b -> b.streamName("orders").records(entries))
                .failedRecordCount())
        .isZero();
  }

  private static Set<Integer> ids(Path out) throws Exception {
    Set<Integer> ids = new HashSet<>();
    for (String line : KinesisExamplesIT.lines(out)) {
      ids.add(JSON.readTree(line).get("orderId").asInt());
    }
    return ids;
  }
}
