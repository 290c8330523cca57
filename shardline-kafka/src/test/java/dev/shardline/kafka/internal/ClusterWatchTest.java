package dev.shardline.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.ManualTime;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.InterruptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ClusterWatchTest {
  private final ManualTime time = new ManualTime();
  private final AtomicReference<Throwable> probeAnswer =
      new AtomicReference<>(new ConnectException("Connection refused"));
  private final AtomicInteger probes = new AtomicInteger();

  private ClusterWatch watch(String threadName) {
    return new ClusterWatch(
        "127.0.0.1:9092",
        Duration.ofSeconds(30),
        "unreachableTimeout",
        () -> {
          probes.incrementAndGet();
          return probeAnswer.get();
        },
        time,
        threadName);
  }

  @Test
  void aClusterThatDoesNotAnswerIsProbedAfterTwoSecondsAndFailsTheClientAfterTheLimit() {
    ClusterWatch watch = watch(null);
    assertThat(watch.check(true)).isNull();
    time.advance(Duration.ofMillis(1_999));
    assertThat(watch.check(true)).isNull();
    assertThat(probes).hasValue(0);

    time.advance(Duration.ofMillis(1));
    assertThat(watch.check(true)).isNull(); // the WARN: Cannot reach Kafka at ...
    assertThat(watch.inOutage()).isTrue();
    time.advance(Duration.ofMillis(500));
    assertThat(watch.check(true)).isNull();
    assertThat(probes).as("at most one probe a second").hasValue(1);
    time.advance(Duration.ofMillis(29_500));

    ServerUnreachableException failure = watch.check(true);

    assertThat(failure)
        .isNotNull()
        .isNotInstanceOf(UnrecoverableException.class)
        .hasMessageStartingWith("Cannot reach Kafka at 127.0.0.1:9092: no answer for 30s")
        .hasMessageContaining("connection refused")
        .hasMessageContaining("bootstrapServers")
        .hasMessageContaining("option unreachableTimeout (now 30s)");
    assertThatThrownBy(watch::throwIfFailed).isSameAs(failure);
    assertThatThrownBy(() -> watch.call(() -> "not called")).isSameAs(failure);
  }

  @Test
  void anAnswerEndsTheOutageAndASlowButReachableClusterIsLeftToTheClient() {
    ClusterWatch watch = watch(null);
    time.advance(Duration.ofSeconds(2));
    watch.check(true);
    assertThat(watch.inOutage()).isTrue();
    time.advance(Duration.ofSeconds(20));
    watch.answered(); // the INFO: answers again

    assertThat(watch.inOutage()).isFalse();
    probeAnswer.set(null);
    time.advance(Duration.ofSeconds(60));
    assertThat(watch.check(true)).isNull();
    assertThat(watch.inOutage()).as("reachable, only slow").isFalse();
  }

  @Test
  void nothingWaitingIsNoOutage() {
    ClusterWatch watch = watch(null);
    time.advance(Duration.ofMinutes(5));
    assertThat(watch.check(false)).isNull();
    time.advance(Duration.ofSeconds(1));
    assertThat(watch.check(true)).isNull();
    assertThat(probes).hasValue(0);
  }

  @Test
  void aPortThatOpensButDoesNotServeKeepsTheOutageGoing() {
    ClusterWatch watch = watch(null);
    time.advance(Duration.ofSeconds(2));
    watch.check(true);
    probeAnswer.set(null); // the broker's port accepts again, but no Kafka answer comes
    time.advance(Duration.ofSeconds(30));

    assertThat(watch.check(true))
        .isNotNull()
        .hasMessageContaining("the brokers accept connections but have not answered since");
  }

  @Test
  @Timeout(20)
  void aCallBlockedWhenTheLimitPassesIsInterruptedAndFailsWithTheWatchsError() throws Exception {
    ClusterWatch watch = watch(null);
    CountDownLatch blocking = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                watch.run(
                    () -> {
                      blocking.countDown();
                      try {
                        Thread.sleep(60_000); // as producer.flush() blocks
                      } catch (InterruptedException e) {
                        throw new InterruptException(e);
                      }
                    });
              } catch (RuntimeException e) {
                thrown.set(e);
              }
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    writer.start();
    blocking.await(10, TimeUnit.SECONDS);
    time.advance(Duration.ofSeconds(2));
    watch.check(true);
    time.advance(Duration.ofSeconds(30));

    watch.check(true);
    writer.join(10_000);

    assertThat(thrown.get())
        .isInstanceOf(ServerUnreachableException.class)
        .hasMessageStartingWith("Cannot reach Kafka at 127.0.0.1:9092");
    assertThat(interruptedAfter.get()).as("interrupt flag left set").isFalse();
  }

  @Test
  @Timeout(20)
  void theOwnThreadWatchesSendsInFlightWithoutAnyCallOfTheClient() throws Exception {
    ClusterWatch watch =
        new ClusterWatch(
            "127.0.0.1:9092",
            Duration.ofMillis(300),
            "unreachableTimeout",
            () -> new ConnectException("Connection refused"),
            dev.shardline.time.Time.SYSTEM,
            "watch-test");
    try {
      watch.requested(); // a record sent, never acknowledged
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!watch.failed() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(watch.failed()).isTrue();
    } finally {
      watch.close();
    }
  }

  @Test
  void theTcpProbeTellsAnOpenPortFromAClosedOne() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
      assertThat(ClusterProbe.tcp("127.0.0.1:" + closed).unreachableCause()).isNull();
      assertThat(
              ClusterProbe.tcp("127.0.0.1:" + closed + ", no-such-host.invalid:9092")
                  .unreachableCause())
          .isNull();
    }
    assertThat(ClusterProbe.tcp("127.0.0.1:" + closed).unreachableCause())
        .isInstanceOf(ConnectException.class);
    assertThat(ClusterProbe.tcp("no-such-host.invalid:9092").unreachableCause())
        .hasMessageContaining("unknown host no-such-host.invalid");
  }
}
