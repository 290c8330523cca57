package dev.shardline.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalSchemaRegistryIT {
  private static final String V1 =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Order\\\","
          + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"}]}\"}";
  private static final String NO_DEFAULT =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Order\\\","
          + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"},"
          + "{\\\"name\\\":\\\"note\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesTheConfluentApiOnLoopbackAndStopsOnClose() throws Exception {
    LocalSchemaRegistry registry = LocalSchemaRegistry.builder().start();
    ProcessHandle child;
    try {
      child = ProcessHandle.of(registry.pid()).orElseThrow();
      assertThat(registry.confluentUrl())
          .startsWith("http://127.0.0.1:")
          .endsWith("/apis/ccompat/v7");

      HttpResponse<String> registered = post(registry, "/subjects/orders-value/versions", V1);
      assertThat(registered.statusCode()).isEqualTo(200);
      assertThat(registered.body()).matches("\\{\"id\":\\d+\\}");
      String id = registered.body().replaceAll("\\D", "");

      HttpResponse<String> byId = get(registry, "/schemas/ids/" + id);
      assertThat(byId.statusCode()).isEqualTo(200);
      assertThat(byId.body()).contains("Order");
      assertThat(get(registry, "/schemas/ids/987654").statusCode()).isEqualTo(404);

      HttpResponse<String> config =
          send(
              registry,
              HttpRequest.newBuilder(URI.create(registry.confluentUrl() + "/config/orders-value"))
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
                  .header("Content-Type", "application/json"));
      assertThat(config.statusCode()).isEqualTo(200);
      HttpResponse<String> incompatible =
          post(registry, "/subjects/orders-value/versions", NO_DEFAULT);
      assertThat(incompatible.statusCode()).isEqualTo(409);
    } finally {
      registry.close();
    }
    assertThat(child.isAlive()).isFalse();
    assertThat(Files.exists(registry.logFile())).isFalse();
  }

  private HttpResponse<String> post(LocalSchemaRegistry registry, String path, String body)
      throws Exception {
    return send(
        registry,
        HttpRequest.newBuilder(URI.create(registry.confluentUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json"));
  }

  private HttpResponse<String> get(LocalSchemaRegistry registry, String path) throws Exception {
    return send(registry, HttpRequest.newBuilder(URI.create(registry.confluentUrl() + path)).GET());
  }

  private HttpResponse<String> send(LocalSchemaRegistry registry, HttpRequest.Builder request)
      throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
