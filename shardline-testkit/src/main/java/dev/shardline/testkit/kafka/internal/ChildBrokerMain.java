package dev.shardline.testkit.kafka.internal;

import dev.shardline.testkit.process.internal.Lifeline;

/**
 * The main class of a child-JVM broker: runs {@code kafka.Kafka} with the given arguments, and
 * halts the JVM as soon as its standard input ends. The test JVM starts it through {@link
 * dev.shardline.testkit.internal.ServerProcess}, which leaves standard input a pipe it never writes
 * to or closes: the pipe ends only when the test JVM is gone, even when it was killed with SIGKILL
 * (a surefire fork timeout, a cancelled CI job) and its shutdown hook never ran. Without this an
 * orphaned broker would run on, holding its ports and up to 512 MiB, until someone kills it.
 */
public final class ChildBrokerMain {
  private ChildBrokerMain() {}

  /**
   * @param args {@code kafka.Kafka}'s: the {@code server.properties} file
   */
  public static void main(String[] args) {
    Lifeline.watchStdin("Kafka broker");
    kafka.Kafka.main(args);
  }
}
