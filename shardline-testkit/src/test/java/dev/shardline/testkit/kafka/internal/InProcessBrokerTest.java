package dev.shardline.testkit.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.internal.Await;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kafka.server.Server;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JVM-exit guard and the bounded shutdown of in-process brokers, with a hand-written stand-in
 * for Kafka's server (no broker runs).
 */
class InProcessBrokerTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @BeforeEach
  @AfterEach
  void noBrokerIsLive() {
    assertThat(InProcessBroker.liveCount()).isZero();
    assertThat(exitProceduresAreKafkasDefaults()).isTrue();
  }

  @Test
  void aBrokerThatAskedToHaltTheJvmFromItsOwnThreadIsNoLongerAlive() throws Exception {
    // Given a running broker
    InProcessBroker broker = InProcessBroker.start(FakeServer::new, "127.0.0.1:1", LONG);
    assertThat(exitProceduresAreKafkasDefaults()).as("guarded").isFalse();
    assertThat(broker.isAlive()).isTrue();

    // When one of its threads hits a fatal fault, and Kafka's fault handler halts the JVM
    CompletableFuture<Void> faultHandler =
        CompletableFuture.runAsync(() -> Exit.halt(1, "caught exception"));

    // Then the JVM lives on, the halt ends that thread with an error, and the broker says it is
    // gone (it used to say it was alive)
    assertThat(faultHandler)
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(IllegalStateException.class)
        .withMessageContaining("tried to halt the JVM with status 1 (caught exception)");
    assertThat(broker.isAlive()).isFalse();
    assertThat(broker.diagnostics()).contains("127.0.0.1:1", "tried to halt the JVM");

    broker.stop();
  }

  @Test
  void aBrokerThatHaltsWhileStartingIsBlamedAloneAndReportedAsAStartFailure() {
    // Given a healthy broker, and a second one whose start hits a fatal fault
    InProcessBroker healthy = InProcessBroker.start(FakeServer::new, "127.0.0.1:1", LONG);
    FakeServer faulty = new FakeServer();
    faulty.onStartup = () -> Exit.halt(1);

    // When / Then the start fails, naming the halt, and the faulty server was shut down
    assertThatThrownBy(() -> InProcessBroker.start(() -> faulty, "127.0.0.1:2", LONG))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("127.0.0.1:2")
        .hasMessageContaining("tried to halt the JVM");
    assertThat(faulty.shutDown.getCount()).isZero();
    // And the healthy broker is not blamed for it
    assertThat(healthy.isAlive()).isTrue();

    healthy.stop();
  }

  @Test
  void exitProceduresAreKafkasOwnAgainWhenTheLastInProcessBrokerHasShutDown() {
    // Given two live brokers
    InProcessBroker first = InProcessBroker.start(FakeServer::new, "127.0.0.1:1", LONG);
    InProcessBroker second = InProcessBroker.start(FakeServer::new, "127.0.0.1:2", LONG);

    // When the first stops, the JVM's exit is still guarded for the second
    first.stop();
    assertThat(exitProceduresAreKafkasDefaults()).isFalse();

    // Then once the last stops, other code using Kafka's Exit gets Kafka's own procedures back
    second.stop();
    assertThat(InProcessBroker.liveCount()).isZero();
    assertThat(exitProceduresAreKafkasDefaults()).isTrue();
  }

  @Test
  void aShutdownThatHangsIsReportedAfterTheTimeoutInsteadOfHangingTheCaller() {
    // Given a broker whose shutdown never ends (until the test lets it)
    CountDownLatch release = new CountDownLatch(1);
    FakeServer stuck = new FakeServer();
    stuck.onAwaitShutdown = () -> awaitQuietly(release);
    InProcessBroker broker =
        InProcessBroker.start(() -> stuck, "127.0.0.1:3", Duration.ofMillis(200));

    // When it is stopped, the caller gets an error that shows where the shutdown is stuck
    long started = System.nanoTime();
    assertThatThrownBy(broker::stop)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not shut down within 200 ms")
        .hasMessageContaining("LEFT IT RUNNING")
        .cause()
        .satisfies(
            where ->
                assertThat(where.getStackTrace())
                    .anyMatch(frame -> frame.getMethodName().contains("awaitQuietly")));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(broker.isAlive()).isFalse();
    // And the leaked broker keeps the JVM's exit guarded while its threads run
    assertThat(exitProceduresAreKafkasDefaults()).isFalse();

    // When its shutdown ends after all, the guard goes
    release.countDown();
    Await.until(
        "the late shutdown to end",
        Duration.ofSeconds(10),
        Duration.ofMillis(10),
        () -> InProcessBroker.liveCount() == 0);
    assertThat(exitProceduresAreKafkasDefaults()).isTrue();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether Kafka's Exit calls System.exit / Runtime.halt again (read, never called). */
  private static boolean exitProceduresAreKafkasDefaults() {
    return field("exitProcedure") == field("DEFAULT_EXIT_PROCEDURE")
        && field("haltProcedure") == field("DEFAULT_HALT_PROCEDURE");
  }

  private static Object field(String name) {
    try {
      Field field = Exit.class.getDeclaredField(name);
      field.setAccessible(true);
      return field.get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("Kafka's Exit has no field " + name + " any more", e);
    }
  }

  /** Kafka's server, reduced to its lifecycle. */
  private static final class FakeServer implements Server {
    Runnable onStartup = () -> {};
    Runnable onAwaitShutdown = () -> {};
    final CountDownLatch shutDown = new CountDownLatch(1);

    @Override
    public void startup() {
      onStartup.run();
    }

    @Override
    public void shutdown() {
      shutDown.countDown();
    }

    @Override
    public void awaitShutdown() {
      onAwaitShutdown.run();
    }
  }
}
