package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.aggregation.RecordDeaggregator;
import dev.shardline.kinesis.aggregation.UserRecord;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.kinesis.Resharding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Issue 10, item 3, on kinesis-local: the aggregating sink writes 50 keys continuously while the
 * target stream is split (2 → 3 open shards), scaled up (UpdateShardCount 3 → 4), merged (4 → 3)
 * and scaled up again (3 → 6). Some aggregates land in a shard that does not hold all their keys
 * (Kinesis routes an aggregate by its first key). Before the fix they stayed there: the KCL drops
 * such an aggregate whole, so its consumers lost records, and Shardline's source read their keys
 * out of order. Now:
 *
 * <ul>
 *   <li>read back raw, by the KCL's rule (an aggregate with a user record outside its shard's hash
 *       key range is dropped whole; shards parent before child), every record is there once and
 *       each key's records are in order: every such aggregate was sent again;
 *   <li>the sink counted as many misdelivered aggregates as the stream holds;
 *   <li>Shardline's source reads every record once, each key in order, and counted as many dropped
 *       aggregates.
 * </ul>
 */
class KinesisSinkAggregationReshardingIT {
  private static final String STREAM = "aggregated-reshard";
  private static final int KEYS = 50;
  private static final int PER_PHASE = 3_000;
  private static final String SINK_MISDELIVERED = "shardline.sink.aggregates.misdelivered";
  private static final String SOURCE_DROPPED = "shardline.kinesis.aggregates.dropped";

  @TempDir Path dir;

  @Test
  void aggregatesThatLandInAShardWithoutAllTheirKeysAreSentAgainAndReadOnceInOrder()
      throws Exception {
    try (LocalKinesis kinesis =
        LocalKinesis.builder()
            .initialStream(STREAM, 2)
            .splitShardDuration(Duration.ofMillis(300))
            .updateShardCountDuration(Duration.ofMillis(300))
            .mergeShardsDuration(Duration.ofMillis(300))
            .start()) {
      KinesisSink<String> sink =
          SinkTests.stringSink(kinesis, STREAM, true)
              .aggregation(true)
              .shardRate(false)
              .flushMaxAge(Duration.ofMillis(50))
              .option(KinesisSinkOptions.FLUSH_MAX_RECORDS, 100)
              .maxOutstandingRecords(2_000)
              .build();
      SimpleMeterRegistry sinkMetrics = new SimpleMeterRegistry();
      ContinuousWriter writer;
      try (SinkWriter<String> sinkWriter =
          sink.createWriter(SinkTests.context(sinkMetrics, null))) {
        writer = new ContinuousWriter(sinkWriter, KEYS, 20);
        try {
          writer.awaitMore(PER_PHASE);
          List<Shard> open = Resharding.openShards(kinesis, STREAM);
          assertThat(open).hasSize(2);
          Resharding.splitInTwo(kinesis, STREAM, open.get(0));
          assertThat(Resharding.openShards(kinesis, STREAM)).hasSize(3);
          writer.awaitMore(PER_PHASE);
          Resharding.scaleTo(kinesis, STREAM, 4);
          writer.awaitMore(PER_PHASE);
          open = Resharding.openShards(kinesis, STREAM);
          assertThat(open).hasSize(4);
          Resharding.merge(kinesis, STREAM, open.get(1), open.get(2));
          assertThat(Resharding.openShards(kinesis, STREAM)).hasSize(3);
          writer.awaitMore(PER_PHASE);
          Resharding.scaleTo(kinesis, STREAM, 6);
          writer.awaitMore(PER_PHASE);
        } finally {
          writer.stop();
        }
      }
      writer.assertFinished();
      int total = writer.written();

      // the raw stream, read as the KCL reads it
      Map<String, Shard> shards = new HashMap<>();
      for (Shard shard : kinesis.client().listShards(b -> b.streamName(STREAM)).shards()) {
        shards.put(shard.shardId(), shard);
      }
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      List<String> kclView = new ArrayList<>();
      int aggregates = 0;
      List<String> foreign = new ArrayList<>();
      for (SinkTests.Read record : SinkTests.readAll(kinesis.client(), STREAM)) {
        Shard shard = shards.get(record.shardId());
        BigInteger low = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger high = new BigInteger(shard.hashKeyRange().endingHashKey());
        List<UserRecord> users =
            RecordDeaggregator.deaggregate(record.data())
                .orElse(List.of(new UserRecord(record.partitionKey(), null, record.data())));
        if (users.size() > 1) {
          aggregates++;
        }
        String outside = null;
        for (UserRecord user : users) {
          BigInteger hash = new BigInteger(1, md5.digest(user.partitionKey().getBytes(UTF_8)));
          if (hash.compareTo(low) < 0 || hash.compareTo(high) > 0) {
            outside = user.partitionKey();
            break;
          }
        }
        if (outside != null) {
          foreign.add(
              record.shardId()
                  + " "
                  + record.sequenceNumber()
                  + ": "
                  + users.size()
                  + " records, "
                  + outside
                  + " outside");
          continue;
        }
        users.forEach(user -> kclView.add(new String(user.data(), UTF_8)));
      }
      System.out.printf(
          "KinesisSinkAggregationReshardingIT: %d records in %d aggregates, %d shards;"
              + " %d aggregates hold a key of another shard; sink metrics %s%n",
          total, aggregates, shards.size(), foreign.size(), countersOf(sinkMetrics));
      assertThat(aggregates).as("aggregated at all").isGreaterThan(50);
      assertThat(shards).as("parents and children").hasSizeGreaterThan(6);
      assertThat(foreign)
          .as("aggregates resharding put in a wrong shard (else nothing was tested)")
          .isNotEmpty();
      assertThat(missingDuplicatedOrOutOfOrder(kclView, total))
          .as(
              "by the KCL's rule (aggregates with a foreign key dropped): each record once, in order")
          .isEmpty();
      assertThat(count(sinkMetrics, SINK_MISDELIVERED))
          .as("misdelivered aggregates the sink sent again: those in the stream %s", foreign)
          .isEqualTo(foreign.size());

      // the same stream through Shardline's source
      SimpleMeterRegistry sourceMetrics = new SimpleMeterRegistry();
      CollectingSink<KinesisRecord<byte[]>, String> collected =
          new CollectingSink<>(r -> new String(r.value(), UTF_8));
      Pipeline pipeline =
          Pipeline.from(
                  Sources.at(kinesis, STREAM, true)
                      .startingPosition(StartingPosition.earliest())
                      .build())
              .to(collected)
              .name("aggregation-resharding-read")
              .parallelism(2)
              .metrics(sourceMetrics)
              .checkpointInterval(Duration.ofMillis(500))
              .checkpointDirectory(dir.resolve("checkpoints"))
              .restartPolicy(RestartPolicy.none())
              .build();
      pipeline.start();
      try {
        Await.until(
            Duration.ofSeconds(120),
            () -> collected.size() >= total || pipeline.isDone(),
            () -> collected.size() + " of " + total + " read");
        Thread.sleep(1_000); // anything read twice would arrive now
      } finally {
        pipeline.stop();
      }
      assertThat(missingDuplicatedOrOutOfOrder(collected.records(), total))
          .as("Shardline's source: each record once, in order")
          .isEmpty();
      assertThat(count(sourceMetrics, SOURCE_DROPPED))
          .as("aggregates the source dropped")
          .isEqualTo(foreign.size());
    }
  }

