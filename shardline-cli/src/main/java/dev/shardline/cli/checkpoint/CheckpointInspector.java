package dev.shardline.cli.checkpoint;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.ShardlineException;
import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.cli.connect.SourceType;
import dev.shardline.cli.flink.FlinkCheckpoints;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointFileFormat;
import dev.shardline.runtime.checkpoint.CorruptCheckpointException;
import dev.shardline.runtime.checkpoint.SinkState;
import dev.shardline.runtime.checkpoint.StateBlob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a checkpoint directory for operators, without taking its lock (a running pipeline keeps
 * it): which checkpoints it holds, and what one of them says (per reader, each split's position, in
 * the words of the source type that wrote it). Stateless apart from its registry; thread-safe.
 */
public final class CheckpointInspector {
  private static final Pattern FILE = Pattern.compile("checkpoint-(\\d{20})\\.ckpt(\\.corrupt)?");

  private final ConnectorRegistry registry;
  private final Clock clock;

  public CheckpointInspector(ConnectorRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  /** An inspector that tells each checkpoint's age against {@code clock}. */
  public CheckpointInspector(ConnectorRegistry registry, Clock clock) {
    this.registry = checkNotNull(registry, "registry");
    this.clock = checkNotNull(clock, "clock");
  }

  /** How long ago {@code epochMillis} was, as {@code 12s}, {@code 4m}, {@code 3h}, {@code 2d}. */
  String age(long epochMillis) {
    long seconds = Math.max(0, (clock.millis() - epochMillis) / 1000);
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m";
    }
    if (seconds < 172_800) {
      return seconds / 3600 + "h";
    }
    return seconds / 86_400 + "d";
  }

  /**
   * One file of the directory: a readable checkpoint, or a corrupt file and why.
   *
   * @param id the id in its name
   * @param file the file
   * @param size its size in bytes
   * @param checkpoint its content, when readable
   * @param problem why it is not, otherwise
   */
  public record Entry(
      long id, Path file, long size, Optional<Checkpoint> checkpoint, Optional<String> problem) {}

