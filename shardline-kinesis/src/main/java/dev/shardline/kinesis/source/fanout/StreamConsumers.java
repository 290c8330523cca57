package dev.shardline.kinesis.source.fanout;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ConsumerLifecycle;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.retry.Backoff;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import dev.shardline.util.Futures;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The enhanced fan-out stream consumer of a source, one per stream (the same name on each), through
 * a {@link KinesisProxy}, asynchronously: {@link #activeConsumerArn} gets the ARN of an ACTIVE
 * consumer (registering it first when the pipeline manages it and this is the enumerator's
 * instance), {@link #deregister} removes a managed one. Nothing here blocks a thread; waits are
 * scheduled.
 *
 * <p>Which consumer, from the options: {@code reader.fanOut.consumerArn} (the user's, one stream),
 * else {@code reader.fanOut.consumerName} on each stream, owned as {@code
 * reader.fanOut.consumerLifecycle} says. A user's consumer is never registered nor deregistered,
 * and must exist. A managed one is registered by the enumerator ({@link Role#ENUMERATOR}) when
 * missing; readers ({@link Role#READER}) only describe it, and wait while it is not registered yet.
 *
 * <p>Waiting: DescribeStreamConsumer is polled with backoff from {@code retry.backoff.initial} to
 * {@code retry.backoff.max} while the consumer is CREATING (or DELETING, before registering it
 * again), and after {@code LimitExceededException}, {@code ResourceInUseException}, throttling and
 * transient errors, none of which is fatal alone; the wait fails after {@code
 * reader.fanOut.registrationTimeout}, naming the consumer, the stream and that option. A server
 * without fan-out (kinesalite) fails at once with an {@link UnrecoverableException} naming {@code
 * reader.type}.
 *
 * <pre>{@code
 * StreamConsumers consumers = StreamConsumers.create(proxy, config, Role.READER);
 * consumers.activeConsumerArn("orders").thenAccept(arn -> subscribe(arn, shard));
 * }</pre>
 *
 * <p>Thread-safe; futures complete on the proxy's or the delay scheduler's threads. Results are
 * cached per stream (a failed one is not: the next call tries again).
 */
public final class StreamConsumers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamConsumers.class);
  private static final String REGISTER = "RegisterStreamConsumer";

  /** Which side of the source uses the instance. */
  public enum Role {
    /** The enumerator: registers a managed consumer that is missing. */
    ENUMERATOR,
    /** A reader: only describes, and waits for a managed consumer the enumerator registers. */
    READER
  }

  /** Completes a future after a delay; tests pass one that moves a manual clock instead. */
  @FunctionalInterface
  public interface Delay {
    /** Real waiting, on the JDK's delay scheduler. */
    Delay SYSTEM =
        delay -> {
          CompletableFuture<Void> done = new CompletableFuture<>();
          CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, Runnable::run)
              .execute(() -> done.complete(null));
          return done;
        };

    /** A future completing after {@code delay}. */
    CompletableFuture<Void> after(Duration delay);
  }

  private final KinesisProxy proxy;
  private final Role role;
  private final String consumerName;
  private final String consumerArn;
  private final ConsumerLifecycle lifecycle;
  private final Duration timeout;
  private final Backoff backoff;
  private final String region;
  private final Time time;
  private final Delay delay;
  private final Map<String, CompletableFuture<String>> arns = new ConcurrentHashMap<>();
  // the last call of each stream's wait for ACTIVE, which a deregistration lets settle first
  private final Map<String, CompletableFuture<?>> activationCalls = new ConcurrentHashMap<>();
  // the results of the waits not completed yet, which close() completes at once
  private final java.util.Set<CompletableFuture<String>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  // deregistering: waits for ACTIVE stop, so none registers the consumer again afterwards
  private volatile boolean ending;

  StreamConsumers(KinesisProxy proxy, Configuration config, Role role, Time time, Delay delay) {
    this.proxy = checkNotNull(proxy, "proxy");
    this.role = checkNotNull(role, "role");
    this.time = checkNotNull(time, "time");
    this.delay = checkNotNull(delay, "delay");
    this.consumerArn = config.getOptional(KinesisSourceOptions.FAN_OUT_CONSUMER_ARN).orElse(null);
    this.consumerName = config.getOptional(KinesisSourceOptions.FAN_OUT_CONSUMER_NAME).orElse(null);
    if (consumerArn == null && consumerName == null) {
      throw new IllegalArgumentException(
          "fan-out needs reader.fanOut.consumerName or reader.fanOut.consumerArn");
    }
    this.lifecycle = lifecycleOf(config);
    this.timeout = config.get(KinesisSourceOptions.FAN_OUT_REGISTRATION_TIMEOUT);
    this.backoff =
        new Backoff(
            config.get(KinesisSourceOptions.RETRY_BACKOFF_INITIAL),
            2.0,
            config.get(KinesisSourceOptions.RETRY_BACKOFF_MAX),
            0.5);
    this.region = AwsRegion.fromConfiguration(config).describe();
  }

  /**
   * The stream consumers of a source's validated configuration (with {@code reader.type fan-out}),
   * waiting on the system clock.
   */
  public static StreamConsumers create(KinesisProxy proxy, Configuration config, Role role) {
    return new StreamConsumers(proxy, config, role, Time.SYSTEM, Delay.SYSTEM);
  }

  /** The lifecycle in effect: user for a consumer given by ARN, else the option's. */
  public static ConsumerLifecycle lifecycleOf(Configuration config) {
    return config.contains(KinesisSourceOptions.FAN_OUT_CONSUMER_ARN)
        ? ConsumerLifecycle.USER
        : config.get(KinesisSourceOptions.FAN_OUT_CONSUMER_LIFECYCLE);
  }

  /** Whether the pipeline owns the consumers (registers and deregisters them). */
  public boolean managed() {
    return lifecycle == ConsumerLifecycle.MANAGED;
  }

  /**
   * The ARN of the stream's consumer once it is ACTIVE; registered first when missing, if this is
   * the enumerator's instance and the consumer is managed. Fails with an {@link
   * UnrecoverableException} when a user's consumer does not exist or the server has no fan-out,
   * with a {@link ShardlineException} after {@code reader.fanOut.registrationTimeout}.
   */
  public CompletableFuture<String> activeConsumerArn(String stream) {
    checkNotNull(stream, "stream");
    CompletableFuture<String> arn =
        arns.computeIfAbsent(stream, s -> new Wait(s, Goal.ACTIVE).start());
    arn.whenComplete(
        (ok, error) -> {
          if (error != null) {
            arns.remove(stream, arn);
          }
        });
    return arn;
  }

  /**
   * Deregisters the stream's managed consumer (completes at once for a user's). Completes when
   * Kinesis accepted the deregistration (the consumer is DELETING) or the consumer was gone
   * already; fails after {@code reader.fanOut.registrationTimeout} of backing off, or at once on an
   * error no retry fixes. It is the end: this instance's waits for ACTIVE stop (their futures fail
   * with a {@link CancellationException}) after their call in flight, which the deregistration lets
   * settle first, so none registers the consumer again.
   */
  public CompletableFuture<Void> deregister(String stream) {
    checkNotNull(stream, "stream");
    if (!managed()) {
      return CompletableFuture.completedFuture(null);
    }
    ending = true;
    // a RegisterStreamConsumer still in flight would register the consumer after it is looked up
    CompletableFuture<?> inFlight =
        activationCalls.getOrDefault(stream, CompletableFuture.completedFuture(null));
    return inFlight
        .handle((ok, error) -> null)
        .thenCompose(settled -> new Wait(stream, Goal.DEREGISTERED).start())
        .thenApply(arn -> null);
  }

  /**
   * Forgets the stream's cached consumer ARN, which proved stale (SubscribeToShard answered
   * ResourceNotFoundException: the consumer was deleted): the next {@link #activeConsumerArn} looks
   * it up again (and the enumerator's instance registers it again when managed).
   */
  public void forget(String stream) {
    arns.remove(checkNotNull(stream, "stream"));
  }

  /**
   * Stops every wait: pending futures fail at once with a {@link CancellationException} (a call in
   * flight is not cancelled, its answer is ignored).
   */
  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<String> result : pending) {
      result.completeExceptionally(new CancellationException("closed"));
    }
  }

  // ---------------------------------------------------------------- the waits

  private enum Goal {
    ACTIVE,
    DEREGISTERED
  }

  /** One wait for one stream's consumer; its steps run on whichever thread completes the last. */
  private final class Wait {
    final String stream;
    final Goal goal;
    final long deadlineNanos;
    final CompletableFuture<String> result = new CompletableFuture<>();
    String streamArn;
    int retries;
    String lastState = "no answer yet";

    Wait(String stream, Goal goal) {
      this.stream = stream;
      this.goal = goal;
      this.deadlineNanos = time.nanoseconds() + timeout.toNanos();
      pending.add(result);
      result.whenComplete((ok, error) -> pending.remove(result));
      if (closed) {
        result.completeExceptionally(new CancellationException("closed"));
      }
    }

    CompletableFuture<String> start() {
      if (result.isDone()) {
        return result; // closed
      }
      if (consumerArn != null) {
        describe();
      } else {
        call(
            "DescribeStreamSummary",
            proxy.describeStreamSummary(stream),
            summary -> {
              streamArn = summary.streamARN();
              describe();
            },
            this::describeStreamFailed,
            this::start);
      }
      return result;
    }

    void describe() {
      call(
          "DescribeStreamConsumer",
          proxy.describeStreamConsumer(streamArn, consumerName, consumerArn),
          this::described,
          this::describeFailed,
          this::describe);
    }

    void described(ConsumerDescription consumer) {
      ConsumerStatus status = consumer.consumerStatus();
      lastState = "status " + consumer.consumerStatusAsString();
      if (goal == Goal.DEREGISTERED) {
        if (status == ConsumerStatus.DELETING) {
          result.complete(consumer.consumerARN());
        } else {
          deregister(consumer.consumerARN());
        }
        return;
      }
      if (status == ConsumerStatus.ACTIVE) {
        result.complete(consumer.consumerARN());
      } else {
        // CREATING: wait; DELETING: wait until it is gone, then register it again
        later(this::describe);
      }
    }

    void describeFailed(Throwable error) {
      if (!(error instanceof ResourceNotFoundException)) {
        fail(error, "DescribeStreamConsumer");
      } else if (goal == Goal.DEREGISTERED) {
        result.complete(null); // nothing to deregister
      } else if (consumerArn != null) {
        result.completeExceptionally(
            new UnrecoverableException(
                "The stream consumer "
                    + consumerArn
                    + " given by reader.fanOut.consumerArn does not exist at "
                    + region
                    + " ("
                    + KinesisErrors.describeAnswer(error)
                    + "). Register it, or fix reader.fanOut.consumerArn (or give"
                    + " reader.fanOut.consumerName with reader.fanOut.consumerLifecycle managed)",
                error));
      } else if (lifecycle == ConsumerLifecycle.USER) {
        result.completeExceptionally(
            new UnrecoverableException(
                "The stream consumer "
                    + consumerName
                    + " of stream "
                    + stream
                    + " does not exist at "
                    + region
                    + ", and reader.fanOut.consumerLifecycle is user. Register it, or set"
                    + " reader.fanOut.consumerLifecycle managed",
                error));
      } else if (role == Role.ENUMERATOR) {
        lastState = "not registered";
        register();
      } else {
        lastState = "not registered yet (the enumerator registers it)";
        later(this::describe);
      }
    }

    void register() {
      call(
          REGISTER,
          proxy.registerStreamConsumer(streamArn, consumerName),
          consumer -> {
            LOG.info(
                "Registered the stream consumer {} on stream {} ({})",
                consumerName,
                stream,
                consumer.consumerARN());
            lastState = "status " + consumer.consumerStatusAsString();
            if (consumer.consumerStatus() == ConsumerStatus.ACTIVE) {
              result.complete(consumer.consumerARN());
            } else {
              later(this::describe);
            }
          },
          error -> {
            if (error instanceof ResourceInUseException) {
              // registered meanwhile, or still being deleted: see which
              lastState = "RegisterStreamConsumer: " + KinesisErrors.describeAnswer(error);
              describe();
            } else {
              fail(error, REGISTER);
            }
          },
          this::register);
    }

    void deregister(String arn) {
      call(
          "DeregisterStreamConsumer",
          proxy.deregisterStreamConsumer(arn),
          ok -> {
            LOG.info("Deregistered the stream consumer {} of stream {}", arn, stream);
            result.complete(arn);
          },
          error -> {
            if (error instanceof ResourceNotFoundException) {
              result.complete(arn);
            } else {
              fail(error, "DeregisterStreamConsumer");
            }
          },
          () -> deregister(arn));
    }

    void describeStreamFailed(Throwable error) {
      UnrecoverableException unrecoverable =
          KinesisErrors.unrecoverable(
              KinesisErrors.classify(error), "DescribeStreamSummary", stream, region);
      if (unrecoverable != null) {
        result.completeExceptionally(unrecoverable);
      } else {
        fail(error, "DescribeStreamSummary");
      }
    }

    /**
     * Makes a call: its answer goes to {@code answered}; errors that back-off heals ({@code
     * LimitExceededException}, {@code ResourceInUseException}, throttling, transient failures)
     * retry {@code again} later; other errors go to {@code failed}, unwrapped.
     */
    <T> void call(
        String operation,
        CompletableFuture<T> call,
        Consumer<T> answered,
        Consumer<Throwable> failed,
        Runnable again) {
      if (goal == Goal.ACTIVE) {
        activationCalls.put(stream, call);
      }
      call.whenComplete(
          (answer, error) -> {
            if (stopped()) {
              result.completeExceptionally(new CancellationException("stopped"));
            } else if (error == null) {
              answered.accept(answer);
            } else {
              Throwable cause = Futures.unwrap(error);
              if (isUnsupported(cause)) {
                result.completeExceptionally(noFanOut(operation, cause));
              } else if (ServerUnreachableException.findIn(error) != null) {
                result.completeExceptionally(ServerUnreachableException.findIn(error));
              } else if (cause instanceof ResourceInUseException && operation.equals(REGISTER)) {
                failed.accept(cause); // says which: registered meanwhile, or being deleted
              } else if (backsOff(cause)) {
                lastState = operation + ": " + KinesisErrors.describeAnswer(cause);
                later(again);
              } else {
                failed.accept(cause);
              }
            }
          });
    }

    /** Closed, or a wait for ACTIVE while the consumer is being deregistered. */
    boolean stopped() {
      return closed || (goal == Goal.ACTIVE && ending);
    }

    /** Runs {@code next} after the next backoff delay, or fails when that passes the deadline. */
    void later(Runnable next) {
      Duration wait = backoff.delay(retries++);
      if (time.nanoseconds() + wait.toNanos() > deadlineNanos) {
        result.completeExceptionally(timedOut());
        return;
      }
      delay
          .after(wait)
          .whenComplete(
              (ok, error) -> {
                if (stopped()) {
                  result.completeExceptionally(new CancellationException("stopped"));
                } else {
                  next.run();
                }
              });
    }

    ShardlineException timedOut() {
      String what =
          consumerArn != null
              ? "The stream consumer " + consumerArn
              : "The stream consumer " + consumerName + " of stream " + stream;
      return new ShardlineException(
          what
              + (goal == Goal.ACTIVE ? " is not ACTIVE" : " could not be deregistered")
              + " after "
              + KinesisSourceOptions.FAN_OUT_REGISTRATION_TIMEOUT.display(timeout)
              + " (last: "
              + lastState
              + "). Raise reader.fanOut.registrationTimeout, or look at the consumer (aws kinesis"
              + " describe-stream-consumer)");
    }

    void fail(Throwable cause, String operation) {
      String message =
          operation
              + " for the stream consumer "
              + (consumerArn != null ? consumerArn : consumerName + " of stream " + stream)
              + " at "
              + region
              + " failed: "
              + KinesisErrors.describeAnswer(cause);
      // refused credentials, a call the policy does not allow: no restart fixes them
      result.completeExceptionally(
          KinesisErrors.classify(cause) instanceof UnrecoverableException unrecoverable
              ? KinesisErrors.explained(unrecoverable, message)
              : new ShardlineException(message, cause));
    }
  }

  /** Errors that only mean "not now". */
  private static boolean backsOff(Throwable error) {
    // LimitExceededException (throttled) and ResourceInUseException (transient) among them
    return KinesisErrors.classify(error) instanceof RetriableException;
  }

  /** A server that does not know the fan-out calls (kinesalite answers UnknownOperation). */
  private static boolean isUnsupported(Throwable error) {
    if (error instanceof UnsupportedOperationException) {
      return true;
    }
    if (error instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      String code = aws.awsErrorDetails().errorCode();
      return code != null
          && (code.endsWith("UnknownOperationException") || code.equals("InvalidAction"));
    }
    return false;
  }

  private UnrecoverableException noFanOut(String operation, Throwable cause) {
    return new UnrecoverableException(
        "The Kinesis server at "
            + region
            + " does not support enhanced fan-out ("
            + operation
            + ": "
            + KinesisErrors.describeAnswer(cause)
            + "). Set reader.type polling, or use a server with fan-out",
        cause);
  }
}
