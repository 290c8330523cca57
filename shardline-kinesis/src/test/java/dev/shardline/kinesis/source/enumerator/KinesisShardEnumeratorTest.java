package dev.shardline.kinesis.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.kinesis.source.split.ShardsEndedEvent;
import dev.shardline.kinesis.source.split.ShardsFinishedEvent;
import dev.shardline.kinesis.testing.FakeKinesis;
import dev.shardline.kinesis.testing.FakeKinesis.Op;
import dev.shardline.kinesis.testing.TestEnumeratorContext;
import dev.shardline.time.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;

class KinesisShardEnumeratorTest {
  private static final String STREAM = "orders";

  private final ManualTime time = new ManualTime();
  private final FakeKinesis kinesis = new FakeKinesis(time);

  @Test
  void theFirstDiscoveryAssignsEveryShardByHashOverTheReaders() throws Exception {
    kinesis.createStream(STREAM, 4);
    TestEnumeratorContext context = context(2);
    start(context, b -> b.startingPosition(StartingPosition.earliest()));

    assertThat(context.allAssigned())
        .containsExactlyInAnyOrder(
            "orders/shardId-000000000000",
            "orders/shardId-000000000001",
            "orders/shardId-000000000002",
            "orders/shardId-000000000003");
    for (int reader = 0; reader < 2; reader++) {
      for (String splitId : context.assignedTo(reader)) {
        assertThat(Math.floorMod(splitId.hashCode(), 2)).isEqualTo(reader);
      }
    }
    assertThat(context.assigned.values().stream().flatMap(List::stream))
        .allSatisfy(s -> assertThat(s.position()).isEqualTo(ShardPosition.trimHorizon()));
  }

  @Test
  void nothingIsAssignedBeforeAReaderRegisters() throws Exception {
    kinesis.createStream(STREAM, 2);
    TestEnumeratorContext context = new TestEnumeratorContext(2, time);
    KinesisShardEnumerator enumerator = enumerator(context, b -> b, null);
    enumerator.start();
    context.runAsyncCalls();
    assertThat(context.assignments).isEmpty();
    context.register(1);
    enumerator.addReader(1);
    assertThat(context.assignedTo(1)).hasSize(2);
  }

  @Test
  void aChildOfASplitWaitsForItsParentThenGoesToTheParentsReaderAtOnce() throws Exception {
    kinesis.createStream(STREAM, 1);
    TestEnumeratorContext context = context(3);
    KinesisShardEnumerator enumerator =
        start(context, b -> b.startingPosition(StartingPosition.earliest()));
    int parentReader = readerOf(context, "orders/shardId-000000000000");

    kinesis.split(STREAM, "shardId-000000000000");
    context.runAsyncCalls();
    assertThat(context.allAssigned()).hasSize(1); // children wait for the parent

    enumerator.handleSourceEvent(
        parentReader, new ShardsEndedEvent(List.of("orders/shardId-000000000000")));
    assertThat(context.assignedTo(parentReader))
        .containsExactly(
            "orders/shardId-000000000000",
            "orders/shardId-000000000001",
            "orders/shardId-000000000002");
    assertThat(context.assigned.get(parentReader).get(1).position())
        .isEqualTo(ShardPosition.trimHorizon());
    assertThat(context.assigned.get(parentReader).get(1).parentShardIds())
        .containsExactly("shardId-000000000000");
  }

  @Test
  void aMergeOfShardsOnTwoReadersWaitsUntilOneParentIsFinishedAndCheckpointed() throws Exception {
    kinesis.createStream(STREAM, 2);
    TestEnumeratorContext context = context(2);
    KinesisShardEnumerator enumerator =
        start(
            context,
            b ->
                b.startingPosition(StartingPosition.earliest())
                    .shardAssigner((shard, ctx) -> shard.shardId().endsWith("0") ? 0 : 1));
    String child = kinesis.merge(STREAM, "shardId-000000000000", "shardId-000000000001");
    context.runAsyncCalls();

    enumerator.handleSourceEvent(0, new ShardsEndedEvent(List.of("orders/shardId-000000000000")));
    enumerator.handleSourceEvent(1, new ShardsEndedEvent(List.of("orders/shardId-000000000001")));
    context.runAsyncCalls();
    assertThat(context.allAssigned()).doesNotContain("orders/" + child);

    // reader 1's parent is in a completed checkpoint: its records are flushed downstream
    enumerator.handleSourceEvent(
        1, new ShardsFinishedEvent(List.of("orders/shardId-000000000001")));
    assertThat(context.assignedTo(0)).contains("orders/" + child);
  }

  @Test
  void whenStartingAtLatestClosedShardsAreSkippedAndTheirChildrenReadAtOnce() throws Exception {
    kinesis.createStream(STREAM, 2);
    List<String> children = kinesis.split(STREAM, "shardId-000000000000");
    TestEnumeratorContext context = context(1);
    start(context, b -> b);

    assertThat(context.assigned.get(0))
        .extracting(KinesisShardSplit::shardId)
        .containsExactly("shardId-000000000001", children.get(0), children.get(1));
    assertThat(context.assigned.get(0))
        .allSatisfy(s -> assertThat(s.position()).isEqualTo(ShardPosition.latest()));
  }

