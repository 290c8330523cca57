package dev.shardline.runtime;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The program {@link KillAndRestoreIT} runs in a child JVM and kills: a bounded, optionally paced
 * generator of JSON events into an exactly-once file sink, stopping gracefully on SIGTERM.
 *
 * <p>Arguments: checkpoint directory, output directory, parallelism, record count, records per
 * second (0 for no pacing), checkpoint interval in milliseconds.
 */
public final class KillTestPipelineMain {
  static final int KEYS = 8;
  static final int PAYLOAD_CHARS = 20;

  private KillTestPipelineMain() {}

  public static void main(String[] args) {
    Path checkpoints = Path.of(args[0]);
    Path output = Path.of(args[1]);
    int parallelism = Integer.parseInt(args[2]);
    long count = Long.parseLong(args[3]);
    double rate = Double.parseDouble(args[4]);
    long intervalMillis = Long.parseLong(args[5]);
    Pipeline.from(
            GeneratorSource.jsonEvents(KEYS, PAYLOAD_CHARS)
                .count(count)
                .ratePerSecond(rate)
                .batchSize(64)
                .build())
        .to(FileSink.lines(output).build())
        .name("killtest")
        .parallelism(parallelism)
        .checkpointInterval(Duration.ofMillis(intervalMillis))
        .checkpointDirectory(checkpoints)
        .restartPolicy(RestartPolicy.none())
        .stopOnJvmShutdown(true)
        .build()
        .run();
  }
}
