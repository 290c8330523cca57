package dev.shardline.testkit.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure a {@link KinesisQuotaProxy} injects instead of (or on top of) forwarding a request.
 * Armed through {@link Faults}. Immutable and thread-safe.
 *
 * <pre>{@code
 * proxy.faults().failNext(Operation.GET_RECORDS, 3, Fault.INTERNAL_ERROR);
 * proxy.faults().failNext(Operation.PUT_RECORDS, 1, Fault.slowResponse(Duration.ofSeconds(5)));
 * }</pre>
 *
 * <p>A faulted request does not count against the shard quotas. Only {@link #slowResponse} reaches
 * the upstream server.
 */
public final class Fault {

  /** What the client sees. */
  public enum Kind {
    /** HTTP 500, {@code InternalFailure}: the SDK raises a {@code KinesisException}, status 500. */
    INTERNAL_ERROR,
    /** HTTP 503, {@code ServiceUnavailable}. */
    SERVICE_UNAVAILABLE,
    /** HTTP 400, {@code LimitExceededException}. */
    LIMIT_EXCEEDED,
    /**
     * HTTP 400, {@code ResourceInUseException}: AWS's answer to a SubscribeToShard while the
     * consumer is not ACTIVE yet (also armed per shard by {@link Faults#refuseSubscriptions(String,
     * String, int)}).
     */
    RESOURCE_IN_USE,
    /**
     * HTTP 400, {@code ExpiredIteratorException}; {@link Operation#GET_RECORDS} only. The iterator
     * itself stays valid on the server.
     */
    EXPIRED_ITERATOR,
    /**
     * The request is held and never answered (until the client gives up or the proxy closes); it
     * does not reach the server. The client sees its own (attempt) timeout.
     */
    TIMEOUT,
    /**
     * The request is forwarded and processed by the server, and the answer is held back for a delay
     * (set it longer than the client's timeout to simulate "written, but the client does not
     * know").
     */
    SLOW_RESPONSE,
    /**
     * The connection is closed without an answer; the request does not reach the server. The SDK
     * raises an {@code SdkClientException} caused by an {@code IOException}. Also what {@link
     * Faults#dropSubscriptions(String, String)} does to a SubscribeToShard stream mid-way (counted
     * under this kind).
     */
    DROP_CONNECTION
  }

  /** HTTP 500 {@code InternalFailure}. */
  public static final Fault INTERNAL_ERROR = new Fault(Kind.INTERNAL_ERROR, Duration.ZERO);

  /** HTTP 503 {@code ServiceUnavailable}. */
  public static final Fault SERVICE_UNAVAILABLE =
      new Fault(Kind.SERVICE_UNAVAILABLE, Duration.ZERO);

  /** HTTP 400 {@code LimitExceededException}. */
  public static final Fault LIMIT_EXCEEDED = new Fault(Kind.LIMIT_EXCEEDED, Duration.ZERO);

  /** HTTP 400 {@code ResourceInUseException}. */
  public static final Fault RESOURCE_IN_USE = new Fault(Kind.RESOURCE_IN_USE, Duration.ZERO);

  /** HTTP 400 {@code ExpiredIteratorException}, for {@link Operation#GET_RECORDS} only. */
  public static final Fault EXPIRED_ITERATOR = new Fault(Kind.EXPIRED_ITERATOR, Duration.ZERO);

  /** No answer at all; the request is not forwarded. */
  public static final Fault TIMEOUT = new Fault(Kind.TIMEOUT, Duration.ZERO);

  /** The connection is closed without an answer; the request is not forwarded. */
  public static final Fault DROP_CONNECTION = new Fault(Kind.DROP_CONNECTION, Duration.ZERO);

  private final Kind kind;
  private final Duration delay;

  private Fault(Kind kind, Duration delay) {
    this.kind = kind;
    this.delay = delay;
  }

  /**
   * The request is forwarded and processed; its answer reaches the client {@code delay} later.
   *
   * @throws IllegalArgumentException when {@code delay} is negative
   */
  public static Fault slowResponse(Duration delay) {
    Objects.requireNonNull(delay, "delay cannot be null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay cannot be negative, was " + delay);
    }
    return new Fault(Kind.SLOW_RESPONSE, delay);
  }

  /** What the client sees. */
  public Kind kind() {
    return kind;
  }

  /** How long a {@link Kind#SLOW_RESPONSE} answer is held back; zero for the other kinds. */
  public Duration delay() {
    return delay;
  }

  /** Whether this fault can be injected into {@code operation}. */
  public boolean appliesTo(Operation operation) {
    return kind != Kind.EXPIRED_ITERATOR || operation == Operation.GET_RECORDS;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Fault
        && ((Fault) other).kind == kind
        && ((Fault) other).delay.equals(delay);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, delay);
  }

  @Override
  public String toString() {
    return kind == Kind.SLOW_RESPONSE ? kind + "(" + delay + ")" : kind.name();
  }
}
