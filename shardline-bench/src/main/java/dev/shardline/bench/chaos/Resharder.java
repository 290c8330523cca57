package dev.shardline.bench.chaos;

import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.kinesis.StreamContents;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Reshards the source stream, one operation per {@link #step()}: SplitShard, MergeShards and
 * UpdateShardCount in a random order per round of three (so each kind comes up every three steps),
 * keeping the open shards between a floor and a ceiling; each returns once the stream is ACTIVE
 * again. Talks to kinesis-local directly (the control plane has no quota to test). Not thread-safe.
 */
final class Resharder {
  enum Kind {
    SPLIT,
    MERGE,
    UPDATE_SHARD_COUNT
  }

  private final LocalKinesis kinesis;
  private final KinesisClient client;
  private final String stream;
  private final int minShards;
  private final int maxShards;
  private final Random random;
  private final List<Kind> round = new ArrayList<>();
  private final Map<Kind, Integer> done = new EnumMap<>(Kind.class);
  private final List<String> refused = new ArrayList<>();

  Resharder(LocalKinesis kinesis, String stream, int minShards, int maxShards, Random random) {
    this.kinesis = kinesis;
    this.client = kinesis.client();
    this.stream = stream;
    this.minShards = minShards;
    this.maxShards = maxShards;
    this.random = random;
  }

  /** One operation; returns what it did, e.g. "split shardId-000000000001: 4 -> 5 open shards". */
  String step() {
    if (round.isEmpty()) {
      round.addAll(List.of(Kind.values()));
      Collections.shuffle(round, random);
    }
    Kind kind = round.remove(0);
    List<Shard> open = openShards();
    int before = open.size();
    // a kind that cannot apply now (at the floor or the ceiling) gives way to one that can
    if (kind == Kind.SPLIT && before >= maxShards) {
      kind = Kind.MERGE;
    } else if (kind == Kind.MERGE && before <= minShards) {
      kind = Kind.SPLIT;
    }
    String what;
    try {
      what =
          switch (kind) {
            case SPLIT -> split(open);
            case MERGE -> merge(open);
            case UPDATE_SHARD_COUNT -> updateShardCount(before);
          };
      kinesis.waitForActive(stream);
    } catch (RuntimeException e) {
      String message = kind + " with " + before + " open shards refused: " + e.getMessage();
      refused.add(message);
      waitForActiveQuietly();
      return message;
    }
    done.merge(kind, 1, Integer::sum);
    return what + ": " + before + " -> " + openShards().size() + " open shards";
  }

  private String split(List<Shard> open) {
    Shard widest =
        open.stream().max(Comparator.comparing(s -> end(s).subtract(start(s)))).orElseThrow();
    BigInteger middle = start(widest).add(end(widest)).add(BigInteger.ONE).shiftRight(1);
    client.splitShard(
        b ->
            b.streamName(stream)
                .shardToSplit(widest.shardId())
                .newStartingHashKey(middle.toString()));
    return "SplitShard " + widest.shardId();
  }

  private String merge(List<Shard> open) {
    List<Shard[]> adjacent = new ArrayList<>();
    for (int i = 0; i + 1 < open.size(); i++) {
      if (end(open.get(i)).add(BigInteger.ONE).equals(start(open.get(i + 1)))) {
        adjacent.add(new Shard[] {open.get(i), open.get(i + 1)});
      }
    }
    Shard[] pair = adjacent.get(random.nextInt(adjacent.size()));
    client.mergeShards(
        b ->
            b.streamName(stream)
                .shardToMerge(pair[0].shardId())
                .adjacentShardToMerge(pair[1].shardId()));
    return "MergeShards " + pair[0].shardId() + " + " + pair[1].shardId();
  }

  private String updateShardCount(int open) {
    int low = Math.max(minShards, (open + 1) / 2);
    int high = Math.min(maxShards, open * 2);
    List<Integer> targets = new ArrayList<>();
    for (int t = low; t <= high; t++) {
      if (t != open) {
        targets.add(t);
      }
    }
    int target = targets.get(random.nextInt(targets.size()));
    client.updateShardCount(
        b ->
            b.streamName(stream).targetShardCount(target).scalingType(ScalingType.UNIFORM_SCALING));
    return "UpdateShardCount to " + target;
  }

  private void waitForActiveQuietly() {
    try {
      kinesis.waitForActive(stream);
    } catch (RuntimeException e) {
      refused.add("stream not ACTIVE again: " + e.getMessage());
    }
  }

  /** The open shards (no ending sequence number), by hash range. */
  List<Shard> openShards() {
    List<Shard> open = new ArrayList<>();
    for (Shard shard : StreamContents.shards(client, stream)) {
      if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
        open.add(shard);
      }
    }
    open.sort(Comparator.comparing(Resharder::start));
    return open;
  }

  /** How many shards the stream has had, open and closed. */
  int allShards() {
    return StreamContents.shards(client, stream).size();
  }

  /** Completed operations by kind. */
  Map<Kind, Integer> done() {
    return Map.copyOf(done);
  }

  /** Operations the server refused, with its answer. */
  List<String> refused() {
    return List.copyOf(refused);
  }

  private static BigInteger start(Shard shard) {
    return new BigInteger(shard.hashKeyRange().startingHashKey());
  }

  private static BigInteger end(Shard shard) {
    return new BigInteger(shard.hashKeyRange().endingHashKey());
  }
}
