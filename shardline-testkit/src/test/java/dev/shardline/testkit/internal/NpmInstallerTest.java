package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The installer against a fake npm that records its calls: no registry, no node needed. */
@DisabledOnOs(OS.WINDOWS)
class NpmInstallerTest {
  private static final NpmPackage PACKAGE = NpmPackage.KINESIS_LOCAL;

  @TempDir Path dir;

  @Test
  void installsOnceWithNpmCiAndThenReusesTheInstallation() throws IOException {
    // Given an empty cache and a working npm
    NpmInstaller installer = installer(workingNpm());

    // When the package is asked for twice
    Path first = installer.install(PACKAGE);
    Path second = installer.install(PACKAGE);

    // Then npm ran once, as `npm ci` without scripts, audit or funding messages
    assertThat(npmCalls()).hasSize(1);
    assertThat(npmCalls().get(0))
        .startsWith("ci ")
        .contains("--ignore-scripts", "--no-audit", "--no-fund", "--omit=optional");
    // from the shipped lockfile, into <root>/<name>-<version>
    Path installation = root().resolve("kinesis-local-0.6.2");
    assertThat(first)
        .isEqualTo(second)
        .isEqualTo(installation.resolve("node_modules/kinesis-local"));
    assertThat(Files.readAllBytes(installation.resolve("package-lock.json")))
        .isEqualTo(PACKAGE.packageLock());
    assertThat(installer.isInstalled(PACKAGE)).isTrue();
    // and no temporary folder is left behind
    assertThat(rootEntries())
        .containsExactlyInAnyOrder("kinesis-local-0.6.2", "kinesis-local-0.6.2.lock");
  }

