package dev.shardline.testkit.proxy.internal;

import java.io.IOException;

/** The upstream server gave no answer: connection refused or lost, or no answer in time. */
public final class UpstreamException extends IOException {
  private final boolean beforeAnyAnswer;
  private final boolean notSent;

  public UpstreamException(String message, boolean beforeAnyAnswer, Throwable cause) {
    this(message, beforeAnyAnswer, false, cause);
  }

  private UpstreamException(
      String message, boolean beforeAnyAnswer, boolean notSent, Throwable cause) {
    super(message, cause);
    this.beforeAnyAnswer = beforeAnyAnswer;
    this.notSent = notSent;
  }

  /** Writing the request failed: the server cannot have received all of it, nor acted on it. */
  public static UpstreamException notSent(String message, Throwable cause) {
    return new UpstreamException(message, true, true, cause);
  }

  /** Whether the connection failed before a single byte of an answer arrived. */
  public boolean beforeAnyAnswer() {
    return beforeAnyAnswer;
  }

  /**
   * Whether the request was certainly not received whole (its write failed). When false, the server
   * may have carried it out even though no answer came.
   */
  public boolean notSent() {
    return notSent;
  }
}
