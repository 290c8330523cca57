package dev.shardline.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the log file a child process writes its output to. Thread-safe (stateless). */
public final class ProcessOutput {
  private ProcessOutput() {}

  /**
   * Every line in {@code log} so far (a stray invalid byte does not hide the rest).
   *
   * @throws UncheckedIOException if the log cannot be read
   */
  public static List<String> lines(Path log) {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the log " + log, e);
    }
  }

  /** The last {@code lines} lines of {@code log}, for error messages; never throws. */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = lines(log);
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (UncheckedIOException e) {
      return "(log " + log + " unreadable: " + e.getCause().getMessage() + ")";
    }
  }
}
