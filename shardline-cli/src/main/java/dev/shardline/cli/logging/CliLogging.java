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
  /**
   * Loggers (by name prefix) that are noise at INFO or WARN even for a curious user: a Kafka broker
   * the demo runs in this JVM, client chatter, and the warnings of a Flink MiniCluster that do not
   * apply to it (no delegation tokens, no log file for the web UI, long operator names).
   */
  private static final Map<String, Level> QUIET =
      Map.ofEntries(
          Map.entry("kafka", Level.ERROR),
          Map.entry("state.change.logger", Level.ERROR),
          Map.entry("org.apache.kafka.controller", Level.ERROR),
          Map.entry("org.apache.kafka.server", Level.ERROR),
          Map.entry("org.apache.kafka.storage", Level.ERROR),
          Map.entry("org.apache.kafka.raft", Level.ERROR),
          Map.entry("org.apache.kafka.metadata", Level.ERROR),
          Map.entry("org.apache.kafka.image", Level.ERROR),
          Map.entry("org.apache.kafka.clients.NetworkClient", Level.ERROR),
          Map.entry("org.apache.kafka.common.utils.AppInfoParser", Level.WARN),
          Map.entry("org.apache.flink.runtime.security.token", Level.ERROR),
          Map.entry("org.apache.flink.runtime.webmonitor.WebMonitorUtils", Level.ERROR),
          Map.entry("org.apache.flink.runtime.metrics.util.MetricUtils", Level.ERROR));

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
    Level result = level;
    for (Map.Entry<String, Level> e : QUIET.entrySet()) {
      boolean matches = name.equals(e.getKey()) || name.startsWith(e.getKey() + ".");
      if (matches && e.getValue().toInt() > result.toInt()) {
        result = e.getValue();
      }
    }
    return result;
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, CliLogger::new);
  }
}
