package dev.shardline.testkit.kafka.internal;

import java.io.IOException;
import java.io.InputStream;

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
    Thread lifeline = new Thread(ChildBrokerMain::haltWhenStdinEnds, "shardline-parent-lifeline");
    lifeline.setDaemon(true);
    lifeline.start();
    kafka.Kafka.main(args);
  }

  private static void haltWhenStdinEnds() {
    InputStream in = System.in;
    byte[] ignored = new byte[256];
    try {
      while (in.read(ignored) >= 0) {
        // nothing is ever written: wait for the end
      }
    } catch (IOException e) {
      // the pipe broke: the parent is gone just the same
    }
    System.err.println(
        "The test JVM that started this Kafka broker is gone (standard input ended): halting");
    // Not System.exit: a graceful shutdown serves no one now, and must not be able to hang.
    Runtime.getRuntime().halt(0);
  }
}
