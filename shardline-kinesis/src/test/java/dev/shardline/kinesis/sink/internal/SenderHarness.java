package dev.shardline.kinesis.sink.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.aggregation.HashKey;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.time.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link ShardedSender} on a {@link FakeKinesis} and a {@link ManualTime}, driven by the test:
 * completions wait in {@link #handBack} until {@link #step()} runs them, as the writer's mailbox
 * would.
 */
final class SenderHarness {
  static final String STREAM = "s";

  final ManualTime time = new ManualTime();
  final FakeKinesis kinesis;
  final Deque<Runnable> handBack = new ArrayDeque<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final MessageDigest md5 = HashKey.newMd5();
  private final Configuration.Builder config =
      Configuration.builder().set(KinesisSinkOptions.STREAM, STREAM);
  ShardedSender sender;

  SenderHarness(int shards) {
    this.kinesis = new FakeKinesis().stream(STREAM, shards);
  }

  <V> SenderHarness with(ConfigOption<V> option, V value) {
    config.set(option, value);
    return this;
  }

  SenderHarness start() {
    Configuration validated = KinesisSinkOptions.OPTIONS.validate(config.build());
    sender =
        new ShardedSender(
            kinesis,
            SenderSettings.from(validated),
            time,
            new SinkMetrics(registry, STREAM),
            handBack::add,
            Duration.ofSeconds(5));
    sender.ensureStream(STREAM);
    return this;
  }

  /** Adds a record whose data is {@code value}, as the writer would. */
  void add(String key, String value) {
    byte[] data = value.getBytes(UTF_8);
    byte[] keyBytes = key.getBytes(UTF_8);
    sender.add(
        STREAM,
        key,
        null,
        HashKey.ofPartitionKey(keyBytes, md5),
        data,
        data.length + keyBytes.length);
  }

  /** Runs the completions handed back, then pumps. */
  void step() {
    runCompletions();
    sender.pump();
  }

  void runCompletions() {
    Runnable completion;
    while ((completion = handBack.pollFirst()) != null) {
      completion.run();
    }
  }

  /** Steps and moves the clock until everything is acknowledged or {@code limit} passed. */
  void drain(Duration limit, Duration tick) {
    sender.startFlush();
    long end = time.nanoseconds() + limit.toNanos();
    while (!sender.isDrained() && sender.failure().isEmpty() && time.nanoseconds() < end) {
      step();
      runCompletions();
      if (!sender.isDrained()) {
        time.advance(tick);
      }
    }
    sender.endFlush();
  }

  /** {@code count} keys whose records go to {@code shardId}. */
  List<String> keysOn(String shardId, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String key = "key-" + i;
      if (kinesis.shardOf(STREAM, key).equals(shardId)) {
        keys.add(key);
      }
    }
    return keys;
  }

  static String shard(int index) {
    return String.format("shardId-%012d", index);
  }

  /** The stored data of {@code key}'s records, as text, in stored order. */
  List<String> storedValues(String key) {
    List<String> values = new ArrayList<>();
    for (FakeKinesis.Stored stored : kinesis.stored(STREAM)) {
      if (stored.partitionKey().equals(key)) {
        values.add(new String(stored.data(), UTF_8));
      }
    }
    return values;
  }
}
