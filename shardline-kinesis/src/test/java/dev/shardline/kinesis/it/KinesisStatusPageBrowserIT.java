package dev.shardline.kinesis.it;

import static dev.shardline.testkit.browser.StatusPageChecks.apiStatus;
import static dev.shardline.testkit.browser.StatusPageChecks.assertChartsHaveDataPoints;
import static dev.shardline.testkit.browser.StatusPageChecks.assertNumbersMatch;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.runtime.status.StatusServer;
import dev.shardline.testkit.browser.HeadlessChromium;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.kinesis.Resharding;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The status page of a Kinesis pipeline in a real browser (Debian's chromium, headless), on
 * kinesis-local: two shards, one split in two while records are written, one restart. The page
 * charts each shard's MillisBehindLatest and records per second, shows the split shard as closed
 * and its children as read, the restart with its cause, and the numbers of {@code /api/status}.
 * Saves {@code target/status-page-kinesis.png}.
 */
@Timeout(180)
class KinesisStatusPageBrowserIT {
  private static final String STREAM = "status-page";

  @TempDir Path dir;

  @Test
  void thePageShowsEachShardsLagTheSplitShardAsClosedAndTheRestart() throws Exception {
    // the browser first: installing it (when missing) must not eat the pipeline's run
    try (HeadlessChromium browser = HeadlessChromium.start();
        LocalKinesis kinesis =
            LocalKinesis.builder()
                .initialStream(STREAM, 2)
                .splitShardDuration(Duration.ofMillis(300))
                .start()) {
      CollectingSink<String, String> sink = new CollectingSink<>(r -> r);
      AtomicBoolean failed = new AtomicBoolean();
      AtomicLong seen = new AtomicLong();
      Pipeline pipeline =
          Pipeline.from(
                  Sources.at(kinesis, STREAM, true)
                      .startingPosition(StartingPosition.earliest())
                      .build())
              .map(
                  (KinesisRecord<byte[]> r) -> {
                    if (seen.incrementAndGet() == 300 && failed.compareAndSet(false, true)) {
                      throw new IllegalStateException("record 300 is poison, once");
                    }
                    return new String(r.value(), UTF_8);
                  })
              .to(sink)
              .name("kinesis-browsed")
              .parallelism(2)
              .checkpointInterval(Duration.ofMillis(500))
              .checkpointDirectory(dir.resolve("checkpoints"))
              .restartPolicy(
                  RestartPolicy.of(
                      3, new Backoff(Duration.ofMillis(200), 1.0, Duration.ofMillis(200), 0)))
              .build();
      pipeline.start();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong written = new AtomicLong();
      KinesisClient client = kinesis.client();
      Thread writer =
          new Thread(
              () -> {
                long n = 0;
                while (writing.get()) {
                  List<PutRecordsRequestEntry> batch = new ArrayList<>();
                  for (int k = 0; k < 20; k++, n++) {
                    batch.add(
                        PutRecordsRequestEntry.builder()
                            .partitionKey("key-" + k)
                            .data(SdkBytes.fromUtf8String("record-" + n))
                            .build());
                  }
                  client.putRecords(b -> b.streamName(STREAM).records(batch));
                  written.addAndGet(batch.size());
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "writer");
      writer.start();
      try (StatusServer server =
          StatusServer.start(pipeline, new InetSocketAddress("127.0.0.1", 0), null)) {
        browser.navigate(server.url());
        browser.waitFor(
            "document.querySelector('#restarts tbody').textContent.includes('record 300 is"
                + " poison')",
            Duration.ofSeconds(60));

        List<Shard> initial = Resharding.openShards(kinesis, STREAM);
        assertThat(initial).hasSize(2);
        Resharding.splitInTwo(kinesis, STREAM, initial.get(0));
        // the parent read to its end, its two children read: four shards on the page
        browser.waitFor(
            "document.querySelector('#splits tbody').textContent.includes('ended (shard closed:"
                + " split or merged)') && document.querySelectorAll('#splits tbody tr').length"
                + " >= 4",
            Duration.ofSeconds(60));
        browser.waitFor(
            "(function(){ var r = window.shardline.last; return r.splits.filter(function(s){"
                + " return s.state === 'reading' && s.lagMillis != null; }).length >= 3; })()",
            Duration.ofSeconds(60));
        writing.set(false);
        writer.join();
        Await.until(
            Duration.ofSeconds(60),
            () -> sink.size() >= written.get(),
            () -> sink.size() + " of " + written.get() + " records read");
        pipeline.stop();
        browser.waitFor(
            "document.getElementById('state').textContent === 'stopped'", Duration.ofSeconds(10));

        assertChartsHaveDataPoints(browser);
        JsonNode api = apiStatus(server.url());
        assertNumbersMatch(browser, api);
        assertThat(api.at("/totals/restarts").asLong()).isEqualTo(1);
        assertThat(api.get("splits").size()).isEqualTo(4);
        assertThat(api.at("/graph/source/name").asText()).isEqualTo("kinesis:" + STREAM);
        browser.screenshot(Path.of("target", "status-page-kinesis.png"));
      } finally {
        // also when an assertion failed: no writer or pipeline left running
        writing.set(false);
        writer.join();
        pipeline.stop();
      }
    }
  }
}
