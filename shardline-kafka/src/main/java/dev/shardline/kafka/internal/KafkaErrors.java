package dev.shardline.kafka.internal;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.util.Futures;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;

/**
 * The one place that maps errors of the Kafka clients to Shardline's: Kafka's retriable errors
 * (timeouts, unavailable or moved leaders and coordinators, disconnections) become a {@link
 * RetriableException}; refused credentials and missing permissions an {@link
 * UnrecoverableException} (the runner fails at once); everything else a plain {@link
 * ShardlineException}. Stateless.
 */
public final class KafkaErrors {
  private KafkaErrors() {}

  /**
   * Whether Kafka says the operation may succeed when tried again, for {@link #classify} (which has
   * unwrapped {@code e}); callers ask the type of its result ({@code instanceof
   * RetriableException}).
   */
  private static boolean isRetriable(Throwable e) {
    return e instanceof org.apache.kafka.common.errors.RetriableException
        || e instanceof java.util.concurrent.TimeoutException;
  }

  /**
   * {@code error} as a Shardline error whose message starts with {@code what} (what failed, on
   * which servers, topic or partition) and ends with the Kafka error.
   */
  public static ShardlineException classify(String what, Throwable error) {
    Throwable e = Futures.unwrap(error);
    if (e instanceof ShardlineException shardline) {
      return shardline;
    }
    if (e instanceof InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return new dev.shardline.retry.InterruptException(what + ": interrupted", interrupted);
    }
    if (e instanceof InterruptException) {
      // Kafka's InterruptException has set the thread's interrupt flag already
      return new dev.shardline.retry.InterruptException(what + ": interrupted");
    }
    String message = what + ": " + describe(e);
    if (e instanceof AuthenticationException || e instanceof AuthorizationException) {
      // the cluster refused who we are or what we may do: no retry or restart changes that
      return new UnrecoverableException(
          message
              + ". Check the security settings passed in properties (security.protocol, sasl.*,"
              + " ssl.*) and the ACLs of that principal on the cluster",
          e);
    }
    return isRetriable(e) ? new RetriableException(message, e) : new ShardlineException(message, e);
  }

  /** The error's simple class name and message. */
  public static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }
}
