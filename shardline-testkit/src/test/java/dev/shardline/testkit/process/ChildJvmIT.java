package dev.shardline.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(OS.WINDOWS) // signals
class ChildJvmIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void runsTheMainClassWithArgumentsEnvironmentAndJvmOptions() throws Exception {
    try (ChildProcess child =
        ChildJvm.builder(TinyMain.class)
            .systemProperty("tiny.property", "p1")
            .environment("TINY_ENV", "e1")
            .arguments("echo", "3", "a b", "c")
            .start()) {
      assertThat(child.awaitExit(TIMEOUT)).isEqualTo(3);
      assertThat(child.logLines())
          .contains("arg a b", "arg c", "env e1", "property p1"); // stderr too
      assertThat(child.name()).isEqualTo("TinyMain");
    }
  }

  @Test
  void killEndsTheChildAtOnceWithoutItsShutdownHooks() throws Exception {
    try (ChildProcess child = sleeper("killed")) {
      child.awaitLine("ready"::equals, TIMEOUT);

      child.kill();

      assertThat(child.isAlive()).isFalse();
      assertThat(ProcessHandle.of(child.pid()).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(child.logLines()).doesNotContain("hook ran");
    }
  }

  @Test
  void terminateRunsTheShutdownHooksAndReturnsTheExitCode() throws Exception {
    try (ChildProcess child = sleeper("terminated")) {
      child.awaitLine("ready"::equals, TIMEOUT);

      int exitCode = child.terminate(TIMEOUT);

      assertThat(exitCode).isEqualTo(143); // 128 + SIGTERM
      assertThat(child.logLines()).contains("hook ran"); // the pipes stayed open
    }
  }

  @Test
  void closeKillsAChildAFailedTestLeftRunning() throws Exception {
    ChildProcess[] started = new ChildProcess[1];
    assertThatThrownBy(
            () -> {
              try (ChildProcess child = sleeper("abandoned")) {
                started[0] = child;
                child.awaitLine("ready"::equals, TIMEOUT);
                throw new AssertionError("the test fails here");
              }
            })
        .hasMessage("the test fails here");

    assertThat(started[0].isAlive()).isFalse();
    assertThat(ProcessHandle.of(started[0].pid()).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void aTimedOutWaitNamesWhatItAwaitedAndShowsTheLogTail() throws Exception {
    try (ChildProcess child = sleeper("waited")) {
      child.awaitLine("ready"::equals, TIMEOUT);

      assertThatThrownBy(() -> child.await("a miracle", Duration.ofMillis(200), () -> false))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("Timed out after PT0.2S waiting for a miracle from waited")
          .hasMessageContaining(child.logFile().toString())
          .hasMessageEndingWith("last lines:\nready");
      assertThatThrownBy(() -> child.awaitLine(l -> l.equals("never"), Duration.ofMillis(200)))
          .isInstanceOf(AssertionError.class)
          .hasMessageEndingWith("last lines:\nready");
      assertThatThrownBy(() -> child.awaitExit(Duration.ofMillis(200)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("still running after PT0.2S")
          .hasMessageEndingWith("last lines:\nready");
    }
  }

  @Test
  void aChildThatExitsFailsAWaitAtOnceWithItsStackTrace() throws Exception {
    try (ChildProcess child = ChildJvm.builder(TinyMain.class).arguments("fail").start()) {
      long start = System.nanoTime();

      assertThatThrownBy(() -> child.await("a checkpoint", TIMEOUT, () -> false))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("exited with code 1 while waiting for a checkpoint")
          .hasMessageContaining("IllegalStateException: tiny main fails on purpose");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
      Path log = child.logFile();
      child.close();
      assertThat(log).as("a failed wait keeps the log").exists();
      Files.delete(log);
    }
  }

  @Test
  void closeDeletesTheDefaultLogButNotOneTheTestChose() throws Exception {
    Path chosen = dir.resolve("chosen.log");
    ChildProcess own = ChildJvm.builder(TinyMain.class).arguments("echo", "0").start();
    ChildProcess kept =
        ChildJvm.builder(TinyMain.class).arguments("echo", "0").logFile(chosen).start();
    own.awaitExit(TIMEOUT);
    kept.awaitExit(TIMEOUT);

    own.close();
    kept.close();

    assertThat(own.logFile()).doesNotExist();
    assertThat(chosen).exists();
  }

  @Test
  void aChildJvmHaltsWhenTheJvmThatStartedItIsKilled() throws Exception {
    try (ChildProcess parent =
        ChildJvm.builder(TinyMain.class).arguments("parent").name("parent").start()) {
      String line = parent.awaitLine(l -> l.startsWith("child "), TIMEOUT);
      Optional<ProcessHandle> child = ProcessHandle.of(Long.parseLong(line.substring(6)));
      assertThat(child).isPresent();
      try {
        // SIGKILL to the parent alone: no shutdown hook of its runs, nobody kills the child
        ProcessHandle.of(parent.pid()).orElseThrow().destroyForcibly();
        parent.awaitExit(TIMEOUT);

        child.get().onExit().get(15, TimeUnit.SECONDS);
        assertThat(child.get().isAlive()).isFalse();
      } finally {
        child.get().destroyForcibly();
      }
    }
  }

  private ChildProcess sleeper(String name) {
    return ChildJvm.builder(TinyMain.class)
        .arguments("sleep")
        .name(name)
        .logFile(dir.resolve(name + ".log"))
        .start();
  }
}
