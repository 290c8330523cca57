package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preload with a real node: where servers end up listening, and how SIGTERM ends them. */
class NodePreloadIT {
  @TempDir Path dir;

  @Test
  void everyFormOfListenBindsTheLoopbackAddressOnly() throws Exception {
    // Given a node script that listens in every way net.Server.listen allows, asking for all
    // interfaces or none
    Path script = dir.resolve("listen.js");
    Files.writeString(
        script,
        String.join(
            "\n",
            "const http = require('http');",
            "const forms = [",
            "  (s) => s.listen(0),",
            "  (s) => s.listen(0, '::'),",
            "  (s) => s.listen('0', () => {}),",
            "  (s) => s.listen(0, 511, () => {}),",
            "  (s) => s.listen({ port: 0 }),",
            "  (s) => s.listen({ port: 0, host: '::', ipv6Only: true }, () => {}),",
            "  (s) => s.listen(),",
            "  (s) => s.listen(() => {}),",
            "];",
            "let left = forms.length;",
            "forms.forEach((listen, i) => {",
            "  const server = http.createServer();",
            "  server.on('listening', () => {",
            "    console.log('form ' + i + ' ' + server.address().address);",
            "    server.close();",
            "    if (--left === 0) process.exit(0);",
            "  });",
            "  listen(server);",
            "});",
            ""));
    Path preload = NodePreload.install(dir.resolve("cache"));

    // When it runs with the preload
    CommandLine.Result result =
        CommandLine.run(
            NodeJs.command(preload, script.toString(), List.of()),
            dir,
            Map.of(),
            Duration.ofSeconds(60));

    // Then every server listens on 127.0.0.1
    assertThat(result.exitCode()).as(result.output()).isZero();
    List<String> lines = result.output().lines().filter(l -> l.startsWith("form ")).toList();
    assertThat(lines).hasSize(8).allMatch(line -> line.endsWith(" 127.0.0.1"), "on 127.0.0.1");
  }

  @Test
  void everyListenAndEveryListenErrorIsReportedByTheProcessItself() throws Exception {
    // Given a port another process holds, and a node script that listens on a free port and then
    // on the taken one without an error listener of its own
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Loopback.IPV4, 0));
      Path script = dir.resolve("listen-twice.js");
      Files.writeString(
          script,
          String.join(
              "\n",
              "const net = require('net');",
              "const free = net.createServer();",
              "free.listen(0, () => {",
              "  console.log('own port ' + free.address().port);",
              "  net.createServer().listen(" + taken.getLocalPort() + ");",
              "});",
              ""));
      Path preload = NodePreload.install(dir.resolve("cache"));

      // When it runs with the preload
      ServerProcess server =
          ServerProcess.start(
              "listen-twice",
              new ProcessBuilder(NodeJs.command(preload, script.toString(), List.of()))
                  .directory(dir.toFile()));
      try {
        Await.until(
            "the script to end",
            Duration.ofSeconds(30),
            Duration.ofMillis(20),
            () -> !server.isAlive());

        // Then the log has both listens, in the process's own name
        List<String> log = server.logLines();
        int ownPort =
            log.stream()
                .filter(line -> line.startsWith("own port "))
                .map(line -> Integer.parseInt(line.substring("own port ".length())))
                .findFirst()
                .orElseThrow(() -> new AssertionError(log));
        NodePreload.Listens listens = NodePreload.Listens.in(log, server.pid());
        assertThat(listens.ports()).as(String.join("\n", log)).containsExactly(ownPort);
        assertThat(listens.errors()).containsExactly(taken.getLocalPort() + " EADDRINUSE");
        // And the unhandled listen error still ended the process, as it would without the preload
        assertThat(log)
            .anyMatch(line -> line.contains("EADDRINUSE") && !line.contains("shardline"));
        // And another process's reports do not count
        assertThat(NodePreload.Listens.in(log, server.pid() + 1).ports()).isEmpty();
      } finally {
        closeAndDeleteLog(server); // it ended on its own: close() keeps the log, as a failure's
      }
    }
  }

  @Test
  void sigtermEndsTheProcessEvenWhenTheServerReplacedProcessExit() throws Exception {
    // Given a node server that, like kinesis-local, replaces process.exit with a no-op and
    // ignores SIGTERM itself
    Path script = dir.resolve("stubborn.js");
    Files.writeString(
        script,
        String.join(
            "\n",
            "process.exit = () => console.log('graceful exit postponed');",
            "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));",
            "require('http').createServer().listen(0, () => console.log('listening'));",
            ""));
    Path preload = NodePreload.install(dir.resolve("cache"));
    ServerProcess server =
        ServerProcess.start(
            "stubborn",
            new ProcessBuilder(NodeJs.command(preload, script.toString(), List.of()))
                .directory(dir.toFile()));
    try {
      Await.until(
          "the stubborn server to listen",
          Duration.ofSeconds(30),
          Duration.ofMillis(20),
          () -> server.logTail(5).contains("listening"));
      ProcessHandle node = ProcessHandle.of(server.pid()).orElseThrow();

      // When it gets SIGTERM
      long sent = System.nanoTime();
      node.destroy();

      // Then it exits on that signal alone: without the preload it would run on until killed
      // (nothing but the test signals it here), so a generous wait for a loaded machine still fails
      // when SIGTERM is ignored
      node.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      System.out.printf(
          "stubborn node server exited %d ms after SIGTERM%n",
          Duration.ofNanos(System.nanoTime() - sent).toMillis());
    } finally {
      closeAndDeleteLog(server); // it ended on a signal from the test: close() keeps the log
    }
  }

  private static void closeAndDeleteLog(ServerProcess server) throws java.io.IOException {
    server.close();
    Files.deleteIfExists(server.logFile());
  }

  @Test
  void theScriptIsWrittenOnceUnderItsDigest() throws Exception {
    Path first = NodePreload.install(dir);
    Path second = NodePreload.install(dir);

    assertThat(first).isEqualTo(second).hasParent(dir.resolve("node"));
    assertThat(first.getFileName().toString()).matches("preload-[0-9a-f]{16}\\.js");
    assertThat(Files.readAllBytes(first)).isEqualTo(NodePreload.script());
  }
}
