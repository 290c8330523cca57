package dev.shardline.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the file pipeline's committed part files ({@code
 * part-<pipeline>@<sink>-<writer>-<checkpoint> .txt}; the hidden in-progress ones are not output)
 * into a {@link DeliveryCheck}, in the order a reader of the directory can see each key's records:
 * checkpoint by checkpoint, and within one checkpoint the parts that hold a key (several writers
 * can, after resharding moved the key between readers) in the order of their first record of that
 * key, each part's lines in file order. So a key's records are in order if some reading of the
 * parts of each checkpoint puts them in order.
 */
final class FileOutput {
  private static final Pattern PART = Pattern.compile("part-.*-(\\d{5})-(\\d{20})\\.[^.]*");

  private FileOutput() {}

  /** Reads every committed part of {@code directory} now. */
  static DeliveryCheck read(Path directory) {
    DeliveryCheck check = new DeliveryCheck();
    // checkpoint -> key -> the runs of that key's lines, one per part
    Map<Long, Map<String, List<List<String>>>> checkpoints = new TreeMap<>();
    Map<List<String>, String> partOf = new java.util.IdentityHashMap<>();
    for (Path part : parts(directory)) {
      Matcher name = PART.matcher(part.getFileName().toString());
      if (!name.matches()) {
        continue;
      }
      long checkpoint = Long.parseLong(name.group(2));
      Map<String, List<String>> byKey = new LinkedHashMap<>();
      for (String line : lines(part)) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          check.deliver(line, part.getFileName().toString());
          continue;
        }
        byKey.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(line);
      }
      Map<String, List<List<String>>> keys =
          checkpoints.computeIfAbsent(checkpoint, c -> new LinkedHashMap<>());
      byKey.forEach(
          (key, run) -> {
            keys.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
            partOf.put(run, part.getFileName().toString());
          });
    }
    for (Map<String, List<List<String>>> keys : checkpoints.values()) {
      for (List<List<String>> runs : keys.values()) {
        runs.sort(Comparator.comparingLong(run -> counter(run.get(0))));
        for (List<String> run : runs) {
          for (String line : run) {
            check.deliver(line, partOf.get(run));
          }
        }
      }
    }
    return check;
  }

  private static long counter(String line) {
    int first = line.indexOf(':');
    int second = line.indexOf(':', first + 1);
    try {
      return Long.parseLong(line.substring(first + 1, second < 0 ? line.length() : second));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static List<Path> parts(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + directory, e);
    }
  }

  private static List<String> lines(Path part) {
    try {
      return Files.readAllLines(part);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + part, e);
    }
  }
}
