package dev.shardline.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.cli.status.StatusReportText;
import dev.shardline.runtime.status.StatusReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardline status URL}: a running pipeline's status, read from its status server. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the status of a running pipeline: state and health, records in and out, dropped and"
          + " dead-lettered, each split's lag and throughput, checkpoints and restarts. Reads"
          + " URL/api/status, served by `shardline run --metrics-port PORT` (URL: the status page"
          + " address it logs at start, e.g. http://127.0.0.1:9400) or a Pipeline built with"
          + " statusServer(host, port)."
    })
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "URL", description = "The status server, e.g. http://127.0.0.1:9400.")
  String url;

  @Option(
      names = "--json",
      description = "Print the JSON of /api/status as it is, instead of text. Default: text.")
  boolean json;

  @Override
  public Integer call() {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (base.endsWith("/api/status")) {
      base = base.substring(0, base.length() - "/api/status".length());
    }
    URI uri;
    try {
      uri = URI.create(base + "/api/status");
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http URL");
      }
    } catch (IllegalArgumentException e) {
      return fail("'" + url + "' is not a status server URL; give one like http://127.0.0.1:9400");
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response;
    try {
      response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return fail(
          "cannot reach the status server at "
              + uri
              + " ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); is the pipeline running with --metrics-port? Give the address it logged at"
              + " start");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while reading " + uri);
    }
    if (response.statusCode() != 200) {
      return fail(
          uri
              + " answered "
              + response.statusCode()
              + ": "
              + response.body().lines().findFirst().orElse("")
              + (response.statusCode() == 404
                  ? " (is it a Shardline status server? give the address `shardline run` logged)"
                  : ""));
    }
    if (json) {
      spec.commandLine().getOut().println(response.body());
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
    StatusReport report;
    try {
      report = JSON.readValue(response.body(), StatusReport.class);
    } catch (IOException e) {
      return fail(uri + " did not answer with a Shardline status report: " + e.getMessage());
    }
    spec.commandLine().getOut().print(StatusReportText.render(report));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private int fail(String message) {
    spec.commandLine().getErr().println("Failed: " + message);
    spec.commandLine().getErr().flush();
    return ExitCodes.FAILED;
  }
}
