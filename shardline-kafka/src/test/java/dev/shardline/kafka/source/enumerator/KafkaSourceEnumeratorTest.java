package dev.shardline.kafka.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.ShardlineException;
import dev.shardline.kafka.config.OffsetReset;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class KafkaSourceEnumeratorTest {
  private final FakeMetadataClient client = new FakeMetadataClient();

  private KafkaSourceEnumerator enumerator(
      FakeEnumeratorContext context, StartingOffsets starting, KafkaEnumeratorState restored) {
    return new KafkaSourceEnumerator(
        context,
        () -> client,
        TopicSelection.topics(List.of("orders")),
        starting,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        "127.0.0.1:9092",
        restored);
  }

  private static List<KafkaPartitionSplit> all(FakeEnumeratorContext context) {
    List<KafkaPartitionSplit> splits = new ArrayList<>();
    context.assigned.values().forEach(splits::addAll);
    return splits;
  }

  @Test
  void partitionsGoToReadersByIndexOnceTheyRegister() {
    client.addTopic("orders", 6);
    FakeEnumeratorContext context = new FakeEnumeratorContext(2);
    KafkaSourceEnumerator enumerator = enumerator(context, StartingOffsets.earliest(), null);
    enumerator.start();
    assertThat(context.period).isEqualTo(Duration.ofSeconds(30));
    context.registered.add(0);
    enumerator.addReader(0);
    context.runAsync();
    assertThat(context.assigned.keySet()).containsExactly(0);
    assertThat(context.assigned.get(0)).hasSize(3);

    context.registered.add(1);
    enumerator.addReader(1);
    assertThat(context.assigned.get(1)).hasSize(3);
    for (Map.Entry<Integer, List<KafkaPartitionSplit>> e : context.assigned.entrySet()) {
      for (KafkaPartitionSplit split : e.getValue()) {
        assertThat(PartitionAssigner.ownerOf(split.topicPartition(), 2)).isEqualTo(e.getKey());
        assertThat(split.nextOffset()).isEqualTo(KafkaPartitionSplit.EARLIEST);
      }
    }
    assertThat(enumerator.snapshotState(1).unassigned()).isEmpty();
    assertThat(enumerator.snapshotState(1).assigned()).hasSize(6);
  }

  @Test
  void latestTimestampAndCommittedAreResolvedToOffsetsAtTheFirstListing() {
    client.addTopic("orders", 2);
    TopicPartition p0 = new TopicPartition("orders", 0);
    TopicPartition p1 = new TopicPartition("orders", 1);
    client.latest.putAll(Map.of(p0, 100L, p1, 200L));
    client.byTimestamp.put(p0, 40L); // p1 has no record that late: its end
    client.committed.put(p1, 150L); // p0 has no committed offset: resetTo

    assertThat(
            offsets(
                new StartingOffsets(StartingOffsetsType.LATEST, null, OffsetReset.EARLIEST, null)))
        .containsExactlyInAnyOrderEntriesOf(Map.of(p0, 100L, p1, 200L));
    Instant ts = Instant.parse("2024-05-01T00:00:00Z");
    assertThat(
            offsets(
                new StartingOffsets(StartingOffsetsType.TIMESTAMP, ts, OffsetReset.EARLIEST, null)))
        .containsExactlyInAnyOrderEntriesOf(Map.of(p0, 40L, p1, 200L));
    assertThat(client.requestedTimestamp).isEqualTo(ts.toEpochMilli());
    assertThat(
            offsets(
                new StartingOffsets(
                    StartingOffsetsType.COMMITTED, null, OffsetReset.EARLIEST, "g")))
        .containsExactlyInAnyOrderEntriesOf(Map.of(p0, KafkaPartitionSplit.EARLIEST, p1, 150L));
    assertThat(client.requestedGroup).isEqualTo("g");
    assertThat(
            offsets(
                new StartingOffsets(StartingOffsetsType.COMMITTED, null, OffsetReset.LATEST, "g")))
        .containsExactlyInAnyOrderEntriesOf(Map.of(p0, 100L, p1, 150L));
  }

  private Map<TopicPartition, Long> offsets(StartingOffsets starting) {
    FakeEnumeratorContext context = new FakeEnumeratorContext(1);
    KafkaSourceEnumerator enumerator = enumerator(context, starting, null);
    enumerator.start();
    context.registered.add(0);
    enumerator.addReader(0);
    context.runAsync();
    return all(context).stream()
        .collect(
            Collectors.toMap(KafkaPartitionSplit::topicPartition, KafkaPartitionSplit::nextOffset));
  }

  @Test
  void partitionsFoundLaterStartAtTheirEarliestOffsetWhateverTheStartingOffsets() {
    client.addTopic("orders", 2);
    client.latest.putAll(
        Map.of(new TopicPartition("orders", 0), 10L, new TopicPartition("orders", 1), 10L));
    FakeEnumeratorContext context = new FakeEnumeratorContext(1);
    KafkaSourceEnumerator enumerator =
        enumerator(
            context,
            new StartingOffsets(StartingOffsetsType.LATEST, null, OffsetReset.EARLIEST, null),
            null);
    enumerator.start();
    context.registered.add(0);
    enumerator.addReader(0);
    context.runAsync();
    client.addTopic("orders", 4);
    context.runAsync();
    context.runAsync(); // nothing new: nothing assigned twice
    assertThat(all(context))
        .containsExactlyInAnyOrder(
            new KafkaPartitionSplit("orders", 0, 10),
            new KafkaPartitionSplit("orders", 1, 10),
            new KafkaPartitionSplit("orders", 2, KafkaPartitionSplit.EARLIEST),
            new KafkaPartitionSplit("orders", 3, KafkaPartitionSplit.EARLIEST));
  }

  @Test
  void theFirstListingRetriesUntilTheStartupTimeoutThenFailsNamingTheServers() {
    client.addTopic("orders", 1);
    client.failure = new TimeoutException("Timed out waiting for a node assignment");
    FakeEnumeratorContext context = new FakeEnumeratorContext(1);
    KafkaSourceEnumerator enumerator = enumerator(context, StartingOffsets.earliest(), null);
    enumerator.start();
    assertThatThrownBy(context::runAsync)
        .isInstanceOf(ShardlineException.class)
        .hasMessage(
            "Cannot list the partitions of topics [orders] on the Kafka cluster at 127.0.0.1:9092 within"
                + " 10s (startupTimeout): TimeoutException: Timed out waiting for a node assignment."
                + " Check that bootstrapServers is right, the brokers are up and reachable, and the"
                + " security properties match the cluster");
    assertThat(client.calls).as("retried with backoff").isGreaterThan(3);
    assertThat(context.time.nanoseconds()).isGreaterThanOrEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void aRestoredEnumeratorMustAlsoListOnceWithinTheStartupTimeout() {
    client.failure = new TimeoutException("no broker");
    FakeEnumeratorContext context = new FakeEnumeratorContext(1);
    KafkaSourceEnumerator enumerator =
        enumerator(
            context,
            StartingOffsets.earliest(),
            new KafkaEnumeratorState(Set.of(), List.of(), true));
    enumerator.start();
    assertThatThrownBy(context::runAsync)
        .isInstanceOf(ShardlineException.class)
        .hasMessageStartingWith(
            "Cannot list the partitions of topics [orders] on the Kafka cluster at 127.0.0.1:9092 within 10s");
  }

  @Test
  void missingTopicsFailAtOnceAndLaterListingFailuresOnlyWarn() {
    FakeEnumeratorContext context = new FakeEnumeratorContext(1);
    KafkaSourceEnumerator enumerator = enumerator(context, StartingOffsets.earliest(), null);
    client.failure = new MissingTopicsException(List.of("orders"), "127.0.0.1:9092");
    enumerator.start();
    assertThatThrownBy(context::runAsync)
        .isInstanceOf(MissingTopicsException.class)
        .isInstanceOf(dev.shardline.api.UnrecoverableException.class); // no restart loop
    assertThat(client.calls).isEqualTo(1);

    FakeEnumeratorContext running = new FakeEnumeratorContext(1);
    client.failure = null;
    client.addTopic("orders", 1);
    KafkaSourceEnumerator started = enumerator(running, StartingOffsets.earliest(), null);
    started.start();
    running.runAsync();
    client.failure = new TimeoutException("broker gone");
    running.runAsync(); // logged, not thrown: the next interval tries again
    client.failure = null;
    client.addTopic("orders", 2);
    running.registered.add(0);
    started.addReader(0);
    running.runAsync();
    assertThat(all(running)).hasSize(2);
  }

  @Test
  void listingsThatFailMidRunForTheUnreachableTimeoutFailTheSourceNamingTheServersAndTheOption() {
    // Given a source that started, whose brokers then stop answering
    client.addTopic("orders", 1);
    FakeEnumeratorContext context = new FakeEnumeratorContext(1);
    KafkaSourceEnumerator enumerator =
        new KafkaSourceEnumerator(
            context,
            () -> client,
            TopicSelection.topics(List.of("orders")),
            StartingOffsets.earliest(),
            StoppingOffsets.none(),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            "127.0.0.1:9092",
            () -> new java.net.ConnectException("Connection refused"),
            null);
    enumerator.start();
    context.runAsync();
    client.failure = new TimeoutException("Timed out waiting for a node assignment");

    // When listings fail within the limit, the source waits; an answer ends the outage
    context.runAsync(); // the WARN: Cannot reach Kafka at 127.0.0.1:9092: connection refused
    context.time.advance(Duration.ofSeconds(29));
    context.runAsync();
    client.failure = null;
    context.runAsync(); // the INFO: answers again
    client.failure = new TimeoutException("Timed out waiting for a node assignment");
    context.runAsync();
    context.time.advance(Duration.ofSeconds(29));
    context.runAsync();
    context.time.advance(Duration.ofSeconds(1));

    // Then a listing that fails once the outage lasted unreachableTimeout fails the source
    assertThatThrownBy(context::runAsync)
        .isInstanceOf(dev.shardline.retry.ServerUnreachableException.class)
        .isNotInstanceOf(dev.shardline.api.UnrecoverableException.class)
        .hasMessageStartingWith("Cannot reach Kafka at 127.0.0.1:9092: no answer for 30s")
        .hasMessageContaining("bootstrapServers")
        .hasMessageContaining("option unreachableTimeout (now 30s)");
  }

  @Test
  void aRestoredEnumeratorKeepsItsPendingSplitsAndReassignsSplitsBackAtTheNewParallelism() {
    KafkaEnumeratorState state =
        new KafkaEnumeratorState(
            Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1)),
            List.of(new KafkaPartitionSplit("orders", 2, 7)),
            true);
    client.addTopic("orders", 3);
    FakeEnumeratorContext context = new FakeEnumeratorContext(3);
    KafkaSourceEnumerator enumerator = enumerator(context, StartingOffsets.earliest(), state);
    enumerator.start();
    // as the runner does at another parallelism: splits back before any reader registers
    enumerator.addSplitsBack(
        List.of(new KafkaPartitionSplit("orders", 0, 11), new KafkaPartitionSplit("orders", 1, 12)),
        5);
    assertThat(context.assigned).isEmpty();
    for (int r = 0; r < 3; r++) {
      context.registered.add(r);
      enumerator.addReader(r);
    }
    context.runAsync(); // the listing finds nothing new
    assertThat(all(context))
        .containsExactlyInAnyOrder(
            new KafkaPartitionSplit("orders", 0, 11),
            new KafkaPartitionSplit("orders", 1, 12),
            new KafkaPartitionSplit("orders", 2, 7));
    for (Map.Entry<Integer, List<KafkaPartitionSplit>> e : context.assigned.entrySet()) {
      e.getValue()
          .forEach(
              s ->
                  assertThat(PartitionAssigner.ownerOf(s.topicPartition(), 3))
                      .isEqualTo(e.getKey()));
    }
    KafkaEnumeratorState snapshot = enumerator.snapshotState(2);
    assertThat(snapshot.unassigned()).isEmpty();
    assertThat(snapshot.assigned()).hasSize(3);
    assertThat(snapshot.initialDiscoveryDone()).isTrue();
    enumerator.close();
    assertThat(client.closed).isTrue();
  }
}
