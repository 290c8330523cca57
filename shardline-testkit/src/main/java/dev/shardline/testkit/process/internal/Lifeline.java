package dev.shardline.testkit.process.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a child JVM once the JVM that started it is gone. The parent leaves the child's standard
 * input a pipe it never writes to and never closes: the pipe ends only when the parent process
 * exits, even when it was killed with SIGKILL (a surefire fork timeout, a cancelled CI job) and no
 * shutdown hook of its ran. A daemon thread reads standard input and halts the JVM at its end, so
 * no orphaned child runs on, holding ports, files and memory.
 */
public final class Lifeline {
  private Lifeline() {}

  /**
   * Starts the watching thread.
   *
   * @param what what this JVM is, for the message printed before it halts ("Kafka broker")
   */
  public static void watchStdin(String what) {
    Thread lifeline = new Thread(() -> haltWhenStdinEnds(what), "shardline-parent-lifeline");
    lifeline.setDaemon(true);
    lifeline.start();
  }

  private static void haltWhenStdinEnds(String what) {
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
        "The test JVM that started this " + what + " is gone (standard input ended): halting");
    // Not System.exit: a graceful shutdown serves no one now, and must not be able to hang.
    Runtime.getRuntime().halt(0);
  }
}
