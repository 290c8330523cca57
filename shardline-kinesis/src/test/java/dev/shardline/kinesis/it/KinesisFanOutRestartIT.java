package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ConsumerLifecycle;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.order.KeyedCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * FLINK-37908 as a test: Flink's fan-out source failed to start again after an automatic restart of
 * the job. Here an embedded pipeline reading with enhanced fan-out (kinesis-local, HTTP/1.1) fails
 * once mid-stream (a map step throws, after a checkpoint that holds positions), the runner restarts
 * it from that checkpoint after 100 ms, while the server may still hold the failed attempt's
 * subscriptions, and records keep being written: every record arrives (at least once; deduplicated,
 * each key's counters in order; fewer read again than a restart from the start would), and records
 * written after the restart arrive from every shard, so the restarted readers subscribed to each
 * shard again. (The resubscriptions meter cannot show it: each attempt has its own, and an
 * attempt's first subscription to a shard is not counted.)
 */
@Timeout(120)
class KinesisFanOutRestartIT {
  private static final String STREAM = "fanout-restart";
  private static final String CONSUMER = "restart-consumer";
  private static final int KEYS = 30;
  private static final int ROUNDS_BEFORE = 20;
  private static final int ROUNDS_AFTER_FAILURE = 15;

  @TempDir Path dir;

  @Test
  void fanOutStartsAgainAfterAnAutomaticRestartOfThePipeline() throws Exception {
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream(STREAM, 3).start()) {
      // Given a 3-shard stream with a registered consumer and 600 keyed counters in it
      KinesisClient client = kinesis.client();
      FanOutStreams.registerActive(client, STREAM, CONSUMER);
      AtomicInteger rounds = new AtomicInteger();
      for (int round = 0; round < ROUNDS_BEFORE; round++) {
        FanOutStreams.putRound(client, STREAM, KEYS, rounds.getAndIncrement());
      }
      // and a pipeline reading it with fan-out whose map step throws once, at the first record
      // after the failure is armed
      AtomicInteger mapped = new AtomicInteger();
      AtomicBoolean armed = new AtomicBoolean();
      AtomicBoolean failed = new AtomicBoolean();
      CollectingSink<String, String> sink = new CollectingSink<>(s -> s);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Pipeline pipeline =
          Pipeline.from(
                  Sources.at(kinesis, STREAM, true)
                      .startingPosition(StartingPosition.earliest())
                      .clientProperty("protocol", "HTTP1_1")
                      .option(KinesisSourceOptions.READER_TYPE, ReaderType.FAN_OUT)
                      .option(KinesisSourceOptions.FAN_OUT_CONSUMER_NAME, CONSUMER)
                      .option(
                          KinesisSourceOptions.FAN_OUT_CONSUMER_LIFECYCLE, ConsumerLifecycle.USER)
                      .build())
              .map(
                  (KinesisRecord<byte[]> record) -> {
                    mapped.incrementAndGet();
                    if (armed.get() && failed.compareAndSet(false, true)) {
                      throw new IllegalStateException("injected failure");
                    }
                    return record.shardId() + "|" + new String(record.value(), UTF_8);
                  })
              .to(sink)
              .name("fanout-restart")
              .parallelism(2)
              .checkpointInterval(Duration.ofMillis(500))
              .checkpointDirectory(dir.resolve("checkpoints"))
              .restartPolicy(
                  RestartPolicy.of(
                      3, new Backoff(Duration.ofMillis(100), 1.0, Duration.ofMillis(100), 0)))
              .metrics(registry)
              .build();

      // When it runs, fails once, is restarted by the runner, and records are written all along
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicReference<Throwable> writeFailure = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  while (writing.get()) {
                    FanOutStreams.putRound(client, STREAM, KEYS, rounds.getAndIncrement());
                    Thread.sleep(200);
                  }
                } catch (Throwable t) {
                  writeFailure.set(t);
                }
              },
              "kinesis-writer");
      int firstRoundAfterFailure;
      double resubscriptions;
      pipeline.start();
      try {
        writer.start();
        // the failure strikes mid-stream: after the records written before the start arrived and
        // a checkpoint began after that, so the restart restores positions past the first records
        Await.until(
            Duration.ofSeconds(30),
            () -> sink.size() >= KEYS * ROUNDS_BEFORE || pipeline.isDone(),
            () -> sink.size() + " of " + KEYS * ROUNDS_BEFORE + " records arrived");
        long checkpoints = pipeline.completedCheckpoints();
        Await.until(
            Duration.ofSeconds(30),
            () -> pipeline.completedCheckpoints() >= checkpoints + 2 || pipeline.isDone(),
            () -> "no checkpoint after the first records");
        armed.set(true);
        // the runner counts the restart once the failed attempt has ended: what is written from
        // then on only the restarted attempt can read
        Await.until(
            Duration.ofSeconds(30),
            () -> restarts(registry) >= 1 || pipeline.isDone(),
            () -> mapped.get() + " records mapped, no restart yet");
        firstRoundAfterFailure = rounds.get();
        long restartedAt = System.nanoTime();
        Await.until(
            Duration.ofSeconds(30),
            () ->
                pipeline.isDone()
                    || sink.records().stream().anyMatch(r -> counter(r) >= firstRoundAfterFailure),
            () -> "no record written after the restart arrived");
        System.out.printf(
            "KinesisFanOutRestartIT: first record written after the restart arrived %d ms after"
                + " it%n",
            Duration.ofNanos(System.nanoTime() - restartedAt).toMillis());
        Await.until(
            Duration.ofSeconds(30),
            () -> rounds.get() >= firstRoundAfterFailure + ROUNDS_AFTER_FAILURE,
            () -> rounds.get() + " rounds written");
        writing.set(false);
        writer.join(10_000);
        int written = rounds.get();
        Await.until(
            Duration.ofSeconds(40),
            () -> pipeline.isDone() || allArrived(sink.records(), written),
            () -> arrivedRounds(sink.records(), written));
        if (pipeline.isDone()) {
          pipeline.await(); // throws the pipeline's failure
        }
        // the running attempt's meters, before the stop removes them
        resubscriptions =
            registry.find(KinesisMetricNames.RESUBSCRIPTIONS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
      } finally {
        writing.set(false);
        writer.join(10_000);
        pipeline.stop();
      }
      assertThat(writeFailure.get()).as("the writer's failure").isNull();
      int written = rounds.get();

      // Then it failed and was restarted once,
      assertThat(failed).as("the injected failure happened").isTrue();
      assertThat(restarts(registry)).isEqualTo(1.0);
      // every record arrived, each key's counters in order once duplicates are dropped,
      List<String> records = sink.records();
      List<String> firstArrivals = new ArrayList<>(new LinkedHashSet<>(values(records)));
      KeyedCounters order = KeyedCounters.check(firstArrivals);
      assertThat(order.violations()).as("records out of key order or missing").isEmpty();
      assertThat(firstArrivals).hasSize(KEYS * written);
      assertThat(records.size() - firstArrivals.size())
          .as("records read again: the restart resumed from its checkpoint, not from the start")
          .isLessThan(KEYS * ROUNDS_BEFORE);
      // and every shard delivered records written after the failure: each was subscribed again
      Set<String> shards =
          client.listShards(b -> b.streamName(STREAM)).shards().stream()
              .map(Shard::shardId)
              .collect(Collectors.toCollection(TreeSet::new));
      Set<String> readAfterFailure = new TreeSet<>();
      for (String record : records) {
        if (counter(record) >= firstRoundAfterFailure) {
          readAfterFailure.add(record.substring(0, record.indexOf('|')));
        }
      }
      assertThat(readAfterFailure).as("shards read after the restart").isEqualTo(shards);
      System.out.printf(
          "KinesisFanOutRestartIT: %d records, %d arrivals, failure at round %d, resubscriptions"
              + " (after failed subscribes) counted by the restarted attempt: %s%n",
          KEYS * written, records.size(), firstRoundAfterFailure, resubscriptions);
    }
  }

  private static double restarts(SimpleMeterRegistry registry) {
    Counter restarts = registry.find("shardline.pipeline.restarts").counter();
    return restarts == null ? 0 : restarts.count();
  }

  private static boolean allArrived(List<String> records, int rounds) {
    return new LinkedHashSet<>(values(records)).size() >= KEYS * rounds;
  }

  private static String arrivedRounds(List<String> records, int rounds) {
    return new LinkedHashSet<>(values(records)).size() + " of " + KEYS * rounds + " arrived";
  }

  private static List<String> values(List<String> records) {
    return records.stream().map(r -> r.substring(r.indexOf('|') + 1)).toList();
  }

  private static long counter(String record) {
    return Long.parseLong(record.substring(record.lastIndexOf(':') + 1));
  }
}
