package dev.shardline.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsOnlyAtMetricsWithTheJvmsAndOtherPathsAreNotFound() throws Exception {
    // every path of the metrics server used to answer with the metrics
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("shardline.pipeline.restarts", "pipeline", "p").increment();
    try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0)) {
      HttpResponse<String> metrics = get(server.url());

      assertThat(server.url()).endsWith("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("shardline_pipeline_restarts_total{pipeline=\"p\"} 1.0")
          .contains("jvm_memory_used_bytes")
          .contains("jvm_gc_")
          .contains("jvm_threads_live_threads");
      HttpResponse<String> other = get(server.statusUrl() + "other");
      assertThat(other.statusCode()).isEqualTo(404);
      assertThat(other.body()).doesNotContain("jvm_memory");
      assertThat(get(server.statusUrl() + "metrics/x").statusCode()).isEqualTo(404);
      // the page is there; its data once a pipeline runs
      assertThat(get(server.statusUrl()).body()).contains("<title>Shardline status</title>");
      assertThat(get(server.statusUrl() + "api/status").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void onLoopbackItIsNotExposedAndItsUrlAnswers() throws Exception {
    // (bound to every address: StatusServerTest checks the URL and exposure on the address alone)
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MetricsServer loopback = MetricsServer.start(registry, "127.0.0.1", 0)) {
      assertThat(loopback.exposed()).isFalse();
      assertThat(loopback.url()).isEqualTo("http://127.0.0.1:" + loopback.port() + "/metrics");
      assertThat(get(loopback.url()).statusCode()).isEqualTo(200);
    }
  }
}
