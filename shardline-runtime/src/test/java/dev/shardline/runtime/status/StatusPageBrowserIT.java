package dev.shardline.runtime.status;

import static dev.shardline.testkit.browser.StatusPageChecks.apiStatus;
import static dev.shardline.testkit.browser.StatusPageChecks.assertChartsHaveDataPoints;
import static dev.shardline.testkit.browser.StatusPageChecks.assertNumbersMatch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.browser.HeadlessChromium;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser (Debian's chromium, headless): a generator → file pipeline that
 * fails once and restarts; the page's charts get data points, its numbers are those of {@code
 * /api/status}, the restart shows with its cause. Saves {@code target/status-page-generator.png}.
 */
@Timeout(120)
class StatusPageBrowserIT {
  @TempDir Path dir;

  @Test
  void thePageOfAGeneratorPipelineChartsItsDataShowsItsRestartAndMatchesApiStatus()
      throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(6_000).ratePerSecond(500).splits(2).build())
            .map(
                n -> {
                  if (n == 1_500 && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("record 1500 is poison, once");
                  }
                  return String.valueOf(n);
                })
            .to(FileSink.lines(dir.resolve("out")).build())
            .name("browsed")
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(500))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(
                RestartPolicy.of(
                    3, new Backoff(Duration.ofMillis(500), 1.0, Duration.ofMillis(500), 0)))
            .build();
    // the browser first: installing it (when missing) must not eat the pipeline's run
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      pipeline.start();
      try (StatusServer server =
          StatusServer.start(pipeline, new InetSocketAddress("127.0.0.1", 0), null)) {
        browser.navigate(server.url());

        // live: the page polls while the pipeline runs
        browser.waitFor("window.shardline && window.shardline.polls >= 3", Duration.ofSeconds(30));
        assertThat(browser.evaluate("document.getElementById('state').textContent").asText())
            .isIn("running", "restarting");
        browser.waitFor(
            "document.querySelector('#restarts tbody').textContent.includes('record 1500 is poison')",
            Duration.ofSeconds(30));

        pipeline.await();
        browser.waitFor(
            "document.getElementById('state').textContent === 'finished'", Duration.ofSeconds(10));

        assertChartsHaveDataPoints(browser);
        JsonNode api = apiStatus(server.url());
        assertNumbersMatch(browser, api);
        assertThat(api.at("/totals/restarts").asLong()).isEqualTo(1);
        assertThat(browser.evaluate("document.getElementById('health').textContent").asText())
            .isEqualTo(api.get("health").asText());
        assertThat(browser.evaluate("document.getElementById('graph').textContent").asText())
            .contains("map")
            .contains("FileSink (sink-0)");
        assertThat(browser.evaluate("document.querySelectorAll('#splits tbody tr').length").asInt())
            .isEqualTo(api.get("splits").size())
            .isEqualTo(2);
        assertThat(browser.evaluate("document.querySelector('#splits tbody').textContent").asText())
            .contains("generator-0-of-2")
            .contains("ended");

        browser.screenshot(Path.of("target", "status-page-generator.png"));
      } finally {
        pipeline.stop();
      }
    }
  }
}
