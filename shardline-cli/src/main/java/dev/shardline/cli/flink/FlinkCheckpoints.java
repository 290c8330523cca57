package dev.shardline.cli.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Flink checkpoints and savepoints a pipeline run with {@code --engine flink} retained under
 * its checkpoint directory: {@code <checkpoint.directory>/flink/<job id>/chk-<n>} and {@code
 * <checkpoint.directory>/flink/savepoints/savepoint-...}, each complete when it holds {@code
 * _metadata}. Plain files only (no Flink types), so {@code shardline checkpoints} reads them
 * without Flink. Stateless.
 */
public final class FlinkCheckpoints {
  /** The file Flink writes last into a complete checkpoint or savepoint. */
  static final String METADATA = "_metadata";

  private FlinkCheckpoints() {}

  /**
   * One retained checkpoint or savepoint.
   *
   * @param path its directory (what Flink restores from)
   * @param name {@code chk-<n>} or {@code savepoint-...}
   * @param jobId the job that wrote it (a checkpoint), or empty (a savepoint)
   * @param time when its metadata was written
   */
  public record Retained(Path path, String name, Optional<String> jobId, Instant time) {
    /** {@code checkpoint} or {@code savepoint}. */
    public String kind() {
      return name.startsWith("savepoint") ? "savepoint" : "checkpoint";
    }
  }

  /** Where Flink keeps a pipeline's checkpoints: {@code <checkpointDirectory>/flink}. */
  public static Path flinkDirectory(Path checkpointDirectory) {
    return checkpointDirectory.resolve("flink");
  }

  /** Where stop-with-savepoint writes: {@code <checkpointDirectory>/flink/savepoints}. */
  public static Path savepointDirectory(Path checkpointDirectory) {
    return flinkDirectory(checkpointDirectory).resolve("savepoints");
  }

  /** Every complete checkpoint and savepoint, oldest first; none when there is no such dir. */
  public static List<Retained> list(Path checkpointDirectory) throws IOException {
    Path root = flinkDirectory(checkpointDirectory);
    List<Retained> all = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return all;
    }
    try (Stream<Path> files = Files.find(root, 3, (p, a) -> p.endsWith(METADATA))) {
      for (Path metadata : files.toList()) {
        Path dir = metadata.getParent();
        String name = dir.getFileName().toString();
        Path parent = dir.getParent();
        Optional<String> job =
            name.startsWith("chk-") && !parent.equals(root)
                ? Optional.of(parent.getFileName().toString())
                : Optional.empty();
        if (name.startsWith("chk-") || name.startsWith("savepoint-")) {
          all.add(new Retained(dir, name, job, Files.getLastModifiedTime(metadata).toInstant()));
        }
      }
    }
    all.sort(Comparator.comparing(Retained::time).thenComparing(r -> r.path().toString()));
    return all;
  }

  /** The newest complete checkpoint or savepoint: what a rerun restores from. */
  public static Optional<Retained> newest(Path checkpointDirectory) throws IOException {
    List<Retained> all = list(checkpointDirectory);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }
}