  /** What is wrong with {@code values} ("key-k:n", n from 0 to total - 1): empty when nothing. */
  private static List<String> missingDuplicatedOrOutOfOrder(List<String> values, int total) {
    List<String> problems = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    Map<String, Integer> last = new HashMap<>();
    for (String value : values) {
      String key = value.substring(0, value.indexOf(':'));
      int n = Integer.parseInt(value.substring(value.indexOf(':') + 1));
      if (!seen.add(n)) {
        problems.add("twice: " + value);
      } else if (n < last.getOrDefault(key, -1)) {
        problems.add("out of order: " + value + " after " + last.get(key));
      }
      last.merge(key, n, Math::max);
    }
    for (int n = 0; n < total && problems.size() < 100; n++) {
      if (!seen.contains(n)) {
        problems.add("missing: key-" + (n % KEYS) + ":" + n);
      }
    }
    return problems.size() > 100 ? problems.subList(0, 100) : problems;
  }

  private static double count(MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static Map<String, Double> countersOf(MeterRegistry registry) {
    Map<String, Double> counters = new java.util.TreeMap<>();
    for (Counter counter : registry.find("shardline.sink.aggregates.misdelivered").counters()) {
      counters.merge(counter.getId().getName(), counter.count(), Double::sum);
    }
    for (Counter counter : registry.find("shardline.sink.records.retried").counters()) {
      counters.merge(counter.getId().getName(), counter.count(), Double::sum);
    }
    for (Counter counter : registry.find("shardline.sink.shard.map.refreshes").counters()) {
      counters.merge(counter.getId().getName(), counter.count(), Double::sum);
    }
    return counters;
  }
}
