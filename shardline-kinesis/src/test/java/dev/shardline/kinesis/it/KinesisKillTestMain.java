package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ConsumerLifecycle;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link KinesisSourceExactlyOnceIT} and {@link KinesisFanOutKillIT} run in a child JVM and
 * kill: a Kinesis stream into the exactly-once file sink, stopping gracefully on SIGTERM.
 *
 * <p>Arguments: endpoint, stream, checkpoint directory, output directory, parallelism, and
 * optionally the name of a stream consumer the caller registered: with it the pipeline reads with
 * enhanced fan-out over HTTP/1.1 (as kinesis-local serves it), else it polls kinesalite (CBOR off).
 */
public final class KinesisKillTestMain {
  private KinesisKillTestMain() {}

  public static void main(String[] args) {
    KinesisSource.Builder<byte[]> builder =
        KinesisSource.builder().stream(args[1])
            .endpoint(URI.create(args[0]), "us-east-1")
            .credentials(AwsCredentials.basic("testkit", "testkit"))
            .startingPosition(StartingPosition.earliest());
    if (args.length > 5) {
      builder
          .clientProperty("protocol", "HTTP1_1")
          .option(KinesisSourceOptions.READER_TYPE, ReaderType.FAN_OUT)
          .option(KinesisSourceOptions.FAN_OUT_CONSUMER_NAME, args[5])
          .option(KinesisSourceOptions.FAN_OUT_CONSUMER_LIFECYCLE, ConsumerLifecycle.USER);
    } else {
      builder
          .clientProperty("cborEnabled", "false")
          // 250 per call at 5 calls/s per shard: 5,000 records/s on 4 shards, 20 s for all, so
          // the killed runs of KinesisSourceExactlyOnceIT cannot read everything
          .option(KinesisSourceOptions.GET_RECORDS_MAX, 250);
    }
    KinesisSource<byte[]> source = builder.build();
    Pipeline.from(source)
        .map(r -> new String(r.value(), UTF_8))
        .to(FileSink.lines(Path.of(args[3])).build())
        .name("kinesis-killtest")
        .parallelism(Integer.parseInt(args[4]))
        .checkpointInterval(Duration.ofMillis(200))
        .checkpointDirectory(Path.of(args[2]))
        .restartPolicy(RestartPolicy.none())
        .stopOnJvmShutdown(true)
        .build()
        .run();
  }
}
