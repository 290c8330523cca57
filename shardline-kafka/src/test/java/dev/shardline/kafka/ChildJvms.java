package dev.shardline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts programs in child JVMs with the test classpath, logs each to a file, and kills whatever is
 * still running on {@link #close()} (call it from {@code @AfterEach}, so children never outlive a
 * failed test). Not thread-safe.
 */
final class ChildJvms implements AutoCloseable {
  private final Path logDir;
  private final List<Process> children = new ArrayList<>();

  ChildJvms(Path logDir) {
    this.logDir = logDir;
  }

  /** Starts {@code mainClass} with {@code args}; its output goes to {@code <name>.log}. */
  Process start(String name, Class<?> mainClass, String... args) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true).redirectOutput(logDir.resolve(name + ".log").toFile());
    Process child = builder.start();
    children.add(child);
    return child;
  }

  /** SIGKILL, as a crash would; waits until it is gone. */
  static void kill(Process child) throws InterruptedException {
    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("killed child exits").isTrue();
  }

  /** The last 60 lines of {@code <name>.log}. */
  String log(String name) {
    try {
      List<String> lines = Files.readAllLines(logDir.resolve(name + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The newest checkpoint id in {@code checkpoints}, 0 when there is none. */
  static long newestCheckpoint(Path checkpoints) throws IOException {
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
    }
  }

  /** Waits until {@code child} completed a checkpoint newer than {@code restored}. */
  void awaitCheckpointAfter(
      long restored, Path checkpoints, Process child, String name, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (newestCheckpoint(checkpoints) <= restored) {
      assertThat(child.isAlive()).as("child %s exited early: %s", name, log(name)).isTrue();
      assertThat(System.nanoTime() - deadline)
          .as("no new checkpoint within %s: %s", timeout, log(name))
          .isNegative();
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    for (Process child : children) {
      child.destroyForcibly();
      try {
        child.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    children.clear();
  }
}
