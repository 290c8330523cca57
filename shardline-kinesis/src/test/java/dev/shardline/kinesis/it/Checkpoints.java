package dev.shardline.kinesis.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What a pipeline in a child JVM has checkpointed, read from its checkpoint directory. */
final class Checkpoints {
  private Checkpoints() {}

  /** The newest checkpoint id in {@code checkpoints}, 0 when there is none (yet). */
  static long newest(Path checkpoints) {
    if (!Files.isDirectory(checkpoints)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("checkpoint-\\d{20}\\.ckpt"))
          .mapToLong(n -> Long.parseLong(n.substring(11, 31)))
          .max()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }
}
