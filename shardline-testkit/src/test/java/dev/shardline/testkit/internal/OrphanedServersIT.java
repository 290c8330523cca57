package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A test JVM that is killed outright (SIGKILL: no shutdown hook runs) must not leave its servers
 * running: they used to be orphaned, each burning a core or holding up to 512 MiB.
 */
@DisabledOnOs(OS.WINDOWS)
class OrphanedServersIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"kinesis-local", "kinesalite", "kafka-child-jvm"})
  void serversExitSoonAfterTheJvmThatStartedThemIsKilled(String server) throws Exception {
    // Given a JVM that started a server
    Path hostLog = dir.resolve("host.log");
    Process host =
        new ProcessBuilder(JavaCommand.of(ServerHost.class, List.of("-Xmx256m"), server))
            .redirectError(hostLog.toFile())
            .start();
    List<ProcessHandle> started = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); ; line = out.readLine()) {
        assertThat(line).as("the host's output; its log: %s", readQuietly(hostLog)).isNotNull();
        if (line.startsWith("ready")) {
          break;
        }
        if (line.startsWith("log ")) {
          logs.add(Path.of(line.substring("log ".length())));
        }
        if (line.startsWith("server ")) {
          ProcessHandle.of(Long.parseLong(line.substring("server ".length())))
              .ifPresent(started::add);
        }
      }
      assertThat(started)
          .as("the server's processes")
          .isNotEmpty()
          .allMatch(ProcessHandle::isAlive);

      // When that JVM is killed with SIGKILL
      host.destroyForcibly();
      host.waitFor(10, TimeUnit.SECONDS);

      // Then each server process exits by itself within seconds
      Await.until(
          server + " processes " + started + " to exit after their JVM was killed",
          Duration.ofSeconds(30),
          Duration.ofMillis(50),
          () -> started.stream().noneMatch(ProcessHandle::isAlive));
    } finally {
      host.destroyForcibly();
      // whatever the outcome, leave no orphan, and wait for it to be gone: a dying broker JVM
      // would otherwise still count among this JVM's descendants in the next test class
      // (LocalKafkaLifecycleIT counts them)
      for (ProcessHandle process : started) {
        process.destroyForcibly();
        try {
          process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          // reported by the assertion above, or a process that ignores SIGKILL: nothing to do
        }
      }
      for (Path log : logs) {
        Files.deleteIfExists(log); // nobody closed the server that would have deleted it
      }
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Optional.of(Files.readString(file)).orElse("");
    } catch (Exception e) {
      return "(unreadable: " + e + ")";
    }
  }
}
