package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.runtime.status.StatusServer;
import dev.shardline.testkit.internal.FreePorts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // runs a pipeline
class StatusCommandTest {
  @TempDir Path dir;

  @Test
  void printsTheStatusOfAPipelineWithItsRestartAndCheckpoints() throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(2_000).build())
            .map(
                n -> {
                  if (n == 1_000 && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("record 1000 is poison, once");
                  }
                  return String.valueOf(n);
                })
            .to(FileSink.lines(dir.resolve("out")).build())
            .name("shown")
            .checkpointInterval(Duration.ofMillis(100))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(
                RestartPolicy.of(
                    3, new Backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0)))
            .build();
    pipeline.start();
    try (StatusServer server =
        StatusServer.start(pipeline, new InetSocketAddress("127.0.0.1", 0), null)) {
      pipeline.await();

      CommandResult result = CommandResult.run("status", server.url());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
      assertThat(result.out())
          .startsWith("Pipeline shown: finished, ok\n")
          .contains("  graph:       generator")
          .contains(" -> map -> FileSink (sink-0)\n")
          .contains(" 0 dropped, 0 dead-lettered\n")
          .contains("restarts: 1\n")
          .containsPattern("  checkpoints: last \\d+, .* ago \\(took \\d+ ms, [\\d,]+ bytes\\)")
          .contains("IllegalStateException: record 1000 is poison, once");
      CommandResult json = CommandResult.run("status", "--json", server.url() + "api/status");
      assertThat(json.out()).contains("\"pipeline\" : \"shown\"");
    }
  }

  @Test
  void aServerThatIsNotThereIsNamedWithTheFix() throws Exception {
    int port = FreePorts.pick(); // free on 127.0.0.1

    CommandResult result = CommandResult.run("status", "http://127.0.0.1:" + port);

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err())
        .startsWith(
            "Failed: cannot reach the status server at http://127.0.0.1:" + port + "/api/status")
        .contains("is the pipeline running with --metrics-port?");
  }

  @Test
  void aUrlThatIsNotOneSaysWhatToGive() {
    CommandResult result = CommandResult.run("status", "localhost:9400");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err())
        .isEqualTo(
            "Failed: 'localhost:9400' is not a status server URL; give one like"
                + " http://127.0.0.1:9400\n");
  }
}
