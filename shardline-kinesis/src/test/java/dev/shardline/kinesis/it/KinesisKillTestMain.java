package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link KinesisSourceExactlyOnceIT} runs in a child JVM and kills: a Kinesis stream on
 * kinesalite into the exactly-once file sink, stopping gracefully on SIGTERM.
 *
 * <p>Arguments: endpoint, stream, checkpoint directory, output directory, parallelism.
 */
public final class KinesisKillTestMain {
  private KinesisKillTestMain() {}

  public static void main(String[] args) {
    KinesisSource<byte[]> source =
        KinesisSource.builder().stream(args[1])
            .endpoint(URI.create(args[0]), "us-east-1")
            .credentials(AwsCredentials.basic("testkit", "testkit"))
            .clientProperty("cborEnabled", "false")
            .startingPosition(StartingPosition.earliest())
            // 250 per call at 5 calls/s per shard: 5,000 records/s on 4 shards, 20 s for all, so
            // the killed runs of KinesisSourceExactlyOnceIT cannot read everything
            .option(KinesisSourceOptions.GET_RECORDS_MAX, 250)
            .build();
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
