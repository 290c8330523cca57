package dev.shardline.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // runs a pipeline: a regression could keep it running
class StatusServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageItsScriptsAndTheStatusOfAPipelineThatRestartedOnce() throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(3_000).ratePerSecond(1_000).build())
            .map(
                n -> {
                  if (n == 1_500 && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("record 1500 is poison, once");
                  }
                  return String.valueOf(n);
                })
            .to(FileSink.lines(dir.resolve("out")).build())
            .name("served")
            .checkpointInterval(Duration.ofMillis(200))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(
                RestartPolicy.of(
                    3, new Backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0)))
            .build();
    pipeline.start();
    try (StatusServer server =
        StatusServer.start(pipeline, new InetSocketAddress("127.0.0.1", 0), null)) {
      pipeline.await();
      String base = server.url();

      HttpResponse<String> status = get(base + "api/status");
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode json = new ObjectMapper().readTree(status.body());
      assertThat(json.get("pipeline").asText()).isEqualTo("served");
      assertThat(json.get("state").asText()).isEqualTo("finished");
      assertThat(json.get("health").asText()).isEqualTo("ok");
      assertThat(json.at("/totals/recordsOut").asLong()).isGreaterThanOrEqualTo(3_000);
      assertThat(json.at("/totals/restarts").asLong()).isEqualTo(1);
      assertThat(json.at("/restarts/0/cause").asText())
          .isEqualTo("IllegalStateException: record 1500 is poison, once");
      assertThat(json.at("/graph/source/name").asText()).startsWith("generator");
      assertThat(json.at("/graph/transforms/0/name").asText()).isEqualTo("map");
      assertThat(json.at("/graph/sinks/0/name").asText()).isEqualTo("FileSink (sink-0)");
      assertThat(json.at("/series/timeMillis").size()).isGreaterThanOrEqualTo(2);
      assertThat(json.at("/splits/0/split").asText()).isNotEmpty();
      assertThat(json.at("/splits/0/recordsPerSecondSeries").size())
          .isEqualTo(json.at("/series/timeMillis").size());
      assertThat(json.at("/checkpoints/completed").asLong()).isPositive();

      HttpResponse<String> page = get(base);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<script src=\"/uplot/uPlot.iife.min.js\">");
      assertThat(get(base + "status.js").statusCode()).isEqualTo(200);
      assertThat(get(base + "uplot/uPlot.iife.min.js").body()).contains("uPlot");
      assertThat(get(base + "uplot/LICENSE").body()).contains("MIT");
    }
  }

  @Test
  void metricsAreServedOnlyAtMetricsAndEveryOtherPathIsNotFound() throws Exception {
    StatusReport none = null;
    try (StatusServer server =
        StatusServer.start(
            () -> none, new InetSocketAddress("127.0.0.1", 0), () -> "# metrics here\n")) {
      String base = server.url();

      assertThat(get(base + "metrics").body()).isEqualTo("# metrics here\n");
      assertThat(get(base + "metricsx").statusCode()).isEqualTo(404);
      assertThat(get(base + "anything/else").statusCode()).isEqualTo(404);
      assertThat(get(base + "anything/else").body()).doesNotContain("# metrics here");
      assertThat(get(base + "api/status").statusCode()).isEqualTo(503);
    }
    try (StatusServer server =
        StatusServer.start(() -> none, new InetSocketAddress("127.0.0.1", 0), null)) {
      assertThat(get(server.url() + "metrics").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aPipelineBuiltWithStatusServerServesWhileItRunsAndStopsServingWhenItEnds() throws Exception {
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().ratePerSecond(100).build())
            .to(FileSink.lines(dir.resolve("out")).build())
            .name("builder-served")
            .checkpointDirectory(dir.resolve("checkpoints"))
            .statusServer("127.0.0.1", 0)
            .build();
    assertThat(pipeline.statusUrl()).isEmpty();
    pipeline.start();
    String url = pipeline.statusUrl().orElseThrow();

    JsonNode json = new ObjectMapper().readTree(get(url + "api/status").body());
    assertThat(json.get("pipeline").asText()).isEqualTo("builder-served");
    pipeline.stop();

    assertThat(pipeline.status().state()).isEqualTo("stopped");
    try {
      get(url + "api/status");
      org.assertj.core.api.Assertions.fail("the status server still answers after the end");
    } catch (java.io.IOException expected) {
      // connection refused: closed with the pipeline
    }
  }

  @Test
  void boundToEveryAddressItSaysItIsExposedAndGivesAUrlThatWorksFromThisMachine() {
    // regression: --metrics-host on the wildcard address logged a URL browsers refuse;
    // checked on the address alone: tests bind loopback only
    InetSocketAddress everywhere = new InetSocketAddress(9400); // the wildcard address
    assertThat(StatusServer.exposes(everywhere)).isTrue();
    assertThat(StatusServer.urlFor(everywhere)).isEqualTo("http://127.0.0.1:9400/");
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 9400);
    assertThat(StatusServer.exposes(loopback)).isFalse();
    assertThat(StatusServer.urlFor(loopback)).isEqualTo("http://127.0.0.1:9400/");
  }
}
