package dev.shardline.testkit.internal;

import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.io.IOException;

/**
 * A stand-in for a test JVM, run as a child JVM by {@link OrphanedServersIT}: starts one server,
 * prints the process ids of everything it started ({@code server <pid>}) and the server's log file
 * ({@code log <path>}), then {@code ready}, and waits to be killed.
 */
public final class ServerHost {
  private ServerHost() {}

  /**
   * @param args {@code kinesis-local}, {@code kinesalite} or {@code kafka-child-jvm}
   */
  public static void main(String[] args) throws IOException {
    AutoCloseable server =
        switch (args[0]) {
          case "kinesis-local" -> LocalKinesis.start();
          case "kinesalite" -> LocalKinesalite.start();
          case "kafka-child-jvm" -> LocalKafka.builder().childJvm().start();
          default -> throw new IllegalArgumentException("Unknown server " + args[0]);
        };
    ProcessHandle.current()
        .descendants()
        .forEach(process -> System.out.println("server " + process.pid()));
    if (server instanceof LocalKinesis kinesis) {
      System.out.println("log " + kinesis.logFile());
    } else if (server instanceof LocalKinesalite kinesalite) {
      System.out.println("log " + kinesalite.logFile());
    } else if (server instanceof LocalKafka kafka) {
      kafka.logFile().ifPresent(log -> System.out.println("log " + log));
    }
    System.out.println("ready " + server);
    System.out.flush();
    // Until the test kills this JVM (or, should the test JVM die first, until our stdin ends).
    while (System.in.read() >= 0) {
      // nothing is written
    }
    System.exit(1);
  }
}
