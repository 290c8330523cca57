package dev.shardline.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads what a FileSink committed. For tests. */
final class CommittedFiles {
  private CommittedFiles() {}

  /** Every line of every committed part in {@code directory}. */
  static List<String> lines(Path directory) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return lines;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  /** Names of in-progress parts in {@code directory}. */
  static List<String> inProgress(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".inprogress"))
          .toList();
    }
  }
}
