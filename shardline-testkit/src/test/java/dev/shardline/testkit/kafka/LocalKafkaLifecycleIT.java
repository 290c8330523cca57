package dev.shardline.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.internal.Loopback;
import dev.shardline.testkit.kafka.internal.ChildBrokerMain;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocalKafkaLifecycleIT {

  @ParameterizedTest
  @EnumSource(LocalKafka.Mode.class)
  void closeFreesThePortsDeletesTheDataAndLeavesNoProcess(LocalKafka.Mode mode) {
    // Given
    LocalKafka kafka = LocalKafka.builder().mode(mode).start();
    int port = kafka.port();
    int controllerPort = kafka.controllerPort();
    Path dataDir = kafka.dataDir();
    Optional<Path> log = kafka.logFile();
    try {
      kafka.createTopic("some-data", 1);
      Records.produceNumbered(kafka, "some-data", 10, 1);
      assertThat(dataDir).isDirectory();
      assertThat(kafkaChildProcesses()).hasSize(mode == LocalKafka.Mode.CHILD_JVM ? 1 : 0);
      assertThat(log.isPresent()).isEqualTo(mode == LocalKafka.Mode.CHILD_JVM);
      log.ifPresent(file -> assertThat(file).exists());
    } catch (RuntimeException | Error e) {
      kafka.close(); // no broker left running for the rest of the suite
      throw e;
    }

    // When
    kafka.close();

    // Then
    assertThat(kafka.isRunning()).isFalse();
    assertThat(canBind(port)).as("port %d free", port).isTrue();
    assertThat(canBind(controllerPort)).as("controller port %d free", controllerPort).isTrue();
    assertThat(dataDir).doesNotExist();
    assertThat(kafkaChildProcesses()).isEmpty();
    log.ifPresent(
        file -> assertThat(file).as("the log of a broker that did not fail").doesNotExist());
    assertThatThrownBy(kafka::start).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @EnumSource(LocalKafka.Mode.class)
  void startRetriesOnNewPortsWhenAPortIsTaken(LocalKafka.Mode mode) throws IOException {
    // Given a port that another server holds, handed out first
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Loopback.IPV4, 0));
      AtomicBoolean first = new AtomicBoolean(true);
      LocalKafka.Builder builder =
          LocalKafka.builder()
              .mode(mode)
              .portPicker(() -> first.getAndSet(false) ? taken.getLocalPort() : FreePorts.pick());

      // When
      try (LocalKafka kafka = builder.start()) {

        // Then
        assertThat(kafka.port()).isNotEqualTo(taken.getLocalPort());
        assertThat(kafka.controllerPort()).isNotEqualTo(taken.getLocalPort());
        kafka.createTopic("after-retry", 1);
        Records.produceNumbered(kafka, "after-retry", 1, 1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(LocalKafka.Mode.class)
  void invalidBrokerPropertyFailsTheStartNamingTheProperty(LocalKafka.Mode mode) {
    // Given
    LocalKafka.Builder builder =
        LocalKafka.builder().mode(mode).brokerProperty("num.io.threads", "many-" + mode);

    // When / Then
    assertThatThrownBy(builder::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("num.io.threads");
    assertThat(kafkaChildProcesses()).isEmpty();
    assertThat(dataDirsConfiguredWith("many-" + mode)).isEmpty();
  }

  @Test
  void childJvmBrokerThatFailsWhileStartingIsReportedWithItsLog() throws IOException {
    // Given a configuration that passes validation but fails when the broker starts
    String missingClass = "com.example.MissingAuthorizerForChild";
    LocalKafka.Builder builder =
        LocalKafka.builder().childJvm().brokerProperty("authorizer.class.name", missingClass);

    // When / Then
    Throwable failure = catchThrowable(builder::start);
    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited before it was ready")
        .hasMessageContaining("broker log")
        .hasMessageContaining(missingClass);
    assertThat(kafkaChildProcesses()).isEmpty();
    assertThat(dataDirsConfiguredWith(missingClass)).isEmpty();
    // And the log the message names is kept for diagnosis (a stopped broker's is deleted)
    Matcher named = Pattern.compile("broker log (\\S+), last lines").matcher(failure.getMessage());
    assertThat(named.find()).as(failure.getMessage()).isTrue();
    Path log = Path.of(named.group(1));
    assertThat(log).content().contains(missingClass);
    Files.delete(log);
  }

  @Test
  void inProcessBrokerThatFailsWhileStartingCannotHaltTheTestJvm() {
    // Given a configuration on which Kafka halts the JVM ("fatal fault") while starting
    String missingClass = "com.example.MissingAuthorizerInProcess";
    LocalKafka.Builder builder =
        LocalKafka.builder().inProcess().brokerProperty("authorizer.class.name", missingClass);

    // When / Then: this JVM is still here to check it
    assertThatThrownBy(builder::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tried to halt the JVM");
    assertThat(dataDirsConfiguredWith(missingClass)).isEmpty();
    try (LocalKafka kafka = LocalKafka.builder().inProcess().start()) {
      kafka.createTopic("after-a-failed-start", 1);
    }
  }

  @Test
  void childJvmThatIsNotReadyInTimeIsStopped() {
    // Given
    LocalKafka.Builder builder =
        LocalKafka.builder()
            .childJvm()
            .startTimeout(Duration.ofMillis(1))
            .brokerProperty("broker.rack", "too-slow");

    // When / Then
    assertThatThrownBy(builder::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Timed out")
        .hasMessageContaining("broker log");
    assertThat(kafkaChildProcesses()).isEmpty();
    assertThat(dataDirsConfiguredWith("too-slow")).isEmpty();
  }

  @Test
  void inProcessBrokerRestartsOnTheSamePortsWithItsData() {
    try (LocalKafka kafka = LocalKafka.builder().inProcess().start()) {
      // Given
      kafka.createTopic("kept", 2);
      Records.produceNumbered(kafka, "kept", 100, 2);
      String bootstrap = kafka.bootstrapServers();

      // When
      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      assertThatThrownBy(() -> kafka.createTopic("while-down", 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not running");
      kafka.start();

      // Then
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      Map<Integer, List<String>> consumed = Records.consumeInGroup(kafka, "kept", "kept-group", 2);
      assertThat(consumed.get(0)).containsExactlyElementsOf(Records.expectedInPartition(100, 2, 0));
      assertThat(consumed.get(1)).containsExactlyElementsOf(Records.expectedInPartition(100, 2, 1));
    }
  }

  @Test
  void inProcessBrokerThatHitAFatalFaultIsNotRunningAndStartsAgainOnItsPorts() {
    try (LocalKafka kafka = LocalKafka.builder().inProcess().start()) {
      // Given a running broker with data
      kafka.createTopic("before-the-fault", 1);
      Records.produceNumbered(kafka, "before-the-fault", 10, 1);
      String bootstrap = kafka.bootstrapServers();

      // When one of its threads hits a fatal fault, and Kafka's fault handler halts the JVM
      CompletableFuture<Void> faultHandler =
          CompletableFuture.runAsync(() -> Exit.halt(1, "simulated fatal fault"));

      // Then the JVM lives on, and LocalKafka says the broker is gone (it used to say running)
      assertThat(faultHandler)
          .failsWithin(10, TimeUnit.SECONDS)
          .withThrowableThat()
          .withMessageContaining("tried to halt the JVM");
      assertThat(kafka.isRunning()).isFalse();

      // And start() releases the failed broker and brings a fresh one up on the same ports
      kafka.start();
      assertThat(kafka.isRunning()).isTrue();
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(Records.consumeInGroup(kafka, "before-the-fault", "after-the-fault", 1).get(0))
          .hasSize(10);
    }
  }

  @Test
  void inProcessBrokerCannotBeKilled() {
    try (LocalKafka kafka = LocalKafka.builder().inProcess().start()) {
      assertThatThrownBy(kafka::kill)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("childJvm()");
      assertThat(kafka.isRunning()).isTrue();
    }
  }

  /** Broker JVMs this JVM started that are still alive. */
  private static List<ProcessHandle> kafkaChildProcesses() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(
                        arguments ->
                            Arrays.asList(arguments).contains(ChildBrokerMain.class.getName()))
                    .orElse(false))
        .collect(Collectors.toList());
  }

  /**
   * LocalKafka directories left in the temp directory whose broker config mentions {@code text}.
   */
  private static List<Path> dataDirsConfiguredWith(String text) {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> dirs = Files.list(tmp)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("shardline-kafka-"))
          .filter(Files::isDirectory)
          .filter(
              d -> {
                try {
                  return Files.readString(d.resolve("server.properties"), StandardCharsets.UTF_8)
                      .contains(text);
                } catch (IOException e) {
                  return false;
                }
              })
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // As any server would: connections the broker closed may linger in TIME_WAIT on its port.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(Loopback.IPV4, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
