package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** The examples that read Kinesis, run through the launcher against kinesis-local. */
class KinesisExamplesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(
          LocalKinesis.builder()
              .initialStream("orders", 2)
              .initialStream("text-in", 1)
              .initialStream("json-out", 1)
              .initialStream("text-out", 1));

  @TempDir Path dir;

  @Test
  void kinesisToFileAddsMetadataAndDeadLettersWhatIsNotJson(LocalKinesis kinesis) throws Exception {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("customer-" + (i % 7))
              .data(SdkBytes.fromUtf8String("{\"orderId\":" + i + ",\"amount\":" + i * 10 + "}"))
              .build());
    }
    entries.add(
        PutRecordsRequestEntry.builder()
            .partitionKey("broken")
            .data(SdkBytes.fromUtf8String("this is not json"))
            .build());
    assertThat(
            kinesis
                .client()
                .putRecords(b -> b.streamName("orders").records(entries))
                .failedRecordCount())
        .isZero();

    Path out = dir.resolve("out");
    Path deadLetters = dir.resolve("dead-letters");
    try (ShardlineProcess run =
        ShardlineProcess.start(
            dir,
            Map.of(
                "KINESIS_ENDPOINT", kinesis.endpoint().toString(),
                "OUTPUT_DIR", out.toString(),
                "DEAD_LETTER_DIR", deadLetters.toString()),
            "run",
            "--status",
            "log",
            ExamplesIT.EXAMPLES.resolve("kinesis-to-file.yaml").toString())) {
      awaitLines(out, 300);
      awaitLines(deadLetters, 1);
      run.terminate();
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
      assertThat(run.output()).doesNotContain("local-secret");
    }

    List<String> lines = lines(out);
    assertThat(lines).hasSize(300);
    Set<Integer> ids = new HashSet<>();
    for (String line : lines) {
      JsonNode json = JSON.readTree(line);
      ids.add(json.get("orderId").asInt());
      assertThat(json.at("/kinesis/partitionKey").asText())
          .isEqualTo("customer-" + json.get("orderId").asInt() % 7);
      assertThat(json.at("/kinesis/shardId").asText()).startsWith("shardId-");
      assertThat(json.at("/kinesis/arrivalTime").asText()).matches("\\d{4}-.*Z");
    }
    assertThat(ids).hasSize(300);
    JsonNode deadLetter = JSON.readTree(lines(deadLetters).get(0));
    assertThat(deadLetter.get("payload").asText()).isEqualTo("this is not json");
    assertThat(deadLetter.at("/coordinates/stream").asText()).isEqualTo("orders");
    assertThat(deadLetter.get("error").asText()).isNotEmpty();
  }

  @Test
  void kinesisSinksDeadLetterARecordTheirFormatOrKeyCannotTakeWithTheRecordsContent(
      LocalKinesis kinesis) throws Exception {
    // Given a stream of one JSON record between two that are not JSON
    for (String data : List.of("hello world", "{\"ok\":1}", "not json either")) {
      kinesis
          .client()
          .putRecord(
              b -> b.streamName("text-in").partitionKey("k").data(SdkBytes.fromUtf8String(data)));
    }
    String aws =
        "    awsRegion: {type: custom-endpoint, endpoint: \""
            + kinesis.endpoint()
            + "\", id: us-east-1}\n"
            + "    awsCredentials: {type: basic, accessKeyId: local, secretAccessKey: local}\n";
    Path deadLetters = dir.resolve("dead-letters");
    Path file =
        Files.writeString(
            dir.resolve("text-to-json.yaml"),
            "name: text-to-json\n"
                + "checkpoint: {interval: 1s}\n"
                + "source:\n  type: kinesis\n  streams: text-in\n"
                + "  startupPosition: {type: earliest}\n"
                + aws.replace("    ", "  ")
                + "sinks:\n  - type: kinesis\n    stream: json-out\n    format: json\n"
                + "    invalidRecords: {policy: dead-letter}\n"
                + aws
                + "  - type: kinesis\n    stream: text-out\n    format: string\n"
                + "    partitionKey: /ok\n"
                + "    invalidRecords: {policy: dead-letter}\n"
                + aws
                + "deadLetter: {type: file, path: "
                + deadLetters
                + "}\n");

    // When one sink writes them as JSON, another as text keyed by the JSON field "ok"
    try (ShardlineProcess run =
        ShardlineProcess.start(dir, Map.of(), "run", "--status=off", file.toString())) {
      awaitLines(deadLetters, 4);
      run.terminate();
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
    }

    // Then the JSON one is written by both, and each other one is dead-lettered by each sink
    // with its content: by the JSON sink as its format cannot write it, by the other as its key
    // cannot be taken from it
    for (String stream : List.of("json-out", "text-out")) {
      assertThat(
              ConnectorExamplesIT.readStream(kinesis.client(), stream, r -> true, 1).stream()
                  .map(r -> r.data().asUtf8String()))
          .as(stream)
          .containsExactly("{\"ok\":1}");
    }
    List<String> letters = lines(deadLetters);
    assertThat(letters).hasSize(4);
    Map<String, List<String>> payloadsByStream = new java.util.TreeMap<>();
    for (String line : letters) {
      JsonNode letter = JSON.readTree(line);
      String stream = letter.at("/coordinates/stream").asText();
      payloadsByStream.computeIfAbsent(stream, s -> new ArrayList<>()).add(readPayload(line));
      assertThat(letter.get("error").asText())
          .contains(
              stream.equals("json-out")
                  ? "the format cannot serialize it"
                  : "the partition key function failed on it");
    }
    assertThat(payloadsByStream)
        .containsOnlyKeys("json-out", "text-out")
        .allSatisfy(
            (stream, payloads) ->
                assertThat(payloads).containsExactlyInAnyOrder("hello world", "not json either"));
  }

  private static String readPayload(String deadLetterLine) {
    try {
      return JSON.readTree(deadLetterLine).get("payload").asText();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static void awaitLines(Path directory, int count) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (lines(directory).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "fewer than " + count + " lines committed in " + directory + " within " + TIMEOUT);
      }
      // part files are committed at checkpoints; the file system offers nothing to wait on
      Thread.sleep(200);
    }
  }

  static List<String> lines(Path directory) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return lines;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path part :
          files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(part));
      }
    }
    return lines;
  }
}