  @Test
  void aShardAtLatestNoLongerSkipsTheRecordsSinceTheStartWhenCheckpointedOrHandedBack()
      throws Exception {
    kinesis.createStream(STREAM, 2);
    TestEnumeratorContext context = context(1);
    Instant started = Instant.ofEpochMilli(time.milliseconds());
    KinesisShardEnumerator enumerator = start(context, b -> b);
    List<KinesisShardSplit> first = List.copyOf(context.assigned.get(0));
    assertThat(first).allSatisfy(s -> assertThat(s.position()).isEqualTo(ShardPosition.latest()));
    time.advance(Duration.ofMinutes(5));

    // a checkpoint and a reader's failure hand the splits out again later: not at a new LATEST
    assertThat(enumerator.snapshotState(1).streams().get(0).shards())
        .allSatisfy(
            t -> assertThat(t.split().position()).isEqualTo(ShardPosition.latestPinnedAt(started)));
    enumerator.addSplitsBack(first, 0);
    assertThat(context.assigned.get(0).subList(2, 4))
        .allSatisfy(s -> assertThat(s.position()).isEqualTo(ShardPosition.latestPinnedAt(started)));
  }

  @Test
  void shardsFoundLaterStartAtTrimHorizonWhateverTheStartingPosition() throws Exception {
    kinesis.createStream(STREAM, 1);
    TestEnumeratorContext context = context(1);
    KinesisShardEnumerator enumerator = start(context, b -> b);
    kinesis.split(STREAM, "shardId-000000000000");
    enumerator.handleSourceEvent(0, new ShardsEndedEvent(List.of("orders/shardId-000000000000")));
    context.runAsyncCalls();
    assertThat(context.assigned.get(0))
        .extracting(KinesisShardSplit::position)
        .containsExactly(
            ShardPosition.latest(), ShardPosition.trimHorizon(), ShardPosition.trimHorizon());
  }

  @Test
  void aSequenceNumberStartSkipsTheAncestorsOfTheGivenShards() throws Exception {
    kinesis.createStream(STREAM, 2);
    List<String> children = kinesis.split(STREAM, "shardId-000000000000");
    Record record = kinesis.putToShard(STREAM, children.get(0), "k", new byte[] {1});
    TestEnumeratorContext context = context(1);
    start(
        context,
        b ->
            b.startingPosition(
                StartingPosition.afterSequenceNumbers(
                    Map.of(children.get(0), record.sequenceNumber()))));

    assertThat(context.assigned.get(0))
        .extracting(KinesisShardSplit::shardId)
        .containsExactly("shardId-000000000001", children.get(0), children.get(1));
    assertThat(context.assigned.get(0).get(1).position())
        .isEqualTo(ShardPosition.afterSequenceNumber(record.sequenceNumber()));
    assertThat(context.assigned.get(0).get(0).position()).isEqualTo(ShardPosition.trimHorizon());
  }

  @Test
  void laterDiscoveriesListOnlyNewShardsAndIgnoreFinishedOnesAServerListsAgain() throws Exception {
    kinesis.createStream(STREAM, 1);
    kinesis.ignoreShardFilter(true); // as kinesalite
    TestEnumeratorContext context = context(1);
    KinesisShardEnumerator enumerator =
        start(context, b -> b.startingPosition(StartingPosition.earliest()));
    kinesis.split(STREAM, "shardId-000000000000");
    enumerator.handleSourceEvent(0, new ShardsEndedEvent(List.of("orders/shardId-000000000000")));
    context.runAsyncCalls();
    enumerator.handleSourceEvent(
        0, new ShardsFinishedEvent(List.of("orders/shardId-000000000000")));
    assertThat(enumerator.trackedShardCount()).isEqualTo(2);

    context.runAsyncCalls();
    assertThat(context.allAssigned()).hasSize(3).doesNotHaveDuplicates();
    assertThat(enumerator.snapshotState(1).streams().get(0).lastListedShardId())
        .isEqualTo("shardId-000000000002");
  }

  @Test
  void twoHundredShardsAreDiscoveredOverSeveralPagesAndSpreadOverTheReaders() throws Exception {
    kinesis.createStream(STREAM, 200);
    kinesis.listShardsPageSize(50);
    TestEnumeratorContext context = context(4);
    start(context, b -> b.startingPosition(StartingPosition.earliest()));
    assertThat(context.allAssigned()).hasSize(200).doesNotHaveDuplicates();
    assertThat(kinesis.calls(Op.LIST_SHARDS, null)).hasSize(4);
    for (int reader = 0; reader < 4; reader++) {
      assertThat(context.assignedTo(reader)).hasSizeBetween(30, 70);
    }
  }

