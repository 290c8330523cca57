package dev.shardline.kinesis.it;

import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.format.StringFormat;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link KinesisSinkAtLeastOnceIT} runs in a child JVM and kills: a generator of JSON events
 * into the Kinesis sink on kinesalite, checkpointing every 200 ms.
 *
 * <p>Arguments: endpoint, stream, checkpoint directory, record count, records per second.
 */
public final class KinesisSinkKillTestMain {
  static final int KEYS = 32;

  private KinesisSinkKillTestMain() {}

  public static void main(String[] args) {
    KinesisSink<String> sink =
        KinesisSink.<String>builder().stream(args[1])
            .region(AwsRegion.customEndpoint(URI.create(args[0]), "us-east-1"))
            .credentials(AwsCredentials.basic("testkit", "testkit"))
            .clientProperty("cborEnabled", "false")
            .partitionKey(KinesisSinkKillTestMain::keyOf)
            .format(StringFormat.utf8())
            .shardRate(false)
            .build();
    Pipeline.from(
            GeneratorSource.jsonEvents(KEYS, 20)
                .count(Long.parseLong(args[3]))
                .ratePerSecond(Double.parseDouble(args[4]))
                .build())
        .to(sink)
        .name("kinesis-sink-killtest")
        .parallelism(2)
        .checkpointInterval(Duration.ofMillis(200))
        .checkpointDirectory(Path.of(args[2]))
        .restartPolicy(RestartPolicy.none())
        .stopOnJvmShutdown(true)
        .build()
        .run();
  }

  /** The "key" of {@code {"seq":n,"key":"key-k","payload":"..."}}. */
  static String keyOf(String json) {
    int start = json.indexOf("\"key\":\"") + 7;
    return json.substring(start, json.indexOf('"', start));
  }

  /** The "seq" of a generated event. */
  static long seqOf(String json) {
    int start = json.indexOf("\"seq\":") + 6;
    return Long.parseLong(json.substring(start, json.indexOf(',', start)));
  }
}
