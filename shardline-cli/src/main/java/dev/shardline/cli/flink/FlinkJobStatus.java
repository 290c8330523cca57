package dev.shardline.cli.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A Flink job's status line, read from the cluster's REST API ({@code /jobs/<id>} and {@code
 * /jobs/<id>/checkpoints}): where it runs, its state, its last completed checkpoint and its age.
 *
 * <pre>
 * orders on Flink MiniCluster (http://127.0.0.1:40123), job 5f0c... | RUNNING | checkpoint 12, 3.0s ago
 * </pre>
 *
 * Plain HTTP and JSON, no Flink types. Not thread-safe: one per reporter.
 */
public final class FlinkJobStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String pipeline;
  private final String where;
  private final URI rest;
  private final String jobId;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param where {@code Flink MiniCluster} or {@code Flink}
   * @param rest the REST (and web UI) address, e.g. {@code http://127.0.0.1:8081}
   */
  public FlinkJobStatus(String pipeline, String where, URI rest, String jobId) {
    this.pipeline = pipeline;
    this.where = where;
    this.rest = rest;
    this.jobId = jobId;
  }

  /** Where the job runs, e.g. {@code on Flink at http://127.0.0.1:8081, job <id>}. */
  public String location() {
    return "on " + where + " at " + rest + ", job " + jobId;
  }

  /** The line now; when the REST API does not answer, says so instead of failing. */
  public String render() {
    StringBuilder line = new StringBuilder(pipeline).append(' ').append(location());
    try {
      JsonNode job = get("/jobs/" + jobId);
      line.append(" | ").append(job.path("state").asText("?"));
      JsonNode latest = get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
      line.append(" | checkpoint ");
      if (latest.isMissingNode() || latest.isNull()) {
        line.append("none yet");
      } else {
        long ackMillis = latest.path("latest_ack_timestamp").asLong();
        Duration age = Duration.between(Instant.ofEpochMilli(ackMillis), Instant.now());
        line.append(latest.path("id").asLong())
            .append(", ")
            .append(String.format(Locale.ROOT, "%.1fs", Math.max(0, age.toMillis()) / 1000.0))
            .append(" ago");
      }
    } catch (IOException e) {
      line.append(" | status not available (").append(e.getMessage()).append(')');
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return line.toString();
  }

  /** The last completed checkpoint's id, or -1 when there is none (or no answer). */
  public long lastCheckpointId() {
    try {
      JsonNode latest = get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
      return latest.isMissingNode() || latest.isNull() ? -1 : latest.path("id").asLong(-1);
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Empty when a Flink 2.x cluster's REST API answers at {@code rest}, else what is wrong and the
   * fix; asked before submitting, so an unreachable address fails in seconds rather than after
   * Flink's client retried for a minute.
   */
  public static java.util.Optional<String> probe(URI rest) {
    FlinkJobStatus probe = new FlinkJobStatus("", "", rest, "");
    String version;
    try {
      version = probe.get("/config").path("flink-version").asText("");
    } catch (IOException e) {
      return java.util.Optional.of(
          "no Flink REST API answers at "
              + rest
              + " ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); start the session cluster, or give its REST address (rest.address and"
              + " rest.port of its config) to --flink-rest");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.of("interrupted while asking " + rest);
    }
    if (!version.startsWith("2.")) {
      return java.util.Optional.of(
          "the Flink cluster at "
              + rest
              + " runs Flink "
              + (version.isEmpty() ? "of an unknown version" : version)
              + ", but shardline runs on Flink 2.x (the Source and Sink V2 interfaces changed in"
              + " 2.0); submit to a Flink 2.x session cluster");
    }
    return java.util.Optional.empty();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + " from " + rest.resolve(path));
    }
    return JSON.readTree(response.body());
  }
}
