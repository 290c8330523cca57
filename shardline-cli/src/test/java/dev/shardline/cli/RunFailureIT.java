package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures no restart can fix, through the launcher (a poison record, a path in the way, a missing
 * stream): the run ends at once (one attempt, no restart loop) with exit code 1 and a last line
 * that says what is wrong, where and what to do.
 */
class RunFailureIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(LocalKinesis.builder().initialStream("present", 1));

  @TempDir Path dir;

  private Path pipeline(String text) throws Exception {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** Runs {@code ./shardline run --status=off file}; returns the exit code and output. */
  private static Finished run(Path dir, Path file) throws InterruptedException {
    try (ShardlineProcess run =
        ShardlineProcess.start(dir, Map.of(), "run", "--status=off", file.toString())) {
      int exit = run.awaitExit(TIMEOUT);
      return new Finished(exit, run.output());
    }
  }

  private record Finished(int exitCode, String output) {
    String lastLine() {
      List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  private static void assertEndedAtOnce(Finished finished) {
    assertThat(finished.exitCode()).as(finished.output()).isEqualTo(1);
    assertThat(finished.output()).doesNotContain("restart 1 of");
    assertThat(finished.lastLine())
        .startsWith("Failed: ")
        .doesNotContain("Exception", "java.", "[Source");
  }

  @Test
  void aPoisonRecordUnderPolicyFailEndsTheRunAtOnceNamingItsOffsetAndThePolicyToSet()
      throws Exception {
    KAFKA.get().createTopic("poison", 1);
    Properties properties = KAFKA.get().producerProperties();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("poison", "k", "{\"n\":0}"));
      producer.send(new ProducerRecord<>("poison", "k", "not json at all"));
      producer.send(new ProducerRecord<>("poison", "k", "{\"n\":2}"));
    }
    Path file =
        pipeline(
            "name: poison\n"
                + "checkpoint: {interval: 500ms}\n"
                + "source:\n"
                + "  type: kafka\n"
                + "  bootstrapServers: "
                + KAFKA.get().bootstrapServers()
                + "\n"
                + "  topics: [poison]\n"
                + "  startingOffsets: {type: earliest}\n"
                + "  format: json\n"
                + "  badData: {policy: fail}\n"
                + "sinks:\n"
                + "  - type: file\n"
                + "    path: out\n");

    Finished finished = run(dir, file);

    assertEndedAtOnce(finished);
    assertThat(finished.lastLine())
        .contains("Cannot deserialize the record at topic=poison partition=0 offset=1")
        .contains("format json")
        .contains("Unrecognized token 'not'")
        .contains("set badData.policy to drop or dead-letter");
  }

  @Test
  void aCheckpointDirectoryThatIsAFileEndsTheRunAtOnceNamingTheOption() throws Exception {
    Files.writeString(dir.resolve("checkpoints"), "not a directory");
    Path file =
        pipeline(
            "name: blocked\n"
                + "checkpoint: {directory: checkpoints}\n"
                + "source: {type: generator, kind: sequence, count: 100}\n"
                + "sinks:\n"
                + "  - type: file\n"
                + "    path: out\n");

    Finished finished = run(dir, file);

    assertEndedAtOnce(finished);
    assertThat(finished.lastLine())
        .contains("checkpoint.directory: checkpoints")
        .contains("is a file, not a directory")
        .contains("point checkpoint.directory at a directory");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aFileSinkPathThatIsAFileEndsTheRunAtOnceNamingTheOption() throws Exception {
    Files.writeString(dir.resolve("out"), "not a directory");
    Path file =
        pipeline(
            "name: blocked-sink\n"
                + "source: {type: generator, kind: sequence, count: 100}\n"
                + "sinks:\n"
                + "  - type: stdout\n"
                + "  - type: file\n"
                + "    path: "
                + dir.resolve("out")
                + "\n");

    Finished finished = run(dir, file);

    assertEndedAtOnce(finished);
    assertThat(finished.lastLine())
        .contains("sinks[1].path: " + dir.resolve("out") + " is a file, not a directory")
        .contains("point sinks[1].path at a directory");
    assertThat(dir.resolve("checkpoints")).doesNotExist();
  }

  @Test
  void aMissingKinesisStreamEndsTheRunAtOnceNamingTheStreamAndTheOption() throws Exception {
    Path file =
        pipeline(
            "name: missing-stream\n"
                + "source:\n"
                + "  type: kinesis\n"
                + "  streams: [not-there]\n"
                + "  awsRegion: {type: custom-endpoint, id: us-east-1, endpoint: "
                + KINESIS.get().endpoint()
                + "}\n"
                + "  awsCredentials: {type: basic, accessKeyId: local, secretAccessKey: local-secret}\n"
                + "sinks:\n"
                + "  - type: stdout\n");

    Finished finished = run(dir, file);

    assertThat(finished.exitCode()).as(finished.output()).isEqualTo(1);
    assertThat(finished.output()).doesNotContain("restart 1 of", "local-secret");
    assertThat(finished.lastLine())
        .startsWith("Failed: ")
        .contains("Kinesis stream(s) not-there not found at ")
        .contains(KINESIS.get().endpoint().toString())
        .contains("fix the option streams")
        .doesNotContain("Request ID", "Status Code"); // what Kinesis said, not the SDK's trace
  }
}
