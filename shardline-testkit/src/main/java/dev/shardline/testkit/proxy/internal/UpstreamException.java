package dev.shardline.testkit.proxy.internal;

import java.io.IOException;

/** The upstream server gave no answer: connection refused or lost, or no answer in time. */
public final class UpstreamException extends IOException {
  private final boolean beforeAnyAnswer;

  public UpstreamException(String message, boolean beforeAnyAnswer, Throwable cause) {
    super(message, cause);
    this.beforeAnyAnswer = beforeAnyAnswer;
  }

  /** Whether the connection failed before a single byte of an answer arrived. */
  public boolean beforeAnyAnswer() {
    return beforeAnyAnswer;
  }
}
