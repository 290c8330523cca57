package dev.shardline.runtime.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Checkpoints for tests, with every field set. */
final class CheckpointFixtures {
  private CheckpointFixtures() {}

  static StateBlob blob(int version, String text) {
    return new StateBlob(version, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The checkpoint whose v1 encoding is checked in as {@code checkpoint-v1.ckpt}. */
  static Checkpoint sample(long id) {
    return new Checkpoint(
        id,
        1_767_225_600_000L,
        "orders-archive",
        "kinesis:orders",
        2,
        blob(3, "enumerator"),
        List.of(List.of(blob(1, "shard-0@42"), blob(2, "shard-2@7")), List.of()),
        Map.of(
            "sink-0",
            new SinkState(
                List.of(List.of(blob(1, "w0")), List.of(blob(1, "w1"))),
                List.of(List.of(blob(1, "part-a")), List.of(blob(1, "part-b"), blob(1, "part-c")))),
            "dead-letter",
            new SinkState(List.of(List.of(), List.of()), List.of(List.of(), List.of()))));
  }
}
