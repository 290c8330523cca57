package dev.shardline.testkit.logging;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What is written to standard error (where slf4j-simple logs) while an action runs, for tests of
 * log lines; it is copied to the real standard error afterwards. Not for concurrent tests.
 *
 * <pre>{@code
 * String log = StandardError.during(() -> pipeline.run());
 * String log = StandardError.during(soFar -> { kafka.kill(); Await.until(.., () -> soFar.get().contains("Cannot reach")); });
 * }</pre>
 */
public final class StandardError {
  private StandardError() {}

  /** An action to capture the log of. */
  public interface Action {
    void run() throws Exception;
  }

  /** An action that may look at what was logged so far, to wait for a line. */
  public interface WatchingAction {
    void run(Supplier<String> loggedSoFar) throws Exception;
  }

  public static String during(Action action) throws Exception {
    return during(loggedSoFar -> action.run());
  }

  public static String during(WatchingAction action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run(() -> captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    original.print(log);
    return log;
  }
}