  @Test
  void concurrentInstallsRunNpmOnce() throws Exception {
    // Given a slow npm and two installers of the same cache (as two tests would make)
    Path npm = workingNpm();
    List<NpmInstaller> installers = List.of(installer(npm), installer(npm));

    // When four threads ask for the package at once
    ExecutorService threads = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Path>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        NpmInstaller installer = installers.get(i % 2);
        results.add(
            threads.submit(
                () -> {
                  go.await();
                  return installer.install(PACKAGE);
                }));
      }
      go.countDown();
      for (Future<Path> result : results) {
        assertThat(result.get()).isDirectory();
      }
    } finally {
      threads.shutdownNow();
    }

    // Then npm ran once
    assertThat(npmCalls()).hasSize(1);
  }

  @Test
  void concurrentJvmsRunNpmOnce() throws Exception {
    // Given a slow npm and three JVMs starting on an empty cache at once
    Path npm = workingNpm();
    String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> jvms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jvms.add(
          new ProcessBuilder(
                  javaCommand,
                  "-cp",
                  System.getProperty("java.class.path"),
                  InstallInAnotherJvm.class.getName(),
                  root().toString(),
                  npm.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("jvm-" + i + ".log").toFile())
              .start());
    }

    // When they have all installed the package
    for (int i = 0; i < jvms.size(); i++) {
      assertThat(jvms.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(jvms.get(i).exitValue())
          .as(Files.readString(dir.resolve("jvm-" + i + ".log")))
          .isZero();
    }

    // Then npm ran once: the file lock kept the others waiting, and they found it installed
    assertThat(npmCalls()).hasSize(1);
    assertThat(installer(npm).isInstalled(PACKAGE)).isTrue();
  }

  /** Installs the package in a JVM of its own: {@code <npmRoot> <npm>}. */
  public static final class InstallInAnotherJvm {
    public static void main(String[] args) {
      new NpmInstaller(Path.of(args[0]), List.of(args[1]), Duration.ofSeconds(60)).install(PACKAGE);
    }
  }

  @Test
  void aFailedInstallShowsNpmsOutputAndLeavesNothingBehind() throws IOException {
    // Given an npm that fails after printing a lot
    NpmInstaller installer =
        installer(
            fakeNpm(
                "i=0; while [ $i -lt 100 ]; do echo \"progress $i\"; i=$((i+1)); done\n"
                    + "mkdir -p node_modules/kinesis-local\n"
                    + "echo 'npm error 404 Not Found - kinesis-local' >&2\n"
                    + "exit 1\n"));

    // When the package is installed
    assertThatThrownBy(() -> installer.install(PACKAGE))
        // Then the error carries the exit code and the tail of npm's output
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kinesis-local@0.6.2")
        .hasMessageContaining("exit code 1")
        .hasMessageContaining("npm error 404 Not Found")
        .hasMessageContaining("progress 99")
        .hasMessageNotContaining("progress 10\n");
    // and neither an installation nor a temporary folder is left
    assertThat(installer.isInstalled(PACKAGE)).isFalse();
    assertThat(rootEntries()).containsExactly("kinesis-local-0.6.2.lock");
  }

  @Test
  void anInstallationFromOtherPinsIsReplaced() throws IOException {
    // Given an installation whose marker names other pins (or a half-finished one)
    Path installation = root().resolve("kinesis-local-0.6.2");
    Files.createDirectories(installation.resolve("node_modules/kinesis-local"));
    Files.writeString(installation.resolve("node_modules/kinesis-local/package.json"), "{}");
    Files.writeString(installation.resolve(".shardline-installed"), "other-pins");
    Files.writeString(installation.resolve("leftover.txt"), "old");
    NpmInstaller installer = installer(workingNpm());
    assertThat(installer.isInstalled(PACKAGE)).isFalse();

    // When the package is installed
    installer.install(PACKAGE);

    // Then npm ran, and the old installation is gone
    assertThat(npmCalls()).hasSize(1);
    assertThat(installer.isInstalled(PACKAGE)).isTrue();
    assertThat(installation.resolve("leftover.txt")).doesNotExist();
    assertThat(rootEntries())
        .containsExactlyInAnyOrder("kinesis-local-0.6.2", "kinesis-local-0.6.2.lock");
  }

  @Test
  void aMissingNpmSaysToInstallNodeJs() {
    NpmInstaller installer = installer(dir.resolve("bin/npm-that-is-not-there"));

    assertThatThrownBy(() -> installer.install(PACKAGE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("install Node.js 18+ with npm");
  }

  @Test
  void anNpmThatLeavesNoPackageIsAnError() {
    NpmInstaller installer = installer(fakeNpm("echo 'up to date'\n"));

    assertThatThrownBy(() -> installer.install(PACKAGE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("left no node_modules/kinesis-local")
        .hasMessageContaining("up to date");
  }

  private NpmInstaller installer(Path npm) {
    return new NpmInstaller(root(), List.of(npm.toString()), Duration.ofSeconds(60));
  }

  private Path root() {
    return dir.resolve("cache/npm");
  }

  private List<String> rootEntries() throws IOException {
    try (Stream<Path> entries = Files.list(root())) {
      return entries.map(p -> p.getFileName().toString()).toList();
    }
  }

  private List<String> npmCalls() throws IOException {
    Path calls = dir.resolve("npm-calls.log");
    return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
  }

  /** An npm that checks it runs beside the shipped lockfile, takes a while, and installs. */
  private Path workingNpm() {
    return fakeNpm(
        "test -f package-lock.json || { echo 'no package-lock.json here'; exit 2; }\n"
            + "sleep 0.3\n"
            + "mkdir -p node_modules/kinesis-local\n"
            + "echo '{}' > node_modules/kinesis-local/package.json\n");
  }

  private Path fakeNpm(String body) {
    try {
      Path script = Files.createTempFile(dir, "npm-", ".sh");
      Files.writeString(
          script,
          "#!/bin/sh\necho \"$*\" >> '" + dir.resolve("npm-calls.log") + "'\n" + body,
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      return script;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
