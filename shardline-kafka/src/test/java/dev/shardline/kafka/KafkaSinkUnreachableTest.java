package dev.shardline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.logging.StandardError;
import dev.shardline.testkit.net.ClosedPorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Kafka sink whose cluster does not answer (nothing listens on the port): a WARN naming the
 * bootstrap servers and the cause within seconds, and a failure after {@code unreachableTimeout}
 * naming them and the options, with both delivery guarantees. No server needed. (Before, the sink
 * said nothing and failed only after the producer's max.block.ms of 60 s.)
 */
@Timeout(90)
class KafkaSinkUnreachableTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(DeliveryGuarantee.class)
  void anUnreachableClusterIsReportedWithinSecondsAndFailsTheSinkAfterUnreachableTimeout(
      DeliveryGuarantee guarantee) throws Exception {
    int port = ClosedPorts.pick();
    String servers = "127.0.0.1:" + port;
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().ratePerSecond(100).build())
            .map(String::valueOf)
            .to(
                KafkaSink.<String>builder()
                    .format((String s) -> s.getBytes(StandardCharsets.UTF_8))
                    .bootstrapServers(servers)
                    .topic("orders")
                    .deliveryGuarantee(guarantee)
                    .unreachableTimeout(Duration.ofSeconds(3))
                    .build())
            .name("unreachable-sink")
            .checkpointDirectory(dir)
            .checkpointInterval(Duration.ofMillis(500))
            .restartPolicy(RestartPolicy.none())
            .build();

    long start = System.nanoTime();
    String log =
        StandardError.during(
            () -> {
              pipeline.start();
              assertThatThrownBy(() -> pipeline.await(Duration.ofSeconds(60)))
                  .isInstanceOf(PipelineFailedException.class)
                  .satisfies(
                      e ->
                          assertThat(ServerUnreachableException.findIn(e))
                              .isNotNull()
                              .isNotInstanceOf(UnrecoverableException.class)
                              .hasMessageStartingWith("Cannot reach Kafka at " + servers)
                              .hasMessageContaining("connection refused")
                              .hasMessageContaining("bootstrapServers")
                              .hasMessageContaining("option unreachableTimeout (now 3s)"));
            });
    Duration failedAfter = Duration.ofNanos(System.nanoTime() - start);

    // 2 s without an answer, then 3 s of outage; far below the producer's max.block.ms (60 s)
    assertThat(failedAfter).isLessThan(Duration.ofSeconds(20));
    Matcher warn =
        Pattern.compile(
                "WARN .*Cannot reach Kafka at "
                    + Pattern.quote(servers)
                    + ": connection refused; retrying for up to 3s \\(option unreachableTimeout\\)")
            .matcher(log);
    assertThat(warn.find()).as("the WARN in %s", log).isTrue();
  }
}
