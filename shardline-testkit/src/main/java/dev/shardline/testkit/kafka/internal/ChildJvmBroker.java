package dev.shardline.testkit.kafka.internal;

import dev.shardline.testkit.internal.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A KRaft broker in a child JVM: {@code java -cp <this JVM's classpath> ChildBrokerMain
 * server.properties} ({@link ChildBrokerMain} runs {@code kafka.Kafka}), run through {@link
 * ServerProcess} so its process tree is stopped on close and by the shutdown reaper, and the broker
 * halts by itself when this JVM is gone (killed without running its shutdown hook). Its log
 * (slf4j-simple and log4j2, both at WARN, but for the transaction marker channel at INFO) goes to
 * the {@link ServerProcess} log file. Thread-safe.
 */
public final class ChildJvmBroker implements RunningBroker {
  /**
   * JVM options that make the broker JVM start fast and small: one GC thread family, the C1
   * compiler only (a test broker never runs long enough to profit from C2), class data sharing.
   */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of(
          "-Xms64m",
          "-Xmx512m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xshare:auto",
          "-Djava.awt.headless=true");

  private static final String LOG4J2_CONFIG =
      String.join(
          System.lineSeparator(),
          "status = warn",
          "appender.console.type = Console",
          "appender.console.name = STDERR",
          "appender.console.target = SYSTEM_ERR",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = [%d{HH:mm:ss.SSS}] %p %m (%c)%n",
          "rootLogger.level = warn",
          "rootLogger.appenderRef.console.ref = STDERR",
          "");

  private static final int LOG_TAIL_LINES = 40;

  private final ServerProcess process;

  private ChildJvmBroker(ServerProcess process) {
    this.process = process;
  }

  /**
   * Launches the broker JVM and returns at once; the caller waits until it is ready.
   *
   * @param root the directory that holds {@code server.properties}; the JVM argument file and the
   *     log4j2 configuration are written there
   * @param jvmOptions options after {@link #DEFAULT_JVM_OPTIONS} (a later {@code -Xmx} wins)
   */
  public static ChildJvmBroker launch(BrokerConfig config, Path root, List<String> jvmOptions) {
    Path log4jConfig = root.resolve("log4j2.properties");
    Path argumentFile = root.resolve("jvm.args");
    List<String> arguments = new ArrayList<>(DEFAULT_JVM_OPTIONS);
    arguments.add("-Dlog4j2.configurationFile=" + log4jConfig);
    arguments.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    arguments.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    arguments.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    // the line that says a transaction's markers were skipped (HangingTransactions) is at INFO
    arguments.add(
        "-Dorg.slf4j.simpleLogger.log.kafka.coordinator.transaction.TransactionMarkerChannelManager"
            + "=info");
    arguments.addAll(jvmOptions);
    arguments.add("-cp");
    arguments.add(System.getProperty("java.class.path"));
    try {
      Files.writeString(log4jConfig, LOG4J2_CONFIG, StandardCharsets.UTF_8);
      // An argument file keeps a long test classpath off the command line (and out of `ps`).
      Files.writeString(argumentFile, toArgumentFile(arguments), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the Kafka broker JVM files into " + root, e);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder command =
        new ProcessBuilder(
                java.toString(),
                "@" + argumentFile,
                ChildBrokerMain.class.getName(),
                config.propertiesFile().toString())
            .directory(root.toFile());
    return new ChildJvmBroker(ServerProcess.start("kafka", command));
  }

  private static String toArgumentFile(List<String> arguments) {
    StringBuilder file = new StringBuilder();
    for (String argument : arguments) {
      file.append('"')
          .append(argument.replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"')
          .append(System.lineSeparator());
    }
    return file.toString();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public boolean failedToBind() {
    String tail = process.logTail(LOG_TAIL_LINES * 5);
    return !process.isAlive()
        && (tail.contains("Address already in use") || tail.contains("BindException"));
  }

  @Override
  public String diagnostics() {
    return "broker log "
        + process.logFile()
        + ", last lines:"
        + System.lineSeparator()
        + process.logTail(LOG_TAIL_LINES);
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.of(process.pid());
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.of(process.logFile());
  }

  /** SIGTERM (Kafka's controlled shutdown), then SIGKILL if it takes too long. */
  @Override
  public void stop() {
    process.close();
  }

  @Override
  public void kill() {
    process.kill();
  }

  @Override
  public void markFailed() {
    process.markFailed();
  }
}
