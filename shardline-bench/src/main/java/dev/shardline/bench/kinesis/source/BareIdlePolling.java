package dev.shardline.bench.kinesis.source;

import dev.shardline.testkit.kinesis.KinesisEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The idle baseline: a bare SDK loop polling every shard of an empty stream at a fixed interval
 * (once a second: the source's pace on a caught-up shard before its idle wait grew), each shard's
 * calls spread evenly over the interval, from one scheduler thread, on an asynchronous client set
 * up as the source sets up its own. Measures the JVM's CPU over consecutive windows after a
 * warm-up.
 */
final class BareIdlePolling {
  private BareIdlePolling() {}

  static void run(
      KinesisEndpoint endpoint,
      String stream,
      Duration interval,
      Duration warmUp,
      int idleSeconds,
      int windows)
      throws Exception {
    KinesisAsyncClient client = BenchSupport.asyncClient(endpoint, http -> http);
    List<AtomicReference<String>> iterators = new ArrayList<>();
    for (Shard shard : client.listShards(b -> b.streamName(stream)).join().shards()) {
      iterators.add(
          new AtomicReference<>(
              client
                  .getShardIterator(
                      b ->
                          b.streamName(stream)
                              .shardId(shard.shardId())
                              .shardIteratorType(ShardIteratorType.LATEST))
                  .join()
                  .shardIterator()));
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bare-idle-loop");
              t.setDaemon(true);
              return t;
            });
    LongAdder calls = new LongAdder();
    long period = interval.toMillis();
    for (int i = 0; i < iterators.size(); i++) {
      AtomicReference<String> iterator = iterators.get(i);
      timer.scheduleAtFixedRate(
          () -> {
            calls.increment();
            client
                .getRecords(b -> b.shardIterator(iterator.get()).limit(10_000))
                .thenAccept(r -> iterator.set(r.nextShardIterator()));
          },
          i * period / iterators.size(),
          period,
          TimeUnit.MILLISECONDS);
    }
    Thread.sleep(warmUp.toMillis());
    IdleWindows.measure(
        String.format(
            Locale.ROOT,
            "bare SDK loop (GetRecords on each of the %d shards every %d ms, async client)",
            iterators.size(),
            period),
        windows,
        idleSeconds,
        calls::sum);
    timer.shutdownNow();
    client.close();
  }
}
