package dev.shardline.testkit.kafka.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.Server;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft broker running inside this JVM ({@code kafka.server.KafkaRaftServer}). Thread-safe.
 *
 * <p>The first start replaces Kafka's exit and halt procedures ({@link Exit}) in this JVM, for
 * good: a fatal fault in a broker (a class that cannot be loaded, a corrupt log) makes Kafka halt
 * the process, which here would be the test JVM. The replacement logs and throws instead, so the
 * fault surfaces as an exception in the broker's start or in its threads.
 */
public final class InProcessBroker implements RunningBroker {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessBroker.class);
  private static final AtomicBoolean EXIT_GUARD = new AtomicBoolean();

  private final Server server;
  private boolean alive = true;

  private InProcessBroker(Server server) {
    this.server = server;
  }

  /**
   * Starts a broker with the given configuration, whose log directory is formatted. Returns once
   * its listeners are bound and it has started.
   *
   * @throws BrokerStartException when it fails to start; it has been shut down by then
   */
  public static InProcessBroker start(BrokerConfig config) {
    guardJvmExit();
    Server server = newServer(config.properties());
    try {
      server.startup();
    } catch (RuntimeException e) {
      shutDownQuietly(server, e);
      throw new BrokerStartException(
          "The in-process Kafka broker on " + config.bootstrapServers() + " failed to start: " + e,
          e,
          isBindFailure(e));
    }
    return new InProcessBroker(server);
  }

  private static void guardJvmExit() {
    if (EXIT_GUARD.compareAndSet(false, true)) {
      Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
      Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
    }
  }

  private static void refuse(String action, int status, String message) {
    String error =
        "An in-process Kafka broker tried to "
            + action
            + " the JVM with status "
            + status
            + (message == null ? "" : " (" + message + ")")
            + " after a fatal error; LocalKafka kept the test JVM alive. The error is logged just"
            + " before this by Kafka's ProcessTerminatingFaultHandler (\"Encountered fatal fault\");"
            + " in child-JVM mode it is in the exception. A running broker is broken after this:"
            + " close it";
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

  private static void shutDownQuietly(Server server, Throwable failure) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public synchronized boolean isAlive() {
    return alive;
  }

  @Override
  public boolean failedToBind() {
    return false;
  }

  @Override
  public String diagnostics() {
    return "";
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.empty();
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.empty();
  }

  @Override
  public synchronized void stop() {
    if (!alive) {
      return;
    }
    alive = false;
    server.shutdown();
    server.awaitShutdown();
  }

  @Override
  public void kill() {
    throw new UnsupportedOperationException(
        "An in-process Kafka broker cannot be killed without killing the test JVM: use stop(),"
            + " or start LocalKafka in child-JVM mode (LocalKafka.builder().childJvm())");
  }
}
