package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.generator.GeneratorSource;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers learn of the final checkpoint too (e.g. a Kafka source commits its group offsets there).
 * Regression: the workers were stopped by a flag checked before their next mailbox message, so a
 * final notification still queued behind another message was skipped.
 */
@Timeout(30)
class FinalCheckpointNotificationTest {
  private static final Duration SLOW_EVENT = Duration.ofMillis(300);

  @TempDir Path dir;

  @Test
  void everyReaderIsNotifiedOfTheFinalCheckpointAtTheEndOfInput() {
    NotificationRecordingSource<Long, ?, ?> source =
        new NotificationRecordingSource<>(
            GeneratorSource.sequence().count(5_000).build(), SLOW_EVENT);
    // a long interval: the final checkpoint is the only one
    Pipeline pipeline = pipeline(source);

    pipeline.run();

    long last = pipeline.lastCheckpointId().orElseThrow();
    assertThat(source.notifiedOf(0)).contains(last);
    assertThat(source.notifiedOf(1)).contains(last);
  }

  @Test
  void everyReaderIsNotifiedOfTheFinalCheckpointOfAGracefulStop() {
    NotificationRecordingSource<Long, ?, ?> source =
        new NotificationRecordingSource<>(GeneratorSource.sequence().build(), SLOW_EVENT);
    Pipeline pipeline = pipeline(source);
    pipeline.start();

    pipeline.stop();

    long last = pipeline.lastCheckpointId().orElseThrow();
    assertThat(source.notifiedOf(0)).contains(last);
    assertThat(source.notifiedOf(1)).contains(last);
  }

  private Pipeline pipeline(NotificationRecordingSource<Long, ?, ?> source) {
    return Pipeline.from(source)
        .to(new CollectingSink<>())
        .parallelism(2)
        .checkpointInterval(Duration.ofHours(1))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .build();
  }
}
