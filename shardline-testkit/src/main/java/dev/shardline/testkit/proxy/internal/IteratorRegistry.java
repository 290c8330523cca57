package dev.shardline.testkit.proxy.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Which shard each shard iterator reads, learned from GetShardIterator answers and from every
 * GetRecords answer's NextShardIterator. Kinesis iterators expire after five minutes; entries are
 * dropped a while after that. Thread-safe.
 */
public final class IteratorRegistry {
  private static final long LIFETIME = Duration.ofMinutes(6).toNanos();
  private static final int PURGE_EVERY = 4096;

  private record Entry(ShardRef shard, long learnedAt) {}

  private final Map<String, Entry> shards = new ConcurrentHashMap<>();
  private final AtomicInteger sincePurge = new AtomicInteger();
  private final LongSupplier clock;

  public IteratorRegistry(LongSupplier clock) {
    this.clock = clock;
  }

  public void remember(String iterator, ShardRef shard) {
    long now = clock.getAsLong();
    shards.put(iterator, new Entry(shard, now));
    if (sincePurge.incrementAndGet() >= PURGE_EVERY) {
      sincePurge.set(0);
      shards.values().removeIf(entry -> now - entry.learnedAt() > LIFETIME);
    }
  }

  /** The shard {@code iterator} reads; empty for an iterator the proxy never saw. */
  public Optional<ShardRef> shardOf(String iterator) {
    Entry entry = shards.get(iterator);
    return entry == null ? Optional.empty() : Optional.of(entry.shard());
  }

  /** Forgets the iterators of a deleted stream. */
  public void forget(String stream) {
    shards.values().removeIf(entry -> entry.shard().stream().equals(stream));
  }

  public int size() {
    return shards.size();
  }
}
