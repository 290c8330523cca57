package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.api.DeadLetter;
import dev.shardline.config.ConfigException;
import dev.shardline.format.BadDataPolicy;
import dev.shardline.format.JsonFormat;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineBuilder;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesaliteExtension;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/** Bad input against kinesalite: a missing stream, a bad endpoint or region, malformed JSON. */
class KinesisSourceBadInputIT {
  @RegisterExtension
  static final LocalKinesaliteExtension KINESALITE =
      new LocalKinesaliteExtension(
          LocalKinesalite.builder().initialStream("json", 1).initialStream("cbor", 1));

  @TempDir Path dir;

  @Test
  void aMissingStreamFailsThePipelineAtOnceNamingTheStream(LocalKinesalite kinesalite) {
    Pipeline pipeline = pipeline(Sources.at(kinesalite, "missing", false).build(), "missing");
    // no restart can create the stream: one attempt, and the message says what to fix
    assertThatThrownBy(() -> pipeline.run())
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageStartingWith(
            "Kinesis stream(s) missing not found at endpoint " + kinesalite.endpoint())
        .hasMessageContaining("Create the stream, or fix the option streams")
        .hasMessageNotContaining("Request ID")
        .satisfies(e -> assertThat(((PipelineFailedException) e).attempts()).isEqualTo(1))
        .rootCause()
        .hasMessageContaining("Stream missing");
  }

  @Test
  void anEndpointNothingListensOnFailsThePipelineAtStart() {
    KinesisSource<byte[]> source =
        KinesisSource.builder().stream("orders")
            .endpoint(URI.create("http://127.0.0.1:1"), "us-east-1")
            .credentials(dev.shardline.kinesis.config.AwsCredentials.basic("a", "b"))
            .option(KinesisSourceOptions.RETRY_MAX_ATTEMPTS, 2)
            .option(KinesisSourceOptions.RETRY_BACKOFF_INITIAL, Duration.ofMillis(20))
            .build();
    Pipeline pipeline = pipeline(source, "endpoint");
    assertThatThrownBy(pipeline::run).isInstanceOf(PipelineFailedException.class);
    assertThat(causeMessages(pipeline))
        .contains("Cannot list the shards of stream(s) orders")
        .contains("Check awsRegion, awsCredentials and that Kinesis is reachable");
  }

  @Test
  void aBadRegionIsRefusedWhenTheSourceIsBuilt() {
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of(
                        "streams",
                        "orders",
                        "awsRegion",
                        Map.of("type", "specific", "id", "mars"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"mars\" for option \"awsRegion.id\": must be an AWS region id such as"
                + " us-east-1 or eu-west-2");
  }

  @Test
  void aCborClientAgainstAJsonOnlyServerFailsSayingToTurnCborOff(LocalKinesalite kinesalite) {
    kinesalite
        .client()
        .putRecord(b -> b.streamName("cbor").partitionKey("k").data(SdkBytes.fromUtf8String("x")));
    Pipeline pipeline =
        pipeline(
            Sources.at(kinesalite, "cbor", true)
                .startingPosition(StartingPosition.earliest())
                .option(KinesisSourceOptions.RETRY_BACKOFF_INITIAL, Duration.ofMillis(20))
                .build(),
            "cbor");
    assertThatThrownBy(pipeline::run).isInstanceOf(PipelineFailedException.class);
    assertThat(causeMessages(pipeline))
        .contains("stream cbor")
        .contains("clientConfigProperties.cborEnabled: false");
  }

  @Test
  void malformedJsonUnderEachBadDataPolicy(LocalKinesalite kinesalite) throws Exception {
    for (String data : List.of("{\"n\":1}", "not json", "{\"n\":2}")) {
      kinesalite
          .client()
          .putRecord(
              b -> b.streamName("json").partitionKey("k").data(SdkBytes.fromUtf8String(data)));
    }

    // fail: the pipeline stops naming the record
    Pipeline failing = jsonPipeline(kinesalite, BadDataPolicy.FAIL, null, null, "fail");
    assertThatThrownBy(failing::run).isInstanceOf(PipelineFailedException.class);
    assertThat(causeMessages(failing))
        .contains("Cannot deserialize the record at stream=json shardId=shardId-000000000000")
        .contains("sequenceNumber=")
        .contains("partitionKey=k");

    // drop: the good ones pass
    CollectingSink<KinesisRecord<JsonNode>, Integer> dropped =
        new CollectingSink<>(r -> r.value().get("n").asInt());
    Pipeline dropping = jsonPipeline(kinesalite, BadDataPolicy.DROP, dropped, null, "drop");
    dropping.start();
    try {
      Await.until(
          Duration.ofSeconds(30), () -> dropped.size() >= 2, () -> dropped.records().toString());
    } finally {
      dropping.stop(); // also when the wait failed
    }
    assertThat(dropped.records()).containsExactly(1, 2);

    // dead-letter: the good ones pass, the bad one goes to the dead-letter sink with coordinates
    CollectingSink<KinesisRecord<JsonNode>, Integer> good =
        new CollectingSink<>(r -> r.value().get("n").asInt());
    CollectingSink<DeadLetter, DeadLetter> letters = new CollectingSink<>(d -> d);
    Pipeline deadLettering =
        jsonPipeline(kinesalite, BadDataPolicy.DEAD_LETTER, good, letters, "dlq");
    deadLettering.start();
    try {
      Await.until(
          Duration.ofSeconds(30),
          () -> good.size() >= 2 && letters.size() >= 1,
          () -> good.records() + " " + letters.records());
    } finally {
      deadLettering.stop(); // also when the wait failed
    }
    assertThat(good.records()).containsExactly(1, 2);
    DeadLetter letter = letters.records().get(0);
    assertThat(new String(letter.payload(), UTF_8)).isEqualTo("not json");
    assertThat(letter.coordinates())
        .containsEntry("stream", "json")
        .containsEntry("shardId", "shardId-000000000000")
        .containsKey("sequenceNumber");
  }

  private Pipeline jsonPipeline(
      LocalKinesalite kinesalite,
      BadDataPolicy policy,
      CollectingSink<KinesisRecord<JsonNode>, Integer> sink,
      CollectingSink<DeadLetter, DeadLetter> deadLetters,
      String name) {
    KinesisSource<JsonNode> source =
        Sources.at(kinesalite, "json", false)
            .startingPosition(StartingPosition.earliest())
            .format(JsonFormat.forJsonNode())
            .badDataPolicy(policy)
            .build();
    PipelineBuilder<KinesisRecord<JsonNode>> builder =
        Pipeline.from(source)
            .to(sink != null ? sink : new CollectingSink<KinesisRecord<JsonNode>, Object>(r -> r))
            .name(name)
            .checkpointDirectory(dir.resolve(name))
            .checkpointInterval(Duration.ofMillis(500))
            .restartPolicy(RestartPolicy.none());
    if (deadLetters != null) {
      builder.deadLetterTo(deadLetters);
    }
    return builder.build();
  }

  private Pipeline pipeline(KinesisSource<byte[]> source, String name) {
    return Pipeline.from(source)
        .to(new CollectingSink<KinesisRecord<byte[]>, Object>(r -> r))
        .name(name)
        .checkpointDirectory(dir.resolve(name))
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  private static String causeMessages(Pipeline pipeline) {
    StringBuilder out = new StringBuilder();
    try {
      pipeline.await();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        out.append(t.getMessage()).append('\n');
      }
    }
    return out.toString();
  }
}
