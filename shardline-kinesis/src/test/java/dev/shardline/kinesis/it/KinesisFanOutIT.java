package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ConsumerLifecycle;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.order.KeyedCounters;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Enhanced fan-out against kinesis-local (over HTTP/1.1, which it serves fan-out on): a pipeline
 * reading with a stream consumer gets every record once, each key in order, from the shards'
 * subscriptions; after a stop it resumes from its checkpoint with no record read twice; and a
 * pipeline switched between polling and fan-out keeps its place (no gap, no replay); and
 * subscriptions dropped or refused (through the quota proxy) are made again, nothing lost or read
 * twice.
 */
class KinesisFanOutIT {
  private static final String STREAM = "fanout";
  private static final int KEYS = 20;

  @TempDir Path dir;

  @Test
  void readsEveryRecordOnceInKeyOrderAndResumesFromItsCheckpoint() throws Exception {
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream(STREAM, 3).start()) {
      KinesisClient client = kinesis.client();
      registerActive(client, "it-consumer");
      AtomicLong next = new AtomicLong();
      put(client, next, 25);

      CollectingSink<KinesisRecord<byte[]>, String> first = new CollectingSink<>(FanOut::value);
      Pipeline pipeline = pipeline(kinesis, first);
      pipeline.start();
      try {
        Await.until(
            Duration.ofSeconds(30),
            () -> first.size() >= KEYS * 25,
            () -> first.size() + " of " + KEYS * 25 + " records read");
        put(client, next, 25);
        Await.until(
            Duration.ofSeconds(30),
            () -> first.size() >= KEYS * 50,
            () -> first.size() + " of " + KEYS * 50 + " records read");
      } finally {
        pipeline.stop();
      }
      KeyedCounters order = KeyedCounters.check(first.records());
      assertThat(order.violations()).isEmpty();
      assertThat(first.size()).isEqualTo(KEYS * 50);

      // written while stopped: the restored pipeline reads exactly these
      put(client, next, 10);
      CollectingSink<KinesisRecord<byte[]>, String> second = new CollectingSink<>(FanOut::value);
      Pipeline again = pipeline(kinesis, second);
      again.start();
      try {
        Await.until(
            Duration.ofSeconds(30),
            () -> second.size() >= KEYS * 10,
            () -> second.size() + " of " + KEYS * 10 + " records read after the restart");
        Thread.sleep(1_500); // one more fan-out tick: nothing else may arrive
      } finally {
        again.stop();
      }
      List<String> all = new ArrayList<>(first.records());
      all.addAll(second.records());
      KeyedCounters resumed = KeyedCounters.check(all);
      assertThat(resumed.violations()).as("records read twice or skipped").isEmpty();
      assertThat(second.size()).isEqualTo(KEYS * 10);
    }
  }

  @Test
  void droppedAndRefusedSubscriptionsAreMadeAgainWithNothingLostOrReadTwice() throws Exception {
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream(STREAM, 2).start();
        KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesis).start()) {
      KinesisClient client = kinesis.client();
      registerActive(client, "it-consumer");
      AtomicLong next = new AtomicLong();
      put(client, next, 10);
      CollectingSink<KinesisRecord<byte[]>, String> sink = new CollectingSink<>(FanOut::value);
      Pipeline pipeline = pipeline(proxy, sink, ReaderType.FAN_OUT);
      pipeline.start();
      try {
        Await.until(
            Duration.ofSeconds(30),
            () -> sink.size() >= KEYS * 10,
            () -> sink.size() + " of " + KEYS * 10 + " records read");
        for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
          proxy.faults().refuseSubscriptions(STREAM, shard, 2);
          assertThat(proxy.faults().dropSubscriptions(STREAM, shard)).isPositive();
        }
        put(client, next, 10);
        Await.until(
            Duration.ofSeconds(30),
            () -> sink.size() >= KEYS * 20,
            () -> sink.size() + " of " + KEYS * 20 + " records read after the drops");
        Thread.sleep(1_500); // one more fan-out tick: nothing else may arrive
      } finally {
        pipeline.stop();
      }
      assertThat(proxy.faults().pending()).as("refusals not used").isZero();
      KeyedCounters order = KeyedCounters.check(sink.records());
      assertThat(order.violations()).as("records read twice or skipped").isEmpty();
      assertThat(sink.size()).isEqualTo(KEYS * 20);
    }
  }

  @Test
  void switchingBetweenPollingAndFanOutKeepsThePlace() throws Exception {
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream(STREAM, 2).start()) {
      KinesisClient client = kinesis.client();
      registerActive(client, "it-consumer");
      AtomicLong next = new AtomicLong();
      List<String> all = new ArrayList<>();
      int expected = 0;
      for (ReaderType type :
          List.of(ReaderType.POLLING, ReaderType.FAN_OUT, ReaderType.POLLING, ReaderType.FAN_OUT)) {
        // written while no pipeline runs: the next one, of the other type, reads exactly these
        put(client, next, 5);
        expected += KEYS * 5;
        CollectingSink<KinesisRecord<byte[]>, String> sink = new CollectingSink<>(FanOut::value);
        Pipeline pipeline = pipeline(kinesis, sink, type);
        pipeline.start();
        try {
          Await.until(
              Duration.ofSeconds(30),
              () -> sink.size() >= KEYS * 5,
              () -> sink.size() + " of " + KEYS * 5 + " records read by " + type);
          Thread.sleep(1_500); // a polling round and a fan-out tick: nothing else may arrive
        } finally {
          pipeline.stop();
        }
        assertThat(sink.size()).as("records read by %s", type).isEqualTo(KEYS * 5);
        all.addAll(sink.records());
      }
      KeyedCounters order = KeyedCounters.check(all);
      assertThat(order.violations()).as("records read twice or skipped").isEmpty();
      assertThat(all).hasSize(expected);
    }
  }

  private Pipeline pipeline(
      KinesisEndpoint kinesis, CollectingSink<KinesisRecord<byte[]>, String> sink) {
    return pipeline(kinesis, sink, ReaderType.FAN_OUT);
  }

  private Pipeline pipeline(
      KinesisEndpoint kinesis,
      CollectingSink<KinesisRecord<byte[]>, String> sink,
      ReaderType type) {
    KinesisSource.Builder<byte[]> builder =
        Sources.at(kinesis, STREAM, true)
            .startingPosition(StartingPosition.earliest())
            .clientProperty("protocol", "HTTP1_1")
            .option(KinesisSourceOptions.READER_TYPE, type);
    if (type == ReaderType.FAN_OUT) {
      builder
          .option(KinesisSourceOptions.FAN_OUT_CONSUMER_NAME, "it-consumer")
          .option(KinesisSourceOptions.FAN_OUT_CONSUMER_LIFECYCLE, ConsumerLifecycle.USER);
    }
    KinesisSource<byte[]> source = builder.build();
    return Pipeline.from(source)
        .to(sink)
        .name("fanout")
        .parallelism(2)
        .checkpointInterval(Duration.ofMillis(500))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  static void registerActive(KinesisClient client, String name) throws Exception {
    FanOutStreams.registerActive(client, STREAM, name);
  }

  /** Writes {@code rounds} more rounds of every key's counter. */
  private static void put(KinesisClient client, AtomicLong round, int rounds) {
    for (int i = 0; i < rounds; i++) {
      FanOutStreams.putRound(client, STREAM, KEYS, round.getAndIncrement());
    }
  }

  /** The value of a record as text. */
  private static final class FanOut {
    static String value(KinesisRecord<byte[]> record) {
      return new String(record.value(), UTF_8);
    }
  }
}
