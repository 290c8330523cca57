package dev.shardline.kinesis.source.reader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SourceReader;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.KinesisStreamNotFoundException;
import dev.shardline.kinesis.aggregation.RecordAggregator;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.PastRetentionPolicy;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.kinesis.source.split.ShardsEndedEvent;
import dev.shardline.kinesis.source.split.ShardsFinishedEvent;
import dev.shardline.kinesis.testing.FakeKinesis;
import dev.shardline.kinesis.testing.FakeKinesis.Call;
import dev.shardline.kinesis.testing.FakeKinesis.Op;
import dev.shardline.kinesis.testing.TestReaderContext;
import dev.shardline.metrics.MetricNames;
import dev.shardline.time.ManualTime;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class KinesisShardReaderTest {
  private static final String STREAM = "orders";
  private static final String SHARD0 = "shardId-000000000000";
  private static final String SHARD1 = "shardId-000000000001";
  private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private final ManualTime time = new ManualTime();
  private final FakeKinesis kinesis = new FakeKinesis(time);
  private final TestReaderContext context = new TestReaderContext(time);
  private final List<KinesisRecord<byte[]>> output = new ArrayList<>();
  private final List<Long> eventTimes = new ArrayList<>();
  private final ReaderOutput<KinesisRecord<byte[]>> collector =
      new ReaderOutput<>() {
        @Override
        public void collect(KinesisRecord<byte[]> record) {
          throw new AssertionError("records carry their event time");
        }

        @Override
        public void collect(KinesisRecord<byte[]> record, long eventTimeMillis) {
          output.add(record);
          eventTimes.add(eventTimeMillis);
        }
      };

  KinesisShardReaderTest() {
    kinesis.createStream(STREAM, 2);
  }

  @Test
  void recordsComeWithTheirMetadataAndEventTime() throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "alice", "one".getBytes(UTF_8));
    time.advance(Duration.ofMillis(5));
    kinesis.putToShard(STREAM, SHARD0, "bob", "two".getBytes(UTF_8));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));

    pollFor(reader, Duration.ofSeconds(1));

    assertThat(output).hasSize(2);
    KinesisRecord<byte[]> first = output.get(0);
    assertThat(new String(first.value(), UTF_8)).isEqualTo("one");
    assertThat(first.stream()).isEqualTo(STREAM);
    assertThat(first.shardId()).isEqualTo(SHARD0);
    assertThat(first.partitionKey()).isEqualTo("alice");
    assertThat(first.sequenceNumber())
        .isEqualTo(kinesis.records(STREAM, SHARD0).get(0).sequenceNumber());
    assertThat(first.subSequenceNumber()).isEqualTo(-1);
    assertThat(eventTimes.get(1) - eventTimes.get(0)).isEqualTo(5);
    assertThat(first.eventTimeMillis()).isEqualTo(eventTimes.get(0));
  }

  @Test
  void aBusyShardIsCalledAtMostFiveTimesASecondAndAnIdleOneOnceASecondAtFirst() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(
        List.of(
            split(SHARD0, ShardPosition.trimHorizon()),
            split(SHARD1, ShardPosition.trimHorizon())));

    // shard 0 always has new records, shard 1 never
    for (int step = 0; step < 350; step++) {
      kinesis.putToShard(STREAM, SHARD0, "k", new byte[] {1});
      reader.pollNext(collector);
      time.advance(Duration.ofMillis(10));
    }

    List<Long> busy = startsOf(Op.GET_RECORDS, SHARD0);
    List<Long> idle = startsOf(Op.GET_RECORDS, SHARD1);
    assertThat(gaps(busy)).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(200));
    assertThat(busy).hasSizeBetween(16, 18); // 3.5 s at 5 per second
    // the idle one: 1 s after its first empty answer, then 2 s (the wait grows)
    assertThat(idle).hasSize(3);
    assertThat(gaps(idle).get(0)).isBetween(1000L, 1020L);
    assertThat(gaps(idle).get(1)).isBetween(2000L, 2020L);
    assertThat(output).hasSizeGreaterThan(250);
  }

  @Test
  void anIdleShardIsCalledLessOftenWhileItStaysEmptyAndAtTheBusyPaceAgainAfterARecord()
      throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.MAX_IDLE_INTERVAL, Duration.ofSeconds(6)));
    reader.addSplits(List.of(split(SHARD0, ShardPosition.latest())));

    // caught up for 30 s: 1 s, then doubling, up to the maximum
    pollFor(reader, Duration.ofSeconds(30));
    assertThat(roundedToSeconds(gaps(startsOf(Op.GET_RECORDS, SHARD0))))
        .startsWith(1L, 2L, 4L, 6L, 6L);
    assertThat(gaps(startsOf(Op.GET_RECORDS, SHARD0)))
        .allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo(6_020));

    // a record on the quiet shard is read within the maximum wait
    int before = startsOf(Op.GET_RECORDS, SHARD0).size();
    kinesis.putToShard(STREAM, SHARD0, "k", "late".getBytes(UTF_8));
    long put = time.milliseconds();
    while (output.isEmpty()) {
      pollFor(reader, Duration.ofMillis(10));
    }
    assertThat(time.milliseconds() - put).isLessThanOrEqualTo(6_020);

    // and the wait starts over: the busy pace, then 1 s, then 2 s
    pollFor(reader, Duration.ofSeconds(5));
    List<Long> after = startsOf(Op.GET_RECORDS, SHARD0).subList(before, before + 4);
    assertThat(gaps(after).get(0)).isBetween(200L, 220L);
    assertThat(roundedToSeconds(gaps(after).subList(1, 3))).containsExactly(1L, 2L);
  }

  @Test
  void anIdleIntervalLongerThanTheDefaultMaximumAndNoMaximumSetKeepsItsFixedPace()
      throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.IDLE_INTERVAL, Duration.ofSeconds(15)));
    reader.addSplits(List.of(split(SHARD0, ShardPosition.latest())));

    pollFor(reader, Duration.ofSeconds(50));

    assertThat(roundedToSeconds(gaps(startsOf(Op.GET_RECORDS, SHARD0))))
        .containsExactly(15L, 15L, 15L);
  }

  @Test
  void theFirstGetRecordsOfAShardAsksForFewRecordsAndTheNextOnesForTheFullLimit() throws Exception {
    for (int i = 0; i < 1_200; i++) {
      kinesis.putToShard(STREAM, SHARD0, "k", new byte[] {1});
    }
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));

    pollFor(reader, Duration.ofSeconds(1));

    assertThat(kinesis.getRecordsLimits(SHARD0)).startsWith(500, 10_000, 10_000);
    assertThat(output).hasSize(1_200);

    // restarted from a checkpoint, the shard's first call asks for few again
    List<KinesisShardSplit> checkpoint = reader.snapshotState(1);
    reader.close();
    for (int i = 0; i < 600; i++) {
      kinesis.putToShard(STREAM, SHARD0, "k", new byte[] {2});
    }
    int callsBefore = kinesis.getRecordsLimits(SHARD0).size();
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> restarted = reader(b -> b);
    restarted.addSplits(checkpoint);
    pollFor(restarted, Duration.ofSeconds(1));
    List<Integer> limits = kinesis.getRecordsLimits(SHARD0);
    assertThat(limits.subList(callsBefore, limits.size())).startsWith(500, 10_000);

    // a limit below 500 holds for the first call too
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> small =
        reader(b -> b.option(KinesisSourceOptions.GET_RECORDS_MAX, 100));
    small.addSplits(List.of(split(SHARD1, ShardPosition.trimHorizon())));
    pollFor(small, Duration.ofMillis(500));
    assertThat(kinesis.getRecordsLimits(SHARD1)).isNotEmpty().containsOnly(100);
  }

  @Test
  void anAnswerOfManyBytesSpendsTheShardsReadBudget() throws Exception {
    for (int i = 0; i < 4; i++) {
      kinesis.putToShard(STREAM, SHARD0, "k", new byte[512 * 1024]);
    }
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.GET_RECORDS_MAX, 2));
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));

    for (int step = 0; step < 300; step++) {
      reader.pollNext(collector);
      time.advance(Duration.ofMillis(10));
    }

    // 1 MiB per answer at 2 MiB/s: the second call waits 500 ms, not 200 ms
    List<Long> starts = startsOf(Op.GET_RECORDS, SHARD0);
    assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(500);
    assertThat(output).hasSize(4);
  }

  @Test
  void throttlingBacksOffWithGrowingWaitsAndNeverFails() throws Exception {
    for (int i = 0; i < 3; i++) {
      kinesis.putToShard(STREAM, SHARD0, "k" + i, new byte[] {(byte) i});
    }
    kinesis.failNext(
        Op.GET_RECORDS,
        8,
        () ->
            ProvisionedThroughputExceededException.builder()
                .message("slow down")
                .statusCode(400)
                .build());
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));

    pollFor(reader, Duration.ofSeconds(60));

    assertThat(output).hasSize(3);
    assertThat(counter(KinesisMetricNames.THROTTLED_CALLS, SHARD0)).isEqualTo(8);
    List<Long> gaps = gaps(startsOf(Op.GET_RECORDS, SHARD0));
    // 200 ms doubling with ±50% jitter: the last waits are far longer than the first
    assertThat(gaps.get(6)).isGreaterThan(gaps.get(0) * 4);
    assertThat(gaps).allSatisfy(g -> assertThat(g).isLessThanOrEqualTo(10_000));
  }

  @Test
  void anExpiredIteratorIsReplacedByOneAfterTheLastEmittedRecord() throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "a", "1".getBytes(UTF_8));
    kinesis.putToShard(STREAM, SHARD0, "b", "2".getBytes(UTF_8));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));
    pollFor(reader, Duration.ofSeconds(1));
    assertThat(output).hasSize(2);

    // the iterator in hand dies for real: nothing read for more than 5 minutes
    kinesis.putToShard(STREAM, SHARD0, "c", "3".getBytes(UTF_8));
    kinesis.failNext(
        Op.GET_RECORDS,
        1,
        () ->
            ExpiredIteratorException.builder().message("Iterator expired").statusCode(400).build());
    pollFor(reader, Duration.ofSeconds(3));

    assertThat(output).extracting(r -> new String(r.value(), UTF_8)).containsExactly("1", "2", "3");
    assertThat(counter(KinesisMetricNames.ITERATOR_RENEWALS, SHARD0)).isEqualTo(1);
    assertThat(startsOf(Op.GET_SHARD_ITERATOR, SHARD0)).hasSize(2);
  }

  @Test
  void anIteratorFromLatestThatExpiresBeforeAnyRecordNoLongerSkipsTheRecordsWrittenMeanwhile()
      throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "k", "before-the-start".getBytes(UTF_8));
    time.advance(ShardPosition.LATEST_PIN_MARGIN.plusSeconds(1));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.latest())));
    pollFor(reader, Duration.ofSeconds(2));
    assertThat(output).isEmpty();

    // the worker stalls for 6 minutes (a slow sink, say): its iterator dies, a record arrives
    time.advance(Duration.ofMinutes(6));
    kinesis.putToShard(STREAM, SHARD0, "k", "written-while-the-iterator-expired".getBytes(UTF_8));
    pollFor(reader, Duration.ofSeconds(2));
    kinesis.putToShard(STREAM, SHARD0, "k", "after".getBytes(UTF_8));
    pollFor(reader, Duration.ofSeconds(2));

    // the new iterator starts where reading started, not at the LATEST of the renewal
    assertThat(output)
        .extracting(r -> new String(r.value(), UTF_8))
        .containsExactly("written-while-the-iterator-expired", "after");
    assertThat(counter(KinesisMetricNames.ITERATOR_RENEWALS, SHARD0)).isEqualTo(1);
  }

  @Test
  void aCheckpointTakenAtLatestBeforeAnyRecordNoLongerSkipsTheRecordsWrittenBeforeTheRestore()
      throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.latest())));
    long started = time.milliseconds();
    pollFor(reader, Duration.ofSeconds(2));
    List<KinesisShardSplit> checkpoint = reader.snapshotState(1);
    reader.close();
    assertThat(checkpoint.get(0).position())
        .isEqualTo(ShardPosition.latestPinnedAt(Instant.ofEpochMilli(started)));

    time.advance(Duration.ofMinutes(1));
    kinesis.putToShard(STREAM, SHARD0, "k", "written-while-down".getBytes(UTF_8));
    time.advance(Duration.ofMinutes(1));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> restored = reader(b -> b);
    restored.addSplits(checkpoint);
    pollFor(restored, Duration.ofSeconds(2));

    assertThat(output)
        .extracting(r -> new String(r.value(), UTF_8))
        .containsExactly("written-while-down");
  }

  @Test
  void aFailedFirstCallAtLatestIsRetriedFromTheStartNotFromALaterLatest() throws Exception {
    kinesis.failNext(Op.GET_SHARD_ITERATOR, 1, () -> serverError());
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.latest())));
    reader.pollNext(collector); // the first GetShardIterator fails; the retry waits ~200 ms
    time.advance(Duration.ofMillis(50));
    kinesis.putToShard(STREAM, SHARD0, "k", "written-before-the-retry".getBytes(UTF_8));
    pollFor(reader, Duration.ofSeconds(2));
    assertThat(output)
        .extracting(r -> new String(r.value(), UTF_8))
        .containsExactly("written-before-the-retry");
  }

  @Test
  void serverErrorsAreRetriedThenFailTheReaderNamingStreamAndShard() throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "a", "1".getBytes(UTF_8));
    kinesis.failNext(Op.GET_RECORDS, 2, () -> serverError());
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.RETRY_MAX_ATTEMPTS, 3));
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));
    pollFor(reader, Duration.ofSeconds(5));
    assertThat(output).hasSize(1);

    kinesis.failNext(Op.GET_RECORDS, 3, () -> serverError());
    assertThatThrownBy(() -> pollFor(reader, Duration.ofSeconds(30)))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining(
            "GetRecords on stream orders shard shardId-000000000000 failed 3 times")
        .hasMessageContaining("Internal error");
  }

  @Test
  void aStreamNotActiveForAMomentIsRetriedInsteadOfFailingTheReader() throws Exception {
    // ResourceInUseException (a stream UPDATING, a resource not ACTIVE): the sink retried it, the
    // source failed at once
    kinesis.putToShard(STREAM, SHARD0, "a", "1".getBytes(UTF_8));
    kinesis.failNext(
        Op.GET_RECORDS,
        2,
        () -> ResourceInUseException.builder().message("Stream orders is UPDATING").build());
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));

    pollFor(reader, Duration.ofSeconds(5));

    assertThat(output).extracting(r -> new String(r.value(), UTF_8)).containsExactly("1");
  }

  @Test
  void aMissingStreamFailsAtOnceAsUnrecoverableWithAClearMessage() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(
        List.of(
            new KinesisShardSplit(
                "nope", SHARD0, List.of(), "0", "1", ShardPosition.trimHorizon(), false)));
    // no restart can create the stream: the runner must fail at once, saying what to fix
    assertThatThrownBy(() -> pollFor(reader, Duration.ofSeconds(1)))
        .isInstanceOf(KinesisStreamNotFoundException.class)
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("Kinesis stream(s) nope not found")
        .hasMessageContaining("GetShardIterator from TRIM_HORIZON on stream nope shard")
        .hasMessageContaining("Create the stream, or fix the option streams")
        .hasCauseInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void anAggregateHoldingAKeyOfAnotherShardIsDroppedWholeAsTheKclDoesAndCounted() throws Exception {
    // shard 0 of 2 owns the lower half of the hash keys
    BigInteger half = BigInteger.ONE.shiftLeft(127);
    List<String> own = new ArrayList<>();
    List<String> foreign = new ArrayList<>();
    for (int i = 0; own.size() < 3 || foreign.size() < 1; i++) {
      String key = "key-" + i;
      BigInteger hash =
          new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(UTF_8)));
      (hash.compareTo(half) < 0 ? own : foreign).add(key);
    }
    RecordAggregator mixed = new RecordAggregator();
    mixed.tryAdd(own.get(0), null, "m0".getBytes(UTF_8));
    mixed.tryAdd(foreign.get(0), null, "m1".getBytes(UTF_8)); // put here by an out-of-date map
    mixed.tryAdd(own.get(1), null, "m2".getBytes(UTF_8));
    RecordAggregator pure = new RecordAggregator();
    pure.tryAdd(own.get(1), null, "p0".getBytes(UTF_8));
    pure.tryAdd(own.get(2), null, "p1".getBytes(UTF_8));
    RecordAggregator explicit = new RecordAggregator();
    explicit.tryAdd(own.get(0), "5", "e0".getBytes(UTF_8));
    explicit.tryAdd(own.get(0), half.toString(), "e1".getBytes(UTF_8)); // the first of shard 1
    kinesis.putToShard(STREAM, SHARD0, mixed.partitionKey(), mixed.toBytes());
    kinesis.putToShard(STREAM, SHARD0, pure.partitionKey(), pure.toBytes());
    kinesis.putToShard(STREAM, SHARD0, explicit.partitionKey(), explicit.toBytes());
    kinesis.putToShard(STREAM, SHARD0, foreign.get(0), "plain".getBytes(UTF_8));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(
        List.of(
            new KinesisShardSplit(
                STREAM,
                SHARD0,
                List.of(),
                "0",
                half.subtract(BigInteger.ONE).toString(),
                ShardPosition.trimHorizon(),
                false)));

    pollFor(reader, Duration.ofSeconds(1));

    // a plain record is where Kinesis routed it: never dropped
    assertThat(output)
        .extracting(r -> new String(r.value(), UTF_8))
        .containsExactly("p0", "p1", "plain");
    assertThat(context.metrics.get(KinesisMetricNames.AGGREGATES_DROPPED).counter().count())
        .isEqualTo(2);
    assertThat(context.metrics.get(KinesisMetricNames.AGGREGATED_RECORDS_DROPPED).counter().count())
        .isEqualTo(5);
    assertThat(reader.snapshotState(1).get(0).position())
        .isEqualTo(
            ShardPosition.afterRecord(
                kinesis.records(STREAM, SHARD0).get(3).sequenceNumber(),
                -1,
                output.get(2).approximateArrivalTimestamp().toEpochMilli()));
  }

  @Test
  void aCheckpointInsideAnAggregateResumesAfterItsLastEmittedUserRecord() throws Exception {
    RecordAggregator aggregator = new RecordAggregator();
    for (int i = 0; i < 1500; i++) {
      aggregator.tryAdd("key-" + i, null, Integer.toString(i).getBytes(UTF_8));
    }
    kinesis.putToShard(STREAM, SHARD0, aggregator.partitionKey(), aggregator.toBytes());
    kinesis.putToShard(STREAM, SHARD0, "plain", "after".getBytes(UTF_8));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));

    // one poll emits at most 1000 user records: the checkpoint falls inside the aggregate
    while (output.isEmpty()) {
      reader.pollNext(collector);
    }
    List<KinesisShardSplit> checkpoint = reader.snapshotState(1);
    assertThat(output).hasSize(1000);
    ShardPosition position = checkpoint.get(0).position();
    assertThat(position.isInsideAggregate()).isTrue();
    assertThat(position.subSequenceNumber()).isEqualTo(999);
    reader.close();

    List<KinesisRecord<byte[]>> before = List.copyOf(output);
    output.clear();
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> restored = reader(b -> b);
    restored.addSplits(checkpoint);
    pollFor(restored, Duration.ofSeconds(1));

    List<String> values = new ArrayList<>();
    before.forEach(r -> values.add(new String(r.value(), UTF_8)));
    output.forEach(r -> values.add(new String(r.value(), UTF_8)));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      expected.add(Integer.toString(i));
    }
    expected.add("after");
    assertThat(values).isEqualTo(expected);
    assertThat(output.get(0).subSequenceNumber()).isEqualTo(1000);
    assertThat(output.get(0).partitionKey()).isEqualTo("key-1000");
    assertThat(restored.snapshotState(2).get(0).position())
        .isEqualTo(
            ShardPosition.afterRecord(
                kinesis.records(STREAM, SHARD0).get(1).sequenceNumber(),
                -1,
                output.get(output.size() - 1).eventTimeMillis()));
  }

  @Test
  void aRestoredPositionResumesRightAfterTheCheckpointedRecord() throws Exception {
    for (int i = 0; i < 5; i++) {
      kinesis.putToShard(STREAM, SHARD0, "k", Integer.toString(i).getBytes(UTF_8));
    }
    String third = kinesis.records(STREAM, SHARD0).get(2).sequenceNumber();
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(
        List.of(split(SHARD0, ShardPosition.afterRecord(third, -1, time.milliseconds()))));
    pollFor(reader, Duration.ofSeconds(1));
    assertThat(output).extracting(r -> new String(r.value(), UTF_8)).containsExactly("3", "4");
  }

  @Test
  void aShardReadToItsEndIsReportedEndedThenFinishedAfterACheckpointThenDropped() throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "k", "last".getBytes(UTF_8));
    kinesis.split(STREAM, SHARD0);
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));
    pollFor(reader, Duration.ofSeconds(1));

    assertThat(output).hasSize(1);
    assertThat(context.events).containsExactly(new ShardsEndedEvent(List.of("orders/" + SHARD0)));
    List<KinesisShardSplit> first = reader.snapshotState(7);
    assertThat(first).singleElement().satisfies(s -> assertThat(s.finished()).isTrue());

    reader.notifyCheckpointComplete(6); // an older checkpoint does not hold it as finished
    assertThat(context.events).hasSize(1);
    reader.notifyCheckpointComplete(7);
    assertThat(context.events.get(1))
        .isEqualTo(new ShardsFinishedEvent(List.of("orders/" + SHARD0)));

    // kept in the next checkpoint, in case the enumerator's snapshot was taken before the event
    assertThat(reader.snapshotState(8)).hasSize(1);
    reader.notifyCheckpointComplete(8);
    assertThat(reader.snapshotState(9)).isEmpty();
  }

  @Test
  void eachShardsRecordsGoThroughItsOwnSplitOutputWhichIsReleasedWhenTheShardEnds()
      throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "a", "zero".getBytes(UTF_8));
    kinesis.putToShard(STREAM, SHARD1, "b", "one".getBytes(UTF_8));
    kinesis.split(STREAM, SHARD0);
    Map<String, List<String>> bySplit = new HashMap<>();
    List<String> released = new ArrayList<>();
    ReaderOutput<KinesisRecord<byte[]>> perSplit =
        new ReaderOutput<>() {
          @Override
          public void collect(KinesisRecord<byte[]> record) {
            throw new AssertionError("every record goes through its shard's output");
          }

          @Override
          public ReaderOutput<KinesisRecord<byte[]>> forSplit(String splitId) {
            return new ReaderOutput<>() {
              @Override
              public void collect(KinesisRecord<byte[]> record) {
                throw new AssertionError("records carry their event time");
              }

              @Override
              public void collect(KinesisRecord<byte[]> record, long eventTimeMillis) {
                bySplit
                    .computeIfAbsent(splitId, id -> new ArrayList<>())
                    .add(new String(record.value(), UTF_8));
              }
            };
          }

          @Override
          public void releaseSplit(String splitId) {
            released.add(splitId);
          }
        };
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(
        List.of(
            split(SHARD0, ShardPosition.trimHorizon()),
            split(SHARD1, ShardPosition.trimHorizon())));

    long end = time.nanoseconds() + Duration.ofSeconds(2).toNanos();
    while (time.nanoseconds() < end) {
      while (reader.pollNext(perSplit) == InputStatus.MORE_AVAILABLE) {
        // drain
      }
      time.advance(Duration.ofMillis(10));
    }

    assertThat(bySplit)
        .containsEntry("orders/" + SHARD0, List.of("zero"))
        .containsEntry("orders/" + SHARD1, List.of("one"));
    assertThat(released).as("the ended shard only").containsExactly("orders/" + SHARD0);
  }

  @Test
  void aRestoredFinishedShardIsReportedFinishedAtOnce() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon()).asFinished()));
    assertThat(context.events)
        .containsExactly(new ShardsFinishedEvent(List.of("orders/" + SHARD0)));
    assertThat(reader.snapshotState(1)).hasSize(1);
  }

  @Test
  void aPositionOlderThanTheRetentionPeriodFailsByDefault() throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "k", "old".getBytes(UTF_8));
    String sequence = kinesis.records(STREAM, SHARD0).get(0).sequenceNumber();
    long arrival = time.milliseconds();
    time.advance(Duration.ofHours(25));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.afterRecord(sequence, -1, arrival))));

    assertThatThrownBy(() -> pollFor(reader, Duration.ofSeconds(1)))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("stream orders shard shardId-000000000000")
        .hasMessageContaining("older than the stream's retention period of 24h")
        .hasMessageContaining("restore.pastRetention: trim-horizon");
    assertThat(kinesis.calls(Op.GET_SHARD_ITERATOR, null)).isEmpty();
  }

  @Test
  void aPositionOlderThanTheRetentionPeriodRestartsAtTrimHorizonWhenOptedIn() throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "k", "kept".getBytes(UTF_8));
    String sequence = kinesis.records(STREAM, SHARD0).get(0).sequenceNumber();
    long arrival = time.milliseconds();
    time.advance(Duration.ofHours(25));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(
            b -> b.option(KinesisSourceOptions.PAST_RETENTION, PastRetentionPolicy.TRIM_HORIZON));
    reader.addSplits(List.of(split(SHARD0, ShardPosition.afterRecord(sequence, -1, arrival))));
    pollFor(reader, Duration.ofSeconds(1));
    assertThat(output).extracting(r -> new String(r.value(), UTF_8)).containsExactly("kept");
  }

  @Test
  void aBusyShardDoesNotStarveAQuietOne() throws Exception {
    for (int i = 0; i < 5000; i++) {
      kinesis.putToShard(STREAM, SHARD0, "busy", new byte[] {1});
    }
    kinesis.putToShard(STREAM, SHARD1, "quiet", new byte[] {2});
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(
        List.of(
            split(SHARD0, ShardPosition.trimHorizon()),
            split(SHARD1, ShardPosition.trimHorizon())));
    while (output.isEmpty()) {
      reader.pollNext(collector);
    }
    assertThat(output).hasSizeLessThanOrEqualTo(1000);
    assertThat(output).anySatisfy(r -> assertThat(r.shardId()).isEqualTo(SHARD1));
  }

  @Test
  void callsInFlightAreCappedAndGrantedInTheOrderShardsBecameDue() throws Exception {
    kinesis.createStream("wide", 6);
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.MAX_CONCURRENT_REQUESTS, 2));
    List<KinesisShardSplit> splits = new ArrayList<>();
    for (String shard : kinesis.shardIds("wide")) {
      splits.add(
          new KinesisShardSplit(
              "wide", shard, List.of(), "0", "1", ShardPosition.trimHorizon(), false));
    }
    kinesis.hold(true);
    reader.addSplits(splits);
    reader.pollNext(collector);
    assertThat(kinesis.heldCalls()).isEqualTo(2);
    assertThat(reader.isAvailable()).isNotDone();
    kinesis.release();
    assertThat(reader.isAvailable()).isDone();
    reader.pollNext(collector);
    assertThat(kinesis.heldCalls()).isEqualTo(2);
    assertThat(kinesis.calls(Op.GET_SHARD_ITERATOR, null))
        .extracting(Call::shardId)
        .containsExactly(
            "shardId-000000000000",
            "shardId-000000000001",
            "shardId-000000000002",
            "shardId-000000000003");
  }

  @Test
  void isAvailableCompletesWhenAShardBecomesDue() throws Exception {
    // The wake-up timer runs on real time, its delay computed from the manual clock: with calls
    // 30 s apart, no pause of a busy machine fires it before the isNotDone check (with the
    // default 200 ms and 1 s, a pause that long did)
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(
            b ->
                b.option(KinesisSourceOptions.GET_RECORDS_INTERVAL, Duration.ofSeconds(30))
                    .option(KinesisSourceOptions.IDLE_INTERVAL, Duration.ofSeconds(30))
                    .option(KinesisSourceOptions.MAX_IDLE_INTERVAL, Duration.ofSeconds(30)));
    reader.addSplits(List.of(split(SHARD0, ShardPosition.latest())));
    pollFor(reader, Duration.ofMillis(100));
    assertThat(reader.pollNext(collector)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(reader.isAvailable()).isNotDone();
    time.advance(Duration.ofSeconds(31));
    // the delay computed from the manual clock is 0 now
    assertThat(reader.isAvailable()).succeedsWithin(Duration.ofSeconds(30));
  }

  @Test
  void perShardMetersAreRegisteredAndRemovedWhenTheShardEnds() throws Exception {
    kinesis.putToShard(STREAM, SHARD0, "k", "abc".getBytes(UTF_8));
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(SHARD0, ShardPosition.trimHorizon())));
    pollFor(reader, Duration.ofSeconds(1));
    assertThat(counter(MetricNames.SOURCE_RECORDS, SHARD0)).isEqualTo(1);
    assertThat(counter(MetricNames.SOURCE_BYTES, SHARD0)).isEqualTo(4); // data + partition key
    assertThat(
            context
                .metrics
                .get(MetricNames.SOURCE_LAG_MILLIS)
                .tag("split", "orders/" + SHARD0)
                .gauge()
                .value())
        .isEqualTo(0);
    kinesis.split(STREAM, SHARD0);
    pollFor(reader, Duration.ofSeconds(2));
    assertThat(
            context
                .metrics
                .find(MetricNames.SOURCE_RECORDS)
                .tag("split", "orders/" + SHARD0)
                .counter())
        .isNull();
  }

  // ------------------------------------------------------------------ helpers

  private SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader(
      UnaryOperator<KinesisSource.Builder<byte[]>> options) {
    KinesisSource<byte[]> source =
        options
            .apply(KinesisSource.builder().stream(STREAM).proxyFactory(config -> kinesis))
            .build();
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = source.createReader(context);
    reader.start();
    return reader;
  }

  private void pollFor(SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader, Duration d)
      throws Exception {
    long end = time.nanoseconds() + d.toNanos();
    while (time.nanoseconds() < end) {
      while (reader.pollNext(collector) == InputStatus.MORE_AVAILABLE) {
        // drain
      }
      time.advance(Duration.ofMillis(10));
    }
  }

  /** A split over the whole hash key space: no aggregate is foreign to it. */
  private static KinesisShardSplit split(String shardId, ShardPosition position) {
    return new KinesisShardSplit(
        STREAM, shardId, List.of(), "0", MAX_HASH.toString(), position, false);
  }

  private List<Long> startsOf(Op op, String shardId) {
    return kinesis.calls(op, shardId).stream().map(c -> c.nanos() / 1_000_000).toList();
  }

  private static List<Long> roundedToSeconds(List<Long> millis) {
    return millis.stream().map(m -> Math.round(m / 1000.0)).toList();
  }

  private static List<Long> gaps(List<Long> times) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      gaps.add(times.get(i) - times.get(i - 1));
    }
    return gaps;
  }

  private double counter(String name, String shardId) {
    return context.metrics.get(name).tag("split", STREAM + "/" + shardId).counter().count();
  }

  private static Throwable serverError() {
    return KinesisException.builder().message("Internal error").statusCode(500).build();
  }
}
