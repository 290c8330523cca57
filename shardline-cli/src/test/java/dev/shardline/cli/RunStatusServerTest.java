package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.testkit.internal.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --metrics-port} serves the status page and {@code /api/status} beside the metrics. */
@Timeout(60) // runs a pipeline
class RunStatusServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void aRunningPipelinesStatusIsAtApiStatusAndItsPageAtTheRoot() throws Exception {
    Path file = dir.resolve("paced.yaml");
    Files.writeString(
        file,
        "name: paced\n"
            + "checkpoint:\n"
            + "  interval: 200ms\n"
            + "  directory: "
            + dir.resolve("checkpoints")
            + "\n"
            + "source:\n"
            + "  type: generator\n"
            + "  kind: sequence\n"
            + "  count: 4000\n"
            + "  ratePerSecond: 1000\n"
            + "sinks:\n"
            + "  - type: file\n"
            + "    path: "
            + dir.resolve("out")
            + "\n");
    int port = FreePorts.pick(); // free on 127.0.0.1
    String base = "http://127.0.0.1:" + port + "/";
    CompletableFuture<CommandResult> run =
        CompletableFuture.supplyAsync(
            () ->
                CommandResult.run(
                    "run",
                    "--status",
                    "off",
                    "--metrics-port",
                    Integer.toString(port),
                    file.toString()));

    JsonNode status = null;
    for (int i = 0; i < 200 && status == null; i++) {
      try {
        HttpResponse<String> response = get(base + "api/status");
        if (response.statusCode() == 200) {
          status = new ObjectMapper().readTree(response.body());
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      if (status == null) {
        Thread.sleep(50);
      }
    }

    assertThat(status).as("a status report while it runs").isNotNull();
    assertThat(status.get("pipeline").asText()).isEqualTo("paced");
    assertThat(status.at("/graph/source/name").asText()).isEqualTo("generator:sequence");
    assertThat(get(base).body()).contains("<title>Shardline status</title>");
    assertThat(get(base + "metrics").body()).contains("jvm_memory_used_bytes");
    assertThat(get(base + "nothing-here").statusCode()).isEqualTo(404);
    assertThat(run.get().exitCode()).as(run.get().err()).isZero();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
