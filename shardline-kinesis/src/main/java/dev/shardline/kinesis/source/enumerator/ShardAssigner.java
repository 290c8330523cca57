package dev.shardline.kinesis.source.enumerator;

import dev.shardline.kinesis.source.split.KinesisShardSplit;
import java.io.Serializable;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the reader of a shard whose parents impose no reader (an original shard, or a child whose
 * parents are finished and checkpointed). The enumerator itself sends a child to the reader that
 * read its parent when it can. Implementations are stateless, serializable and thread-safe.
 *
 * <pre>{@code
 * ShardAssigner byStream = (shard, ctx) -> Math.floorMod(shard.stream().hashCode(),
 *     ctx.parallelism());
 * }</pre>
 */
@FunctionalInterface
public interface ShardAssigner extends Serializable {

  /** What an assigner may look at. */
  interface Context {
    /** How many readers the source runs with. */
    int parallelism();

    /** The readers registered now; the result must be one of them. */
    Set<Integer> registeredReaders();

    /** How many unfinished shards each registered reader holds. */
    Map<Integer, Integer> shardCounts();
  }

  /**
   * The reader for {@code shard}: one of {@link Context#registeredReaders()}, which is never empty
   * when this is called.
   */
  int assign(KinesisShardSplit shard, Context context);

  /**
   * A hash of the split id over the readers (the default): stable, so a restarted pipeline spreads
   * shards the same way; when that reader is not registered, a hash over the registered ones.
   */
  static ShardAssigner hash() {
    return (ShardAssigner & Serializable)
        (shard, context) -> {
          int hash = shard.splitId().hashCode();
          int reader = Math.floorMod(hash, context.parallelism());
          if (context.registeredReaders().contains(reader)) {
            return reader;
          }
          Integer[] registered =
              context.registeredReaders().stream().sorted().toArray(Integer[]::new);
          return registered[Math.floorMod(hash, registered.length)];
        };
  }

  /** The reader with the fewest shards (the lowest index among equals). */
  static ShardAssigner uniform() {
    return (ShardAssigner & Serializable)
        (shard, context) ->
            context.registeredReaders().stream()
                .min(
                    Comparator.comparingInt((Integer r) -> context.shardCounts().getOrDefault(r, 0))
                        .thenComparingInt(r -> r))
                .orElseThrow();
  }
}
