package dev.shardline.kafka.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SourceEvent;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.kafka.config.OffsetReset;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.config.StoppingOffsetsType;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The enumerator of a bounded source: stopping offsets, one listing, no more splits. */
class KafkaSourceEnumeratorBoundedTest {
  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);
  private static final StoppingOffsets LATEST =
      new StoppingOffsets(StoppingOffsetsType.LATEST, null);

  private final FakeMetadataClient client = new FakeMetadataClient();

  /** A {@link FakeEnumeratorContext} that records which readers were told "no more splits". */
  private static final class Context implements SplitEnumeratorContext<KafkaPartitionSplit> {
    final FakeEnumeratorContext fake;
    final Set<Integer> registered;
    final Map<Integer, List<KafkaPartitionSplit>> assigned;
    final List<Integer> noMoreSplits = new ArrayList<>();

    Context(int parallelism) {
      fake = new FakeEnumeratorContext(parallelism);
      registered = fake.registered;
      assigned = fake.assigned;
    }

    void runAsync() {
      fake.runAsync();
    }

    void register(KafkaSourceEnumerator enumerator, int reader) {
      registered.add(reader);
      enumerator.addReader(reader);
    }

    @Override
    public int parallelism() {
      return fake.parallelism();
    }

    @Override
    public Set<Integer> registeredReaders() {
      return fake.registeredReaders();
    }

    @Override
    public void assignSplits(Map<Integer, List<KafkaPartitionSplit>> assignment) {
      fake.assignSplits(assignment);
    }

    @Override
    public void signalNoMoreSplits(int readerId) {
      noMoreSplits.add(readerId);
    }

    @Override
    public void sendEventToReader(int readerId, SourceEvent event) {}

    @Override
    public <R> void callAsync(
        Callable<R> callable,
        BiConsumer<R, Throwable> handler,
        Duration initialDelay,
        Duration period) {
      fake.callAsync(callable, handler, initialDelay, period);
    }

    @Override
    public MeterRegistry metrics() {
      return fake.metrics();
    }

    @Override
    public Time time() {
      return fake.time();
    }
  }

  private KafkaSourceEnumerator enumerator(
      Context context,
      StartingOffsets starting,
      StoppingOffsets stopping,
      KafkaEnumeratorState restored) {
    return new KafkaSourceEnumerator(
        context,
        () -> client,
        TopicSelection.topics(List.of("orders")),
        starting,
        stopping,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        "127.0.0.1:9092",
        restored);
  }

  private static Map<TopicPartition, KafkaPartitionSplit> all(Context context) {
    return context.assigned.values().stream()
        .flatMap(List::stream)
        .collect(Collectors.toMap(KafkaPartitionSplit::topicPartition, s -> s));
  }

  @Test
  void latestStoppingOffsetsAreResolvedInTheFirstListingWithTheStartingOffsets() {
    client.addTopic("orders", 2);
    client.latest.putAll(Map.of(P0, 100L, P1, 0L));
    Context context = new Context(1);
    KafkaSourceEnumerator enumerator =
        enumerator(context, StartingOffsets.earliest(), LATEST, null);
    enumerator.start();
    // one listing, not periodic
    assertThat(context.fake.period).isEqualTo(Duration.ZERO);
    context.register(enumerator, 0);
    context.runAsync();

    assertThat(all(context))
        .containsOnly(
            Map.entry(P0, new KafkaPartitionSplit("orders", 0, KafkaPartitionSplit.EARLIEST, 100)),
            Map.entry(P1, new KafkaPartitionSplit("orders", 1, KafkaPartitionSplit.EARLIEST, 0)));
    assertThat(context.noMoreSplits).containsExactly(0);
  }

  @Test
  void aTimestampStopsAtTheFirstLaterRecordOrTheEnd() {
    client.addTopic("orders", 2);
    client.latest.putAll(Map.of(P0, 100L, P1, 200L));
    client.byTimestamp.put(P0, 40L); // p1 has no record that late: its end
    Instant stop = Instant.parse("2024-05-02T00:00:00Z");
    Context context = new Context(1);
    KafkaSourceEnumerator enumerator =
        enumerator(
            context,
            new StartingOffsets(StartingOffsetsType.LATEST, null, OffsetReset.EARLIEST, null),
            new StoppingOffsets(StoppingOffsetsType.TIMESTAMP, stop),
            null);
    enumerator.start();
    context.register(enumerator, 0);
    context.runAsync();
    assertThat(client.requestedTimestamp).isEqualTo(stop.toEpochMilli());
    Map<TopicPartition, KafkaPartitionSplit> splits = all(context);
    // starting latest: p0 starts at 100, after its stopping offset 40: finished from the start
    assertThat(splits.get(P0)).isEqualTo(new KafkaPartitionSplit("orders", 0, 100, 40));
    assertThat(splits.get(P0).isFinished()).isTrue();
    assertThat(splits.get(P1)).isEqualTo(new KafkaPartitionSplit("orders", 1, 200, 200));
  }

  @Test
  void eachReaderIsToldNoMoreSplitsOnceItsPartitionsAreAssigned() {
    client.addTopic("orders", 2);
    client.latest.putAll(Map.of(P0, 5L, P1, 5L));
    Context context = new Context(3);
    KafkaSourceEnumerator enumerator =
        enumerator(context, StartingOffsets.earliest(), LATEST, null);
    enumerator.start();
    context.register(enumerator, 0);
    // before the listing nobody is told
    assertThat(context.noMoreSplits).isEmpty();
    context.runAsync();
    int owner0 = PartitionAssigner.ownerOf(P0, 3);
    int owner1 = PartitionAssigner.ownerOf(P1, 3);
    // reader 0 got what it owns (maybe nothing); the others are not registered yet
    assertThat(context.noMoreSplits).containsExactly(0);
    context.register(enumerator, 1);
    context.register(enumerator, 2);
    assertThat(context.noMoreSplits).containsExactly(0, 1, 2);
    assertThat(all(context)).containsOnlyKeys(P0, P1);
    assertThat(context.assigned.get(owner0))
        .extracting(KafkaPartitionSplit::topicPartition)
        .contains(P0);

    // a reader that failed gives its splits back, comes back and is told again
    List<KafkaPartitionSplit> back = context.assigned.remove(owner1);
    context.registered.remove(owner1);
    enumerator.addSplitsBack(back, owner1);
    context.register(enumerator, owner1);
    assertThat(context.assigned.get(owner1)).isEqualTo(back);
    assertThat(context.noMoreSplits).containsExactly(0, 1, 2, owner1);
  }

  @Test
  void aRestoredBoundedEnumeratorDoesNotListAgain() {
    client.addTopic("orders", 3);
    KafkaEnumeratorState restored =
        new KafkaEnumeratorState(
            Set.of(P0), List.of(new KafkaPartitionSplit("orders", 1, 7, 9)), true);
    Context context = new Context(1);
    KafkaSourceEnumerator enumerator =
        enumerator(context, StartingOffsets.earliest(), LATEST, restored);
    enumerator.start();
    // never scheduled: no listing at all
    assertThat(context.fake.period).isNull();
    context.register(enumerator, 0);
    context.runAsync();
    assertThat(client.calls).isZero();
    assertThat(all(context))
        .containsOnly(Map.entry(P1, new KafkaPartitionSplit("orders", 1, 7, 9)));
    assertThat(context.noMoreSplits).containsExactly(0);
    assertThat(enumerator.snapshotState(3).assigned()).containsExactlyInAnyOrder(P0, P1);
  }

  @Test
  void anUnboundedEnumeratorNeverSaysNoMoreSplits() {
    client.addTopic("orders", 2);
    Context context = new Context(1);
    KafkaSourceEnumerator enumerator =
        enumerator(context, StartingOffsets.earliest(), StoppingOffsets.none(), null);
    enumerator.start();
    assertThat(context.fake.period).isEqualTo(Duration.ofSeconds(30));
    context.register(enumerator, 0);
    context.runAsync();
    assertThat(all(context).values()).noneMatch(KafkaPartitionSplit::hasStoppingOffset);
    assertThat(context.noMoreSplits).isEmpty();
  }
}
