package dev.shardline.testkit.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * What the browser tests of Shardline's status page check, shared by the runtime's and the
 * connectors' tests: each chart has data points, the numbers on the page are those of {@code
 * /api/status}. Each check throws an {@link AssertionError} saying what differs. Stateless.
 */
public final class StatusPageChecks {
  private StatusPageChecks() {}

  /** The page's charts, by element id. */
  public static final String[] CHARTS = {
    "chart-rates",
    "chart-lag",
    "chart-split-rates",
    "chart-throttled",
    "chart-checkpoint-age",
    "chart-checkpoints"
  };

  /** The numbers the page shows, by element id, with the /api/status field each comes from. */
  public static final String[][] NUMBERS = {
    {"total-recordsIn", "/totals/recordsIn"},
    {"total-recordsOut", "/totals/recordsOut"},
    {"total-dropped", "/totals/dropped"},
    {"total-deadLettered", "/totals/deadLettered"},
    {"total-throttledCalls", "/totals/throttledCalls"},
    {"total-restarts", "/totals/restarts"},
    {"checkpoint-lastId", "/checkpoints/lastId"},
    {"checkpoint-failed", "/checkpoints/failed"}
  };

  /** {@code base}api/status, parsed ({@code base} ends with a slash). */
  public static JsonNode apiStatus(String base) throws IOException, InterruptedException {
    return new ObjectMapper()
        .readTree(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(base + "api/status")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
  }

  /** Each chart has at least one point with a value, and uPlot drew it on a canvas. */
  public static void assertChartsHaveDataPoints(HeadlessChromium browser) throws IOException {
    for (String chart : CHARTS) {
      JsonNode points =
          browser.evaluate(
              "(function(){ var c = window.shardline.charts['"
                  + chart
                  + "']; if (!c) return -1; var n = 0; c.plot.data.slice(1).forEach(function(s){"
                  + " s.forEach(function(v){ if (v != null) n++; }); }); return n; })()");
      if (points.asInt() <= 0) {
        throw new AssertionError(
            "Chart " + chart + " has no data points" + (points.asInt() < 0 ? " (no chart)" : ""));
      }
      int canvases =
          browser.evaluate("document.querySelectorAll('#" + chart + " canvas').length").asInt();
      if (canvases <= 0) {
        throw new AssertionError("Chart " + chart + " has no canvas: uPlot drew nothing");
      }
    }
  }

  /** The page shows the numbers of {@code api}, a report fetched after the page's last poll. */
  public static void assertNumbersMatch(HeadlessChromium browser, JsonNode api) throws IOException {
    for (String[] number : NUMBERS) {
      String shown =
          browser.evaluate("document.getElementById('" + number[0] + "').textContent").asText();
      JsonNode value = api.at(number[1]);
      String expected = value.isNull() ? "none" : String.format(Locale.US, "%,d", value.asLong());
      if (!shown.equals(expected)) {
        throw new AssertionError(
            "The page shows "
                + number[0]
                + " = '"
                + shown
                + "', /api/status has "
                + number[1]
                + " = '"
                + expected
                + "'");
      }
    }
  }
}
