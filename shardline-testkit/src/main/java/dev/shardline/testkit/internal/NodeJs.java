package dev.shardline.testkit.internal;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node.js installation the testkit's npm servers run on: {@code node} and {@code npm} from the
 * PATH, Node.js {@value #MIN_MAJOR_VERSION} or newer. Thread-safe.
 */
public final class NodeJs {
  /** The oldest Node.js major version the testkit runs its servers on. */
  public static final int MIN_MAJOR_VERSION = 18;

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");
  private static final String INSTALL_HINT =
      "install Node.js " + MIN_MAJOR_VERSION + "+ with npm (e.g. apt-get install nodejs npm)";

  private static volatile String checkedVersion;

  private NodeJs() {}

  /** The node executable. */
  public static String node() {
    return "node";
  }

  /** The npm executable ({@code npm.cmd} on Windows). */
  public static String npm() {
    return isWindows() ? "npm.cmd" : "npm";
  }

  static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }

  /**
   * Checks once per JVM that {@code node} is on the PATH and recent enough, and returns its
   * version.
   *
   * @throws IllegalStateException saying what to install when node is missing or too old
   */
  public static String requireNode() {
    String version = checkedVersion;
    if (version != null) {
      return version;
    }
    CommandLine.Result result;
    try {
      result =
          CommandLine.run(
              List.of(node(), "--version"), Path.of("."), Map.of(), Duration.ofSeconds(30));
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(
          "Node.js was not found: '" + node() + "' is not on the PATH; " + INSTALL_HINT, e);
    }
    String printed = result.output().strip();
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "'node --version' failed with exit code "
              + result.exitCode()
              + ": "
              + printed
              + "; "
              + INSTALL_HINT);
    }
    int major = majorVersion(printed);
    if (major < MIN_MAJOR_VERSION) {
      throw new IllegalStateException(
          "Node.js " + printed + " is too old for the testkit's servers; " + INSTALL_HINT);
    }
    checkedVersion = printed;
    return printed;
  }

  /**
   * The command that runs {@code script} with the loopback preload: {@code node --require <preload>
   * <script> <arguments...>}.
   */
  public static List<String> command(Path preload, String script, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(node());
    command.add("--require");
    command.add(preload.toAbsolutePath().toString());
    command.add(script);
    command.addAll(arguments);
    return command;
  }

  /** The major version in {@code node --version} output ("v20.11.1" is 20), or -1. */
  static int majorVersion(String printed) {
    Matcher matcher = VERSION.matcher(printed.strip());
    return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
  }
}
