package dev.shardline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.format.StringFormat;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.logging.StandardError;
import dev.shardline.testkit.net.ClosedPorts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A Kafka source whose cluster does not answer (nothing listens on the port): no server needed. */
@Timeout(60)
class KafkaUnreachableStopTest {
  @TempDir Path dir;

  @Test
  void aStopWhileTheSourceIsStillConnectingEndsAsStoppedWithoutWaitingForTheCluster()
      throws Exception {
    int port = ClosedPorts.pick();
    Pipeline pipeline =
        Pipeline.from(
                KafkaSource.builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers("127.0.0.1:" + port)
                    .topics("orders")
                    .build())
            .to(new CollectingSink<>())
            .name("connecting")
            .checkpointDirectory(dir)
            .checkpointInterval(Duration.ofMillis(200))
            .restartPolicy(RestartPolicy.none())
            .build();
    // the enumerator's first listing is under way, with a call pending on the admin client
    StandardError.during(
        loggedSoFar -> {
          pipeline.start();
          Await.until(
              Duration.ofSeconds(30),
              () -> loggedSoFar.get().contains("Cannot reach Kafka at 127.0.0.1:" + port),
              () -> "no WARN that the brokers cannot be reached");
        });

    long start = System.nanoTime();
    pipeline.stop();
    Duration stopping = Duration.ofNanos(System.nanoTime() - start);

    // await() throws when the pipeline failed: it ended as stopped, from its final checkpoint
    pipeline.await();
    assertThat(pipeline.lastCheckpointId()).isPresent();
    // it waited 5 s for the admin client's pending call (whose answer no one needs any more)
    assertThat(stopping).isLessThan(Duration.ofSeconds(3));
  }
}
