package dev.shardline.cli.logging;

import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The command's logging settings and its SLF4J logger factory (installed by {@link
 * CliLoggingProvider}). Libraries that log through SLF4J (the AWS SDK, Kafka clients, Netty) share
 * it. Thread-safe.
 */
public final class CliLogging implements ILoggerFactory {
  /** Loggers that are noise at INFO or WARN even for a curious user. */
  private static final Map<String, Level> QUIET =
      Map.of(
          "state.change.logger", Level.ERROR,
          "org.apache.kafka.clients.NetworkClient", Level.ERROR,
          "org.apache.kafka.common.utils.AppInfoParser", Level.WARN,
          "software.amazon.awssdk.http.nio.netty.internal.utils.NettyUtils", Level.ERROR);

  private static volatile Verbosity verbosity = Verbosity.NORMAL;
  private static volatile Terminal output = Terminal.get();

  private final Map<String, Logger> loggers = new java.util.concurrent.ConcurrentHashMap<>();

  CliLogging() {}

  /** Sets how much is logged from now on. */
  public static void setVerbosity(Verbosity value) {
    verbosity = value;
  }

  /** How much is logged. */
  public static Verbosity verbosity() {
    return verbosity;
  }

  static Terminal output() {
    return output;
  }

  /** Sends log lines to {@code terminal} (tests). */
  static void setOutput(Terminal terminal) {
    output = terminal;
  }

  static Level threshold(String name, boolean ours) {
    switch (verbosity) {
      case DEBUG:
        return Level.DEBUG;
      case VERBOSE:
        return ours ? Level.DEBUG : quiet(name, Level.INFO);
      default:
        return ours ? Level.INFO : quiet(name, Level.WARN);
    }
  }

  private static Level quiet(String name, Level level) {
    Level quiet = QUIET.get(name);
    return quiet != null && quiet.toInt() > level.toInt() ? quiet : level;
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, CliLogger::new);
  }
}
