package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
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
        Duration.ofSeconds(30),
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

  /** Every server a test started, closed after it also when it failed: no sleep left running. */
  private final List<ServerProcess> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    servers.forEach(ServerProcess::close);
  }

  private ServerProcess start(String script) {
    ServerProcess server = ServerProcess.start("sh-server", new ProcessBuilder("sh", "-c", script));
    servers.add(server);
    return server;
  }

  private static void awaitLog(ServerProcess server, String text) {
    Await.until(
        "the server to print " + text,
        Duration.ofSeconds(30),
        Duration.ofMillis(10),
        () -> server.logTail(5).contains(text));
  }
}
