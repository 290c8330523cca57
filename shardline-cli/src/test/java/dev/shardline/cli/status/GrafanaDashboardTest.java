package dev.shardline.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboard in docs/ queries only metrics that a running pipeline serves. */
@Timeout(60) // runs a pipeline
class GrafanaDashboardTest {
  /** Served only by connectors that need a server here: the Kinesis source's. */
  private static final Set<String> SERVED_BY_KINESIS = Set.of("shardline_kinesis_throttled_calls");

  private static final Pattern METRIC =
      Pattern.compile("\\b((?:shardline|jvm|process)_[a-z_]+?)(?:_total|_sum|_count|_max)?\\b");

  @TempDir Path dir;

  @Test
  void everyMetricTheDashboardQueriesIsServedAtMetrics() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(Path.of("docs", "grafana-dashboard.json").toFile());
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        Matcher m = METRIC.matcher(target.get("expr").asText());
        while (m.find()) {
          queried.add(m.group(1));
        }
      }
    }
    assertThat(queried).hasSizeGreaterThan(10);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicBoolean failed = new AtomicBoolean();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(8_000).ratePerSecond(2_000).build())
            .map(
                n -> {
                  if (n == 500 && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("once");
                  }
                  return String.valueOf(n);
                })
            .to(FileSink.lines(dir.resolve("out")).build())
            .checkpointInterval(Duration.ofMillis(100))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(
                RestartPolicy.of(
                    3, new Backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0)))
            .metrics(registry)
            .build();
    String scrape;
    try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0)) {
      pipeline.start();
      // the paced generator's lag gauge and its records counter live while it reads (a restart
      // registers them again): scrape once both are there, and after the end
      String during = get(server.url());
      for (int i = 0;
          i < 100
              && !(during.contains("shardline_source_lag_millis")
                  && during.contains("shardline_source_records"));
          i++) {
        Thread.sleep(50);
        during = get(server.url());
      }
      pipeline.await();
      // jvm_gc_pause_seconds appears with the first collection after binding: make one
      String after = get(server.url());
      for (int i = 0; i < 50 && !after.contains("jvm_gc_pause_seconds"); i++) {
        System.gc();
        Thread.sleep(100);
        after = get(server.url());
      }
      scrape = during + after;
    }

    for (String metric : queried) {
      if (SERVED_BY_KINESIS.contains(metric)) {
        continue;
      }
      assertThat(scrape)
          .as("the dashboard's %s in a scrape", metric)
          .containsPattern("(?m)^" + metric + "(_total|_sum|_count|_max)?[{ ]");
    }
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
