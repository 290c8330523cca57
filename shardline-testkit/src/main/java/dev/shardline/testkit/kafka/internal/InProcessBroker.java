package dev.shardline.testkit.kafka.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import kafka.server.Server;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft broker running inside this JVM ({@code kafka.server.KafkaRaftServer}). Thread-safe.
 *
 * <p><b>Kafka's exit procedures.</b> A fatal fault in a broker (a class that cannot be loaded, a
 * corrupt log) makes Kafka halt the process through {@link Exit}, which here would be the test JVM.
 * While at least one in-process broker is live (starting, running, or stopping), this class
 * replaces Kafka's exit and halt procedures with one that logs, marks the broker failed ({@link
 * #isAlive()} false, the fault in {@link #diagnostics()}) and throws, so the fault surfaces as an
 * exception in the broker's start or in its threads, and {@code LocalKafka.isRunning()} says the
 * broker is gone. {@link Exit} does not say which broker asked: a request from a thread starting or
 * stopping a broker marks that broker; one from any other thread (a broker's own threads) marks
 * every live in-process broker. When the last in-process broker has shut down, the procedures that
 * were in place before the first (Kafka's defaults, unless other code set its own) are put back, so
 * other code in the JVM that uses {@link Exit} is left alone.
 *
 * <p><b>Shutdown</b> runs on a helper thread and is waited for {@link #SHUTDOWN_TIMEOUT} at most. A
 * broker that does not shut down in time is reported with an exception carrying the stack of the
 * stuck shutdown and left behind (its threads keep running, and the exit procedures stay replaced
 * while they do), rather than hanging the test run.
 */
public final class InProcessBroker implements RunningBroker {
  /** How long {@link #stop()} waits for Kafka's shutdown. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(InProcessBroker.class);

  /** Brokers whose threads may call {@link Exit}: from before their start until shut down. */
  private static final Set<InProcessBroker> LIVE = new LinkedHashSet<>();

  /** What {@link Exit} did before the first live broker, put back after the last (LIVE's lock). */
  private static Exit.Procedure savedExit;

  private static Exit.Procedure savedHalt;

  /** The broker the current thread is starting or stopping, to blame for an exit request. */
  private static final ThreadLocal<InProcessBroker> CURRENT = new ThreadLocal<>();

  private final String name;
  private final Duration shutdownTimeout;
  private volatile Server server;
  private volatile String failure;
  private boolean stopped; // guarded by this

  private InProcessBroker(String name, Duration shutdownTimeout) {
    this.name = name;
    this.shutdownTimeout = shutdownTimeout;
  }

  /**
   * Starts a broker with the given configuration, whose log directory is formatted. Returns once
   * its listeners are bound and it has started.
   *
   * @throws BrokerStartException when it fails to start; it has been shut down by then
   */
  public static InProcessBroker start(BrokerConfig config) {
    return start(() -> newServer(config.properties()), config.bootstrapServers(), SHUTDOWN_TIMEOUT);
  }

  /**
   * Starts the server {@code factory} makes, guarding the JVM's exit from before it is made.
   *
   * @param name what the broker is called in messages (its bootstrap servers)
   */
  static InProcessBroker start(Supplier<Server> factory, String name, Duration shutdownTimeout) {
    InProcessBroker broker = new InProcessBroker(name, shutdownTimeout);
    register(broker);
    CURRENT.set(broker);
    try {
      broker.server = factory.get();
      broker.server.startup();
      return broker;
    } catch (RuntimeException e) {
      try {
        broker.stop();
      } catch (RuntimeException stopFailure) {
        e.addSuppressed(stopFailure);
      }
      if (e instanceof BrokerStartException) {
        throw e;
      }
      throw new BrokerStartException(
          "The in-process Kafka broker on " + name + " failed to start: " + e, e, isBindFailure(e));
    } finally {
      CURRENT.remove();
    }
  }

  private static void register(InProcessBroker broker) {
    synchronized (LIVE) {
      if (LIVE.isEmpty()) {
        savedExit = current("exitProcedure", (status, message) -> System.exit(status));
        savedHalt =
            current("haltProcedure", (status, message) -> Runtime.getRuntime().halt(status));
        Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
        Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
      }
      LIVE.add(broker);
    }
  }

  private static void unregister(InProcessBroker broker) {
    synchronized (LIVE) {
      if (LIVE.remove(broker) && LIVE.isEmpty()) {
        // Not Exit.resetExitProcedure(): since Kafka 4 that installs a procedure that throws.
        Exit.setExitProcedure(savedExit);
        Exit.setHaltProcedure(savedHalt);
      }
    }
  }

  /**
   * The procedure {@link Exit} has now, to put back later. {@link Exit} has no getter: read its
   * field; if that fails (a Kafka without it, or Kafka on the module path), Kafka's default.
   */
  private static Exit.Procedure current(String field, Exit.Procedure kafkasDefault) {
    try {
      Field procedure = Exit.class.getDeclaredField(field);
      procedure.setAccessible(true);
      Object value = procedure.get(null);
      if (value instanceof Exit.Procedure) {
        return (Exit.Procedure) value;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Cannot read Kafka's Exit.{}; Kafka's default goes back after the brokers", field);
    }
    return kafkasDefault;
  }

  /** How many in-process brokers are live (started and not yet shut down), for tests. */
  static int liveCount() {
    synchronized (LIVE) {
      return LIVE.size();
    }
  }

  private static void refuse(String action, int status, String message) {
    InProcessBroker current = CURRENT.get();
    List<InProcessBroker> blamed;
    synchronized (LIVE) {
      blamed = current != null ? List.of(current) : List.copyOf(LIVE);
    }
    String error =
        "An in-process Kafka broker ("
            + (blamed.size() == 1
                ? blamed.get(0).name
                : "one of " + blamed.stream().map(b -> b.name).toList())
            + ") tried to "
            + action
            + " the JVM with status "
            + status
            + (message == null ? "" : " (" + message + ")")
            + " after a fatal error; LocalKafka kept the test JVM alive and marked the broker"
            + (blamed.size() == 1 ? "" : "s")
            + " failed (isRunning() is false): close it. The error is logged just before this by"
            + " Kafka's ProcessTerminatingFaultHandler (\"Encountered fatal fault\"); in child-JVM"
            + " mode it is in the exception";
    blamed.forEach(broker -> broker.failure = error);
    LOG.error(error);
    throw new IllegalStateException(error);
  }

  private static Server newServer(Properties properties) {
    // KafkaConfig extends a class of kafka-server, which kafka_2.13 only has at runtime: going
    // through reflection for these two calls keeps the testkit's compile classpath (and its POM)
    // to kafka_2.13 and kafka-clients. Everything after is the public Server interface.
    try {
      Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
      Object kafkaConfig =
          configClass.getMethod("fromProps", Properties.class).invoke(null, properties);
      Constructor<?> constructor =
          Class.forName("kafka.server.KafkaRaftServer").getConstructor(configClass, Time.class);
      return (Server) constructor.newInstance(kafkaConfig, Time.SYSTEM);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new BrokerStartException(
          "Invalid Kafka broker configuration: " + cause.getMessage(), cause, false);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "kafka_2.13 on the classpath does not have the KafkaRaftServer API this testkit was"
              + " built against (Kafka 4.3): "
              + e,
          e);
    }
  }

  static boolean isBindFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof BindException
          || message.contains("address already in use")
          || message.contains("failed to bind")) {
        return true;
      }
    }
    return false;
  }

  /** False once the broker is stopped, or hit a fatal fault (it asked Kafka to end the JVM). */
  @Override
  public synchronized boolean isAlive() {
    return !stopped && failure == null;
  }

  @Override
  public boolean failedToBind() {
    return false;
  }

  /** The fatal fault the broker hit, or "". */
  @Override
  public String diagnostics() {
    String fault = failure;
    return fault == null ? "" : fault;
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.empty();
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.empty();
  }

  /**
   * Shuts the broker down and waits for it, at most {@link #SHUTDOWN_TIMEOUT}. Idempotent.
   *
   * @throws IllegalStateException if the shutdown fails, or does not end in time (the broker's
   *     threads are then left running; the exception carries the stack of the stuck shutdown)
   */
  @Override
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    Server running = server;
    if (running == null) {
      unregister(this); // it was never made
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread shutdown =
        new Thread(
            () -> {
              CURRENT.set(this);
              Throwable failed = null;
              try {
                running.shutdown();
                running.awaitShutdown();
              } catch (Throwable e) {
                failed = e;
              } finally {
                CURRENT.remove();
                // Only now: a broker whose shutdown never ends keeps the JVM's exit guarded.
                unregister(this);
              }
              if (failed == null) {
                done.complete(null);
              } else {
                done.completeExceptionally(failed);
              }
            },
            "local-kafka-shutdown-" + name);
    shutdown.setDaemon(true);
    shutdown.start();
    awaitShutdown(done, shutdown);
  }

  private void awaitShutdown(CompletableFuture<Void> done, Thread shutdown) {
    try {
      done.get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "The in-process Kafka broker on " + name + " failed to shut down: " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      IllegalStateException stuck = new IllegalStateException("The shutdown is stuck here");
      stuck.setStackTrace(shutdown.getStackTrace());
      String message =
          "The in-process Kafka broker on "
              + name
              + " did not shut down within "
              + shutdownTimeout.toMillis()
              + " ms; LocalKafka stopped waiting and LEFT IT RUNNING in this JVM (its threads, and"
              + " possibly its ports, are leaked until the JVM exits). The cause shows where the"
              + " shutdown is stuck. If this repeats, run the broker in a child JVM"
              + " (LocalKafka.builder().childJvm()), which is killed when it does not stop";
      LOG.error(message, stuck);
      throw new IllegalStateException(message, stuck);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for the in-process Kafka broker on "
              + name
              + " to shut down; it goes on shutting down in the background",
          e);
    }
  }

  @Override
  public void kill() {
    throw new UnsupportedOperationException(
        "An in-process Kafka broker cannot be killed without killing the test JVM: use stop(),"
            + " or start LocalKafka in child-JVM mode (LocalKafka.builder().childJvm())");
  }

  @Override
  public String toString() {
    return "in-process Kafka broker on " + name;
  }
}
