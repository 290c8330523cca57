package dev.shardline.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.internal.Loopback;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalKafkaChildJvmIT {
  @RegisterExtension
  static final LocalKafkaExtension KAFKA = new LocalKafkaExtension(LocalKafka.builder().childJvm());

  @Test
  void everyRecordIsConsumedExactlyOnceAndInPartitionOrder(LocalKafka kafka) {
    // Given
    int records = 2_000;
    int partitions = 3;
    kafka.createTopic("child-round-trip", partitions);

    // When
    Records.produceNumbered(kafka, "child-round-trip", records, partitions);
    Map<Integer, List<String>> consumed =
        Records.consumeInGroup(kafka, "child-round-trip", "child-round-trip-group", partitions);

    // Then
    assertThat(kafka.mode()).isEqualTo(LocalKafka.Mode.CHILD_JVM);
    assertThat(kafka.pid()).isPresent();
    for (int p = 0; p < partitions; p++) {
      assertThat(consumed.get(p))
          .as("partition %d", p)
          .containsExactlyElementsOf(Records.expectedInPartition(records, partitions, p));
    }
  }

  @Test
  void restartOnTheSamePortsKeepsTheData(LocalKafka kafka) {
    // Given
    kafka.createTopic("before-restart", 2);
    Records.produceNumbered(kafka, "before-restart", 500, 2);
    String bootstrap = kafka.bootstrapServers();
    long firstPid = kafka.pid().orElseThrow();

    // When
    kafka.stop();

    // Then the broker is really down
    assertThat(kafka.isRunning()).isFalse();
    assertThat(kafka.pid()).isEmpty();
    assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive))
        .isNotEqualTo(Optional.of(true));
    assertThat(Loopback.accepts(kafka.port(), Duration.ofMillis(500)))
        .as("port %d accepts connections", kafka.port())
        .isFalse();

    // When
    kafka.start();

    // Then it is back on the same address, with the records produced before the restart
    assertThat(kafka.isRunning()).isTrue();
    assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
    assertThat(kafka.pid()).isPresent().isNotEqualTo(OptionalLong.of(firstPid));
    Map<Integer, List<String>> consumed =
        Records.consumeInGroup(kafka, "before-restart", "after-restart-group", 2);
    for (int p = 0; p < 2; p++) {
      assertThat(consumed.get(p))
          .as("partition %d", p)
          .containsExactlyElementsOf(Records.expectedInPartition(500, 2, p));
    }
  }

  @Test
  void killedBrokerComesBackWithTheAcknowledgedRecords(LocalKafka kafka) {
    // Given
    kafka.createTopic("before-kill", 1);
    Records.produceNumbered(kafka, "before-kill", 300, 1);
    long pid = kafka.pid().orElseThrow();

    // When
    kafka.kill();

    // Then
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(kafka.isRunning()).isFalse();

    // When
    kafka.start();

    // Then
    Map<Integer, List<String>> consumed =
        Records.consumeInGroup(kafka, "before-kill", "after-kill-group", 1);
    assertThat(consumed.get(0)).containsExactlyElementsOf(Records.expectedInPartition(300, 1, 0));
  }
}
