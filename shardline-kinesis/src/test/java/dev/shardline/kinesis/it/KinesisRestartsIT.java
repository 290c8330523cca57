package dev.shardline.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesaliteExtension;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.net.OpenResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/**
 * A Kinesis → Kinesis pipeline that fails and restarts 20 times against a real server: every
 * restart closes the clients and removes the meters of the attempt that failed, so neither the open
 * connections nor the registered meters grow (issue 10, item 6).
 */
@Timeout(180)
class KinesisRestartsIT {
  private static final int RESTARTS = 20;

  @RegisterExtension
  static final LocalKinesaliteExtension KINESALITE =
      new LocalKinesaliteExtension(
          LocalKinesalite.builder().initialStream("in", 2).initialStream("out", 2));

  @TempDir Path dir;

  @Test
  void twentyRestartsLeaveOpenConnectionsAndMetersFlat() throws Exception {
    // Given records in the source stream, and a function that fails the first 20 attempts at
    // their first record, noting the open connections and meters at that moment
    LocalKinesalite kinesalite = KINESALITE.get();
    for (int i = 0; i < 10; i++) {
      int n = i;
      kinesalite
          .client()
          .putRecord(
              b ->
                  b.streamName("in")
                      .partitionKey("key-" + n)
                      .data(SdkBytes.fromUtf8String("key-" + n + ":" + n)));
    }
    int port = kinesalite.endpoint().getPort();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OpenResources open = OpenResources.of(port, () -> registry.getMeters().size());
    AtomicInteger failures = new AtomicInteger();
    Pipeline pipeline =
        Pipeline.from(
                Sources.at(kinesalite, "in", false)
                    .startingPosition(StartingPosition.earliest())
                    .build())
            .map(
                record -> {
                  if (failures.get() < RESTARTS) {
                    open.sample();
                    failures.incrementAndGet();
                    throw new IllegalStateException("injected failure " + failures.get());
                  }
                  return new String(record.value(), StandardCharsets.UTF_8);
                })
            .to(SinkTests.stringSink(kinesalite, "out", false).build())
            .name("restarts")
            .checkpointDirectory(dir)
            .checkpointInterval(Duration.ofMillis(200))
            .restartPolicy(
                RestartPolicy.of(
                    RESTARTS + 5,
                    new Backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0)))
            .metrics(registry)
            .build();

    // When it fails 20 times, then runs until the records are through
    pipeline.start();
    try {
      Await.until(
          Duration.ofSeconds(120),
          () ->
              failures.get() >= RESTARTS
                  && SinkTests.readAll(kinesalite.client(), "out").size() >= 10,
          () -> failures.get() + " failures, " + open);
    } finally {
      pipeline.stop();
    }

    // Then every attempt saw as many connections and meters as the first (none piled up), and
    // after the stop the pipeline holds no connection at all
    open.checkFlat(RESTARTS, "Kinesis");
    assertThat(registry.find("shardline.sink.requests.in.flight").gauges()).hasSize(1);
    open.awaitNoneLeft(Duration.ofSeconds(10));
  }
}
