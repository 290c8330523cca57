package dev.shardline.cli.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The command's SLF4J logger: one short line per event ({@code 14:03:07 WARN message}) on the
 * {@link Terminal}, libraries' loggers named, stack traces only at {@link Verbosity#DEBUG} (one
 * line of causes otherwise). Levels follow {@link CliLogging#verbosity()}. Thread-safe.
 */
final class CliLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final boolean ours;
  private final String shortName;

  CliLogger(String name) {
    this.name = name;
    this.ours = name.startsWith("dev.shardline");
    int dot = name.lastIndexOf('.');
    this.shortName = dot < 0 ? name : name.substring(dot + 1);
  }

  private boolean enabled(Level level) {
    return level.toInt() >= CliLogging.threshold(name, ours).toInt();
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
    StringBuilder line = new StringBuilder();
    line.append(LocalTime.now().format(TIME)).append(' ');
    line.append(String.format("%-5s ", level));
    if (!ours || CliLogging.verbosity() == Verbosity.DEBUG) {
      line.append('(').append(ours ? shortName : name).append(") ");
    }
    line.append(MessageFormatter.basicArrayFormat(pattern, arguments));
    if (throwable != null) {
      if (CliLogging.verbosity() == Verbosity.DEBUG) {
        StringWriter trace = new StringWriter();
        throwable.printStackTrace(new PrintWriter(trace));
        line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
      } else {
        line.append(" (").append(causes(throwable)).append(')');
      }
    }
    CliLogging.output().printLine(line.toString());
  }

  /** {@code Type: message; caused by Type: message; ...}, without repeats. */
  static String causes(Throwable throwable) {
    StringBuilder out = new StringBuilder();
    String previous = null;
    int depth = 0;
    for (Throwable t = throwable; t != null && depth < 5; t = t.getCause(), depth++) {
      String text =
          t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
      if (previous != null && previous.contains(String.valueOf(t.getMessage()))) {
        continue;
      }
      if (out.length() > 0) {
        out.append("; caused by ");
      }
      out.append(text);
      previous = text;
    }
    return out.toString();
  }
}