  /**
   * The checkpoint files of {@code directory}, oldest first.
   *
   * @throws IOException when the directory cannot be listed
   */
  public List<Entry> list(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(
          directory.toString(), null, "not a directory; give a pipeline's checkpoint directory");
    }
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        Matcher matcher = FILE.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
          continue;
        }
        long id = Long.parseLong(matcher.group(1));
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          continue; // deleted by the running pipeline (retention) while we listed
        }
        Optional<Checkpoint> checkpoint = Optional.empty();
        Optional<String> problem = Optional.empty();
        if (matcher.group(2) != null) {
          problem = Optional.of("corrupt (moved aside by the runner)");
        } else {
          try {
            checkpoint = Optional.of(CheckpointFileFormat.decode(bytes, file));
          } catch (CorruptCheckpointException | ShardlineException e) {
            problem = Optional.of(e.getMessage());
          }
        }
        entries.add(new Entry(id, file, bytes.length, checkpoint, problem));
      }
    }
    entries.sort(Comparator.comparingLong(Entry::id));
    return entries;
  }

  /**
   * The table {@code checkpoints list} prints: the embedded runner's checkpoints, then the Flink
   * checkpoints and savepoints of a pipeline run with {@code --engine flink}, if any.
   */
  public String listing(Path directory) throws IOException {
    List<Entry> entries = list(directory);
    List<FlinkCheckpoints.Retained> flink = FlinkCheckpoints.list(directory);
    if (entries.isEmpty() && flink.isEmpty()) {
      return "No checkpoints in " + directory + "\n";
    }
    String flinkListing = flinkListing(directory, flink);
    if (entries.isEmpty()) {
      return flinkListing;
    }
    return embeddedListing(entries) + flinkListing;
  }

  private static String flinkListing(Path directory, List<FlinkCheckpoints.Retained> retained) {
    if (retained.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    out.append("The pipeline runs on Flink (shardline run --engine flink): its checkpoints are in ")
        .append(FlinkCheckpoints.flinkDirectory(directory))
        .append(", and a run restores from the newest")
        .append(String.format("%n"));
    out.append(String.format("%-10s %-24s %-34s %s%n", "KIND", "TIME (UTC)", "JOB", "PATH"));
    for (FlinkCheckpoints.Retained r : retained) {
      out.append(
          String.format(
              "%-10s %-24s %-34s %s%n",
              r.kind(),
              r.time().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
              r.jobId().orElse("-"),
              r.path()));
    }
    return out.toString();
  }

  private String embeddedListing(List<Entry> entries) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%-6s %-24s %6s %-20s %-28s %4s %6s %9s%n",
            "ID", "TIME (UTC)", "AGE", "PIPELINE", "SOURCE", "PAR", "SPLITS", "BYTES"));
    for (Entry entry : entries) {
      if (entry.checkpoint().isPresent()) {
        Checkpoint c = entry.checkpoint().get();
        out.append(
            String.format(
                "%-6d %-24s %6s %-20s %-28s %4d %6d %9d%n",
                c.id(),
                Instant.ofEpochMilli(c.timestampMillis()),
                age(c.timestampMillis()),
                c.pipelineName(),
                c.sourceIdentity(),
                c.parallelism(),
                c.splitCount(),
                entry.size()));
      } else {
        out.append(
            String.format(
                "%-6d %s: %s%n",
                entry.id(), entry.file().getFileName(), entry.problem().orElse("")));
      }
    }
    return out.toString();
  }

  /**
   * What checkpoint {@code id} (the newest readable one when empty) of {@code directory} holds, as
   * {@code checkpoints show} prints it.
   *
   * @throws IOException when the directory cannot be read
   * @throws IllegalArgumentException when there is no such (readable) checkpoint
   */
  public String show(Path directory, Optional<Long> id) throws IOException {
    List<Entry> entries = list(directory);
    Entry entry =
        (id.isPresent()
                ? entries.stream().filter(e -> e.id() == id.get())
                : entries.stream()
                    .filter(e -> e.checkpoint().isPresent())
                    .reduce((a, b) -> b)
                    .stream())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        id.map(i -> "No checkpoint " + i + " in " + directory)
                                .orElse("No readable checkpoint in " + directory)
                            + "; `shardline checkpoints list "
                            + directory
                            + "` shows what is there"));
    if (entry.checkpoint().isEmpty()) {
      throw new IllegalArgumentException(
          "Checkpoint " + entry.id() + " cannot be read: " + entry.problem().orElse(""));
    }
    Checkpoint c = entry.checkpoint().get();
    Optional<SourceType> type = registry.sourceOfIdentity(c.sourceIdentity());
    StringBuilder out = new StringBuilder();
    out.append("Checkpoint ").append(c.id()).append('\n');
    out.append("  file:        ").append(entry.file()).append('\n');
    out.append("  time:        ")
        .append(Instant.ofEpochMilli(c.timestampMillis()))
        .append(" (")
        .append(age(c.timestampMillis()))
        .append(" ago)\n");
    out.append("  pipeline:    ").append(c.pipelineName()).append('\n');
    out.append("  source:      ").append(c.sourceIdentity()).append('\n');
    out.append("  parallelism: ").append(c.parallelism()).append('\n');
    out.append("  splits:      ").append(c.splitCount()).append('\n');
    for (int reader = 0; reader < c.readerSplits().size(); reader++) {
      List<StateBlob> splits = c.readerSplits().get(reader);
      out.append("  reader ").append(reader).append(": ");
      out.append(splits.size()).append(splits.size() == 1 ? " split\n" : " splits\n");
      for (StateBlob split : splits) {
        out.append("    ").append(describe(type, split)).append('\n');
      }
    }
    out.append("  sinks:\n");
    for (Map.Entry<String, SinkState> sink : c.sinks().entrySet()) {
      long states = sink.getValue().writerStates().stream().mapToLong(List::size).sum();
      long committables = sink.getValue().allCommittables().size();
      out.append("    ")
          .append(sink.getKey())
          .append(": ")
          .append(states)
          .append(" writer state(s), ")
          .append(committables)
          .append(" committable(s)\n");
    }
    return out.toString();
  }

  private static String describe(Optional<SourceType> type, StateBlob split) {
    if (type.isPresent()) {
      try {
        return type.get().describeSplit(split);
      } catch (IOException | RuntimeException e) {
        return "unreadable split state (v" + split.version() + "): " + e.getMessage();
      }
    }
    return "split state v" + split.version() + ", " + split.bytes().length + " bytes";
  }
}
