package dev.shardline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.retry.ServerUnreachableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry format's paths that need no registry (the wire-format header, options, a registry
 * that does not answer) and one a real Apicurio here cannot produce (basic auth). Everything else
 * runs against a real registry in the CLI's SchemaRegistryIT.
 */
class RegistryAvroFormatTest {
  private static final String ORDER =
      "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

  private static RegistryAvroFormat format(String url) {
    return RegistryAvroFormat.builder(
            SchemaRegistrySettings.of(url)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(700)))
        .schema(ORDER)
        .topic("orders")
        .build();
  }

  @Test
  void bytesWithoutTheHeaderOrWithAnotherMagicByteAreBadDataWithoutACall() {
    RegistryAvroFormat format = format("http://127.0.0.1:9/apis/ccompat/v7");

    assertThatThrownBy(() -> format.deserialize(new byte[] {0, 0, 1}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("3 bytes, fewer than the 5-byte header");
    assertThatThrownBy(() -> format.deserialize(new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the first byte is 1, not the magic byte 0");
  }

  @Test
  void aRegistryThatDoesNotAnswerFailsNamingItsUrlAfterRetrying() throws Exception {
    String url = "http://127.0.0.1:" + closedPort() + "/apis/ccompat/v7";
    RegistryAvroFormat format = format(url);

    // the type every connector uses for a server that gives no answer: the runner restarts
    assertThatThrownBy(() -> format.deserialize(new byte[] {0, 0, 0, 0, 7, 2}))
        .isInstanceOfSatisfying(
            ServerUnreachableException.class,
            e -> {
              assertThat(e.server()).isEqualTo("the schema registry at " + url);
              assertThat(e.unreachableFor()).isPositive();
            })
        .hasMessageStartingWith("Cannot reach the schema registry at " + url)
        .hasMessageContaining("attempts")
        .hasMessageContaining("avro.registry.url");
  }

  @Test
  void aRegistryOutageIsNotBadDataSoNoRecordIsDeadLettered() throws Exception {
    List<Object> sent = new ArrayList<>();
    DeadLetterOutput deadLetters =
        new DeadLetterOutput() {
          @Override
          public boolean isConfigured() {
            return true;
          }

          @Override
          public void send(dev.shardline.api.DeadLetter deadLetter) {
            sent.add(deadLetter);
          }
        };
    RecordDecoder<JsonNode> decoder =
        RecordDecoder.builder(format("http://127.0.0.1:" + closedPort() + "/apis/ccompat/v7"))
            .source("kafka:orders")
            .policy(BadDataPolicy.DEAD_LETTER)
            .deadLetters(deadLetters)
            .build();

    assertThatThrownBy(
            () ->
                decoder.decode(new byte[] {0, 0, 0, 0, 7, 2}, RecordCoordinates.of("offset", "4")))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("Cannot reach the schema registry");
    assertThat(sent).isEmpty();
  }

  @Test
  void basicAuthIsSentAndRefusedCredentialsAreUnrecoverableWithoutThePassword() throws Exception {
    List<String> authorizations = new ArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              "{\"error_code\":40101,\"message\":\"Unauthorized\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(401, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
      RegistryAvroFormat format =
          RegistryAvroFormat.builder(
                  SchemaRegistrySettings.of(url).withBasicAuth("ann", "s3cret-pw"))
              .build();

      assertThatThrownBy(() -> format.deserialize(new byte[] {0, 0, 0, 0, 1, 2}))
          .isInstanceOf(UnrecoverableException.class)
          .hasMessageContaining("refused the request (HTTP 401)")
          .hasMessageContaining("avro.registry.user")
          .hasMessageNotContaining("s3cret-pw");
      assertThat(authorizations)
          .containsExactly(
              "Basic "
                  + java.util.Base64.getEncoder()
                      .encodeToString("ann:s3cret-pw".getBytes(StandardCharsets.UTF_8)));
      assertThat(format.toString()).doesNotContain("s3cret-pw");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void writingWithoutASchemaIsUnrecoverableAndSaysWhichOptionToSet() {
    RegistryAvroFormat format =
        RegistryAvroFormat.builder(SchemaRegistrySettings.of("http://127.0.0.1:9")).build();

    assertThatThrownBy(
            () ->
                format.serialize(
                    new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("set avro.schema or avro.schemaFile");
  }

  @Test
  void optionsChooseTheRegistryFormatAndCheckTheirRules() {
    Format<?> format =
        FormatOptions.createFormat(
            Configuration.fromMap(
                Map.of(
                    "format",
                    "avro",
                    "avro",
                    Map.of(
                        "registry",
                        Map.of(
                            "url",
                            "http://127.0.0.1:8080/apis/ccompat/v7",
                            "user",
                            "ann",
                            "password",
                            "pw")))),
            "orders");
    assertThat(format).isInstanceOf(RegistryAvroFormat.class);
    assertThat(((RegistryAvroFormat) format).settings().url())
        .isEqualTo("http://127.0.0.1:8080/apis/ccompat/v7");

    assertThatThrownBy(
            () ->
                FormatOptions.createFormat(
                    Configuration.fromMap(
                        Map.of(
                            "format",
                            "json",
                            "avro",
                            Map.of("registry", Map.of("url", "http://127.0.0.1:8080"))))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("avro.registry.url applies only to format avro");
    assertThatThrownBy(
            () ->
                FormatOptions.createFormat(
                    Configuration.fromMap(
                        Map.of(
                            "format",
                            "avro",
                            "avro",
                            Map.of(
                                "registry",
                                Map.of("url", "http://127.0.0.1:8080", "user", "ann"))))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs both avro.registry.user and avro.registry.password");
    assertThatThrownBy(
            () ->
                FormatOptions.createFormat(
                    Configuration.fromMap(
                        Map.of(
                            "format",
                            "avro",
                            "avro",
                            Map.of("registry", Map.of("url", "ftp://x"))))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("avro.registry.url");
  }

  @Test
  void subjectStrategiesNameSubjectsAsConfluentDoes() {
    assertThat(SubjectNameStrategy.TOPIC.subject("orders", "com.acme.Order"))
        .isEqualTo("orders-value");
    assertThat(SubjectNameStrategy.RECORD.subject(null, "com.acme.Order"))
        .isEqualTo("com.acme.Order");
    assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("orders", "com.acme.Order"))
        .isEqualTo("orders-com.acme.Order");
    assertThatThrownBy(() -> SubjectNameStrategy.TOPIC.subject(null, "com.acme.Order"))
        .hasMessageContaining("use avro.registry.subjectStrategy: record");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
