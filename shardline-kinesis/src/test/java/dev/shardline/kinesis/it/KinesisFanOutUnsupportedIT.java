package dev.shardline.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesaliteExtension;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fan-out against a server without it: kinesalite answers UnknownOperationException to the stream
 * consumer calls. The pipeline fails at once, however many restarts it may make, naming
 * reader.type; and fan-out's default HTTP/2 against it (it speaks HTTP/1.1 only) fails at once
 * naming clientConfigProperties.protocol.
 */
class KinesisFanOutUnsupportedIT {
  @RegisterExtension
  static final LocalKinesaliteExtension KINESALITE =
      new LocalKinesaliteExtension(LocalKinesalite.builder().initialStream("orders", 1));

  @TempDir Path dir;

  @Test
  void fanOutAgainstAServerWithoutItFailsAtOnceNamingReaderType(LocalKinesalite kinesalite) {
    Pipeline pipeline =
        Pipeline.from(
                Sources.at(kinesalite, "orders", false)
                    .clientProperty("protocol", "HTTP1_1")
                    .fanOut("app")
                    .build())
            .to(new CollectingSink<>(r -> r))
            .name("no-fan-out")
            .checkpointDirectory(dir)
            .restartPolicy(RestartPolicy.of(3, dev.shardline.retry.Backoff.DEFAULT))
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("does not support enhanced fan-out")
        .hasMessageContaining("UnknownOperationException")
        .hasMessageContaining("Set reader.type polling")
        .hasMessageContaining("endpoint " + kinesalite.endpoint())
        .hasMessageNotContaining("Request ID")
        .satisfies(
            e -> {
              assertThat(((PipelineFailedException) e).attempts()).isEqualTo(1);
              assertThat(UnrecoverableException.findIn(e)).isNotNull();
            });
  }

  @Test
  void aUserConsumerArnAgainstAServerWithoutFanOutFailsTheSameWay(LocalKinesalite kinesalite) {
    Pipeline pipeline =
        Pipeline.from(
                Sources.at(kinesalite, "orders", false)
                    .clientProperty("protocol", "HTTP1_1")
                    .fanOutWithConsumerArn(
                        "arn:aws:kinesis:us-east-1:000000000000:stream/orders/consumer/app:1")
                    .consumerRegistrationTimeout(Duration.ofSeconds(5))
                    .build())
            .to(new CollectingSink<>(r -> r))
            .name("no-fan-out-arn")
            .checkpointDirectory(dir.resolve("arn"))
            .restartPolicy(RestartPolicy.none())
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("does not support enhanced fan-out (DescribeStreamConsumer");
  }

  @Test
  void fanOutOverHttp2AgainstAServerThatSpeaksOnlyHttp11FailsAtOnceNamingTheProtocolOption(
      LocalKinesalite kinesalite) {
    Pipeline pipeline =
        Pipeline.from(Sources.at(kinesalite, "orders", false).fanOut("app").build())
            .to(new CollectingSink<>(r -> r))
            .name("no-http2")
            .checkpointDirectory(dir.resolve("http2"))
            .restartPolicy(RestartPolicy.of(3, dev.shardline.retry.Backoff.DEFAULT))
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("did not answer in HTTP/2")
        .hasMessageContaining("clientConfigProperties.protocol: HTTP1_1")
        .satisfies(e -> assertThat(((PipelineFailedException) e).attempts()).isEqualTo(1));
  }
}
