package dev.shardline.kinesis.it;

import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import java.time.Duration;

/** Source builders pointed at a local server, with test-friendly intervals. */
final class Sources {
  private Sources() {}

  static KinesisSource.Builder<byte[]> at(KinesisEndpoint endpoint, String stream, boolean cbor) {
    KinesisSource.Builder<byte[]> builder =
        KinesisSource.builder().stream(stream)
            .endpoint(endpoint.endpoint(), endpoint.region().id())
            .credentials(AwsCredentials.basic("testkit", "testkit"))
            .discoveryInterval(Duration.ofSeconds(1));
    if (!cbor) {
      builder.clientProperty("cborEnabled", "false");
    }
    return builder;
  }
}
