package dev.shardline.bench.chaos;

import dev.shardline.testkit.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * One pipeline of the chaos run, run again and again as {@code java -jar shardline.jar run --status
 * log run-N.yaml} (what the {@code ./shardline} launcher executes): each run gets its own pipeline
 * file, with a parallelism other than the previous run's, and its own log ({@code run-N.log}); all
 * runs share one checkpoint directory and one output, as one service restarted by a manager would.
 * Not thread-safe: the chaos loop drives it.
 */
final class PipelineProcess implements AutoCloseable {
  /** How one run ended. */
  record Run(int number, int parallelism, long startedMillis, String end, String lastLines) {}

  private final String name;
  private final Path directory;
  private final Path jar;
  private final List<String> javaOptions;
  private final IntFunction<String> pipelineFile;
  private final int maxParallelism;
  private final Random random;
  private final List<Run> runs = new ArrayList<>();
  private ChildProcess current;
  private int parallelism;
  private long startedNanos;
  private int kills;
  private int exits;

  /**
   * @param pipelineFile the pipeline file's text for a parallelism
   */
  PipelineProcess(
      String name,
      Path directory,
      Path jar,
      List<String> javaOptions,
      IntFunction<String> pipelineFile,
      int maxParallelism,
      Random random) {
    this.name = name;
    this.directory = directory;
    this.jar = jar;
    this.javaOptions = List.copyOf(javaOptions);
    this.pipelineFile = pipelineFile;
    this.maxParallelism = maxParallelism;
    this.random = random;
  }

  String name() {
    return name;
  }

  /** Starts the next run with a parallelism other than the last run's. */
  void start() {
    if (current != null) {
      throw new IllegalStateException(name + " is running already");
    }
    // 1..max, never the previous run's
    int previous = parallelism;
    int pick = 1 + random.nextInt(previous == 0 ? maxParallelism : maxParallelism - 1);
    parallelism = previous != 0 && pick >= previous ? pick + 1 : pick;
    int number = runs.size() + 1;
    Path file = directory.resolve("run-" + number + ".yaml");
    try {
      Files.createDirectories(directory);
      Files.writeString(file, pipelineFile.apply(parallelism));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-jar", jar.toString(), "run", "--status", "log", file.toString()));
    startedNanos = System.nanoTime();
    current =
        ChildProcess.builder(command)
            .name(name + "-run-" + number)
            .directory(directory)
            .logFile(directory.resolve("run-" + number + ".log"))
            .start();
    runs.add(new Run(number, parallelism, System.currentTimeMillis(), "running", ""));
  }

  boolean isRunning() {
    return current != null && current.isAlive();
  }

  /** Whether a run was started and has ended by itself (not killed or stopped by the harness). */
  boolean exitedByItself() {
    return current != null && !current.isAlive();
  }

  /** How long the current run has been up. */
  Duration uptime() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  int parallelism() {
    return parallelism;
  }

  /** kill -9 of the current run. */
  void kill() throws InterruptedException {
    current.kill();
    kills++;
    finish("killed -9 after " + uptime().toMillis() + " ms");
  }

  /** Records the end of a run that exited by itself; returns its description. */
  String recordExit() throws InterruptedException {
    exits++;
    return finish("exited by itself with code " + current.awaitExit(Duration.ofSeconds(10)));
  }

  /**
   * SIGTERM, as a service manager stops it; returns the exit code (0: stopped cleanly) once it has
   * exited, or -1 if it is still running after {@code timeout} (then it is killed).
   */
  int terminate(Duration timeout) throws InterruptedException {
    int code;
    try {
      code = current.terminate(timeout);
      finish("stopped (SIGTERM) with exit code " + code);
    } catch (AssertionError e) {
      current.kill();
      code = -1;
      finish("did not stop within " + timeout + " of SIGTERM; killed");
    }
    return code;
  }

  private String finish(String end) {
    Run last = runs.remove(runs.size() - 1);
    String tail = current.logTail(6);
    runs.add(new Run(last.number(), last.parallelism(), last.startedMillis(), end, tail));
    current.close();
    current = null;
    return "run " + last.number() + " (parallelism " + last.parallelism() + ") " + end;
  }

  /** The current run's last log lines. */
  String logTail(int lines) {
    return current == null ? "" : current.logTail(lines);
  }

  List<Run> runs() {
    return List.copyOf(runs);
  }

  int kills() {
    return kills;
  }

  int exits() {
    return exits;
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
