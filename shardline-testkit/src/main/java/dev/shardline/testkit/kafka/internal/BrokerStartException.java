package dev.shardline.testkit.kafka.internal;

/**
 * A broker did not start or did not become ready. Whatever the attempt started has been stopped
 * when this is thrown. Immutable.
 */
public final class BrokerStartException extends IllegalStateException {
  private final boolean portInUse;

  public BrokerStartException(String message, Throwable cause, boolean portInUse) {
    super(message, cause);
    this.portInUse = portInUse;
  }

  /** Whether the start failed because one of its ports was taken, so new ports may succeed. */
  public boolean portInUse() {
    return portInUse;
  }
}
