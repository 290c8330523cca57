package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** What a server process leaves in the temp directory: nothing, unless it failed. */
@DisabledOnOs(OS.WINDOWS)
class ServerProcessIT {

  @Test
  void theLogOfAServerThatWasStoppedIsDeleted() {
    ServerProcess server = start("echo serving; exec sleep 60");
    Path log = server.logFile();
    awaitLog(server, "serving");

    server.close();

    assertThat(log).doesNotExist();
  }

  @Test
  void theLogOfAServerThatWasKilledOnPurposeIsDeleted() {
    ServerProcess server = start("echo serving; exec sleep 60");
    Path log = server.logFile();

    server.kill();

    assertThat(server.isAlive()).isFalse();
    assertThat(log).doesNotExist();
  }

  @Test
  void theLogOfAServerThatExitedOnItsOwnIsKeptForDiagnosis() throws Exception {
    ServerProcess server = start("echo 'fatal: out of luck'; exit 3");
    Path log = server.logFile();
    Await.until(
        "the server to exit",
        Duration.ofSeconds(10),
        Duration.ofMillis(10),
        () -> !server.isAlive());

    server.close();

    try {
      assertThat(log).exists();
      assertThat(Files.readString(log)).contains("fatal: out of luck");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void theLogOfAServerMarkedFailedIsKeptForDiagnosis() throws Exception {
    ServerProcess server = start("echo 'never ready'; exec sleep 60");
    Path log = server.logFile();
    awaitLog(server, "never ready");

    server.markFailed();
    server.close();

    try {
      assertThat(server.isAlive()).isFalse();
      assertThat(log).exists();
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static ServerProcess start(String script) {
    return ServerProcess.start("sh-server", new ProcessBuilder("sh", "-c", script));
  }

  private static void awaitLog(ServerProcess server, String text) {
    Await.until(
        "the server to print " + text,
        Duration.ofSeconds(10),
        Duration.ofMillis(10),
        () -> server.logTail(5).contains(text));
  }
}
