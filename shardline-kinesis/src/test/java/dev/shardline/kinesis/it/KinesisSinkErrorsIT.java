package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.shardline.api.DeadLetter;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.sink.InvalidRecordException;
import dev.shardline.kinesis.sink.InvalidRecordPolicy;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.sink.KinesisSinkException;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesaliteExtension;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when things are wrong: a missing stream, credentials Kinesis refuses or that
 * cannot be loaded, and records over the Kinesis size limit with and without a dead-letter sink.
 *
 * <p>Neither local server checks credentials (both accept any signature), so refused credentials
 * are shown with a small HTTP server that answers as AWS does to an unknown access key (HTTP 400,
 * {@code UnrecognizedClientException}); credentials that cannot be loaded (a profile that does not
 * exist) fail in the SDK before any request, as they would against AWS.
 */
class KinesisSinkErrorsIT {
  private static final int MIB = 1024 * 1024;

  @RegisterExtension
  static final LocalKinesaliteExtension KINESALITE =
      new LocalKinesaliteExtension(LocalKinesalite.builder().initialStream("small", 1));

  @TempDir Path dir;

  @Test
  void aMissingStreamFailsWhenTheWriterStarts() {
    KinesisSink<String> sink = SinkTests.stringSink(KINESALITE.get(), "missing", false).build();

    assertThatThrownBy(() -> sink.createWriter(SinkTests.context(new SimpleMeterRegistry(), null)))
        .isInstanceOf(KinesisSinkException.class)
        .hasMessageContaining("Kinesis stream \"missing\" does not exist")
        .hasMessageContaining("ResourceNotFoundException")
        .hasMessageContaining("Create it, or fix the option stream");
  }

  @Test
  void credentialsKinesisRefusesFailWithTheirErrorCode() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token"
                      + " included in the request is invalid.\"}")
                  .getBytes(UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.getResponseHeaders().add("x-amzn-ErrorType", "UnrecognizedClientException");
          exchange.sendResponseHeaders(400, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      KinesisSink<String> sink =
          KinesisSink.<String>builder().stream("orders")
              .region(
                  AwsRegion.customEndpoint(
                      URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "us-east-1"))
              .credentials(AwsCredentials.basic("AKIAUNKNOWN", "wrong-secret"))
              .clientProperty("cborEnabled", "false")
              .build();

      assertThatThrownBy(
              () -> sink.createWriter(SinkTests.context(new SimpleMeterRegistry(), null)))
          .isInstanceOf(KinesisSinkException.class)
          .hasMessageContaining("The credentials for stream \"orders\" were refused")
          .hasMessageContaining("UnrecognizedClientException")
          .hasMessageContaining("The security token included in the request is invalid")
          .hasMessageContaining("awsCredentials")
          .hasMessageNotContaining("wrong-secret");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void credentialsThatCannotBeLoadedFailNamingTheProblem() throws Exception {
    Path profiles = Files.writeString(dir.resolve("credentials"), "[other]\n");
    KinesisSink<String> sink =
        SinkTests.stringSink(KINESALITE.get(), "small", false)
            .credentials(AwsCredentials.profile("nope", profiles))
            .build();

    assertThatThrownBy(() -> sink.createWriter(SinkTests.context(new SimpleMeterRegistry(), null)))
        .isInstanceOf(KinesisSinkException.class)
        .hasMessageContaining("could not be loaded")
        .hasMessageContaining("nope");
  }

  @Test
  void aRecordOverTheSizeLimitStopsThePipelineNamingIt() {
    KinesisSink<String> sink = SinkTests.stringSink(KINESALITE.get(), "small", false).build();
    Pipeline pipeline =
        Pipeline.from(
                GeneratorSource.builder("sized", KinesisSinkErrorsIT::record).count(20).build())
            .to(sink)
            .name("oversized-fail")
            .checkpointDirectory(dir.resolve("fail"))
            .restartPolicy(RestartPolicy.none())
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasRootCauseInstanceOf(InvalidRecordException.class)
        .rootCause()
        .hasMessageContaining("Kinesis stream \"small\"")
        .hasMessageContaining("partition key \"big-7\"")
        .hasMessageContaining(MIB + 1 + " bytes with its partition key")
        .hasMessageContaining("invalidRecords.policy");
  }

  @Test
  void aRecordOverTheSizeLimitGoesToTheDeadLetterSinkAndTheOthersToKinesis() {
    CollectingSink<DeadLetter, DeadLetter> deadLetters = new CollectingSink<>(d -> d);
    KinesisSink<String> sink =
        SinkTests.stringSink(KINESALITE.get(), "small", false)
            .invalidRecords(InvalidRecordPolicy.DEAD_LETTER)
            .build();
    int before = SinkTests.readAll(KINESALITE.get().client(), "small").size();

    Pipeline.from(GeneratorSource.builder("sized", KinesisSinkErrorsIT::record).count(20).build())
        .to(sink)
        .deadLetterTo(deadLetters)
        .name("oversized-dead-letter")
        .checkpointDirectory(dir.resolve("dead-letter"))
        .checkpointInterval(Duration.ofSeconds(1))
        .restartPolicy(RestartPolicy.none())
        .build()
        .run();

    assertThat(deadLetters.records()).hasSize(1);
    DeadLetter letter = deadLetters.records().get(0);
    assertThat(letter.payload()).hasSize(MIB + 1 - "big-7".length());
    assertThat(letter.coordinates())
        .containsEntry("stream", "small")
        .containsEntry("partitionKey", "big-7");
    assertThat(letter.error()).contains("over the Kinesis record limit of 1 MiB");
    List<String> written =
        SinkTests.readAll(KINESALITE.get().client(), "small").stream()
            .skip(before)
            .map(r -> r.partitionKey())
            .collect(Collectors.toList());
    assertThat(written).hasSize(19).doesNotContain("big-7").contains("big-8");
  }

  /** Record 7 is 1 MiB + 1 byte with its key, record 8 exactly 1 MiB; the rest are small. */
  private static String record(long n) {
    String key = "big-" + n;
    if (n == 7) {
      return key + ":" + "x".repeat(MIB + 1 - key.length() - key.length() - 1);
    }
    if (n == 8) {
      return key + ":" + "x".repeat(MIB - key.length() - key.length() - 1);
    }
    return key + ":" + n;
  }
}