  @Test
  void theStateRestoresAssignmentsAndTheDiscoveryProgress() throws Exception {
    kinesis.createStream(STREAM, 1);
    TestEnumeratorContext context = context(1);
    KinesisShardEnumerator enumerator =
        start(context, b -> b.startingPosition(StartingPosition.earliest()));
    kinesis.split(STREAM, "shardId-000000000000");
    context.runAsyncCalls();
    KinesisEnumeratorState state = enumerator.snapshotState(3);
    KinesisEnumeratorState copy =
        KinesisEnumeratorStateSerializer.INSTANCE.deserialize(
            1, KinesisEnumeratorStateSerializer.INSTANCE.serialize(state));

    TestEnumeratorContext restoredContext = context(1);
    KinesisShardEnumerator restored = enumerator(restoredContext, b -> b, copy);
    restored.start();
    restored.addReader(0);
    restoredContext.runAsyncCalls();
    assertThat(restoredContext.allAssigned()).isEmpty(); // the parent is still being read
    restored.handleSourceEvent(0, new ShardsEndedEvent(List.of("orders/shardId-000000000000")));
    assertThat(restoredContext.allAssigned())
        .containsExactly("orders/shardId-000000000001", "orders/shardId-000000000002");
  }

  @Test
  void splitsHandedBackAreAssignedAgainWithTheirPositions() throws Exception {
    kinesis.createStream(STREAM, 1);
    TestEnumeratorContext context = context(2);
    KinesisShardEnumerator enumerator =
        start(context, b -> b.startingPosition(StartingPosition.earliest()));
    KinesisShardSplit split =
        new KinesisShardSplit(
            STREAM,
            "shardId-000000000000",
            List.of(),
            "0",
            "1",
            ShardPosition.afterRecord("123", -1, 5),
            false);
    context.assigned.clear();
    enumerator.addSplitsBack(List.of(split), 7);
    assertThat(context.assigned.values().stream().flatMap(List::stream)).containsExactly(split);
  }

  @Test
  void aMissingStreamFailsTheEnumeratorAsUnrecoverableWithAClearMessage() throws Exception {
    TestEnumeratorContext context = context(1);
    KinesisShardEnumerator enumerator = enumerator(context, b -> b, null);
    enumerator.start();
    // no restart can create the stream: the runner must fail at once, saying what to fix
    assertThatThrownBy(context::runAsyncCalls)
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("Kinesis stream(s) orders not found")
        .hasMessageContaining("ResourceNotFoundException")
        .hasMessageContaining("Create the stream, or fix the option streams");
  }

  @Test
  void throttledListingNeverFailsAndServerErrorsFailOnlyBeforeTheFirstDiscovery() throws Exception {
    kinesis.createStream(STREAM, 1);
    TestEnumeratorContext context = context(1);
    KinesisShardEnumerator enumerator =
        enumerator(context, b -> b.option(KinesisSourceOptions.RETRY_MAX_ATTEMPTS, 2), null);
    enumerator.start();
    kinesis.failNext(
        Op.LIST_SHARDS,
        20,
        () ->
            software.amazon.awssdk.services.kinesis.model.LimitExceededException.builder()
                .message("Rate exceeded")
                .statusCode(400)
                .build());
    for (int i = 0; i < 10; i++) {
      context.runAsyncCalls();
    }
    context.runAsyncCalls();
    assertThat(context.allAssigned()).hasSize(1);
  }

  // ------------------------------------------------------------------ helpers

  private TestEnumeratorContext context(int parallelism) {
    TestEnumeratorContext context = new TestEnumeratorContext(parallelism, time);
    for (int i = 0; i < parallelism; i++) {
      context.register(i);
    }
    return context;
  }

  private KinesisShardEnumerator start(
      TestEnumeratorContext context, UnaryOperator<KinesisSource.Builder<byte[]>> options) {
    KinesisShardEnumerator enumerator = enumerator(context, options, null);
    enumerator.start();
    for (int i = 0; i < context.parallelism(); i++) {
      enumerator.addReader(i);
    }
    context.runAsyncCalls();
    return enumerator;
  }

  private KinesisShardEnumerator enumerator(
      TestEnumeratorContext context,
      UnaryOperator<KinesisSource.Builder<byte[]>> options,
      KinesisEnumeratorState state) {
    KinesisSource<byte[]> source =
        options
            .apply(
                KinesisSource.builder().stream(STREAM)
                    .discoveryInterval(Duration.ofSeconds(1))
                    .proxyFactory(config -> kinesis))
            .build();
    SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> enumerator =
        state == null ? source.createEnumerator(context) : source.restoreEnumerator(context, state);
    return (KinesisShardEnumerator) enumerator;
  }

  private static int readerOf(TestEnumeratorContext context, String splitId) {
    return context.assigned.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(s -> s.splitId().equals(splitId)))
        .findFirst()
        .orElseThrow()
        .getKey();
  }
}
