package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Which wire protocol each client sends, seen by an interceptor that stops every request before it
 * leaves the JVM: no server needed.
 */
class KinesisClientsTest {
  // nothing listens there, and no request gets that far
  private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

  private final List<String> contentTypes = new ArrayList<>();
  private final List<SdkClient> clients = new ArrayList<>();
  private String savedProperty;

  @BeforeEach
  void saveProperty() {
    savedProperty = System.getProperty(KinesisClients.CBOR_PROPERTY);
  }

  @AfterEach
  void restoreProperty() {
    clients.forEach(SdkClient::close);
    if (savedProperty == null) {
      System.clearProperty(KinesisClients.CBOR_PROPERTY);
    } else {
      System.setProperty(KinesisClients.CBOR_PROPERTY, savedProperty);
    }
  }

  @Test
  void eachClientKeepsTheProtocolItWasBuiltWith() {
    // Given the JVM-wide setting says CBOR off
    System.setProperty(KinesisClients.CBOR_PROPERTY, "false");

    // When a CBOR client, a JSON client and a CBOR async client are built
    KinesisClient cbor = sync(true);
    KinesisClient json = sync(false);
    KinesisAsyncClient asyncCbor = async(true);
    // and the setting flips afterwards
    System.setProperty(KinesisClients.CBOR_PROPERTY, "true");

    // Then each sends what it was built for
    send(cbor);
    send(json);
    send(asyncCbor);
    assertThat(contentTypes)
        .containsExactly(
            "application/x-amz-cbor-1.1",
            "application/x-amz-json-1.1",
            "application/x-amz-cbor-1.1");
  }

  @Test
  void buildingAClientLeavesTheJvmWideSettingAsItWas() {
    System.clearProperty(KinesisClients.CBOR_PROPERTY);
    sync(false);
    assertThat(System.getProperty(KinesisClients.CBOR_PROPERTY)).isNull();

    System.setProperty(KinesisClients.CBOR_PROPERTY, "true");
    async(false);
    assertThat(System.getProperty(KinesisClients.CBOR_PROPERTY)).isEqualTo("true");
  }

  @Test
  void aClientBuiltBehindItsBackFailsWithAClearError() {
    // Given a plain SDK client built while the JVM-wide setting said JSON, carrying the check of a
    // client meant to speak CBOR (what a concurrent change of the setting would produce)
    System.setProperty(KinesisClients.CBOR_PROPERTY, "false");
    KinesisClient client =
        KinesisClient.builder()
            .endpointOverride(NOWHERE)
            .region(Region.US_EAST_1)
            .credentialsProvider(KinesisClients.dummyCredentials())
            .overrideConfiguration(
                o -> o.addExecutionInterceptor(new KinesisClients.ProtocolCheck(true)))
            .build();
    clients.add(client);

    // Then its requests fail before they are sent, saying why
    assertThatThrownBy(client::listStreams)
        .satisfies(
            e ->
                assertThat(innermost(e))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(
                        "meant to speak CBOR but sends application/x-amz-json-1.1"));
  }

  @Test
  void onlyLoopbackEndpointsAreAccepted() {
    assertThat(KinesisClients.builder(URI.create("http://localhost:4567"))).isNotNull();
    assertThat(KinesisClients.builder(URI.create("https://127.0.0.2:4567"))).isNotNull();
    assertThat(KinesisClients.builder(URI.create("http://[::1]:4567"))).isNotNull();
    for (String endpoint :
        List.of(
            "http://kinesis.us-east-1.amazonaws.com:443",
            "http://198.51.100.7:4567",
            "http://127.0.0.1",
            "ftp://127.0.0.1:21")) {
      assertThatThrownBy(() -> KinesisClients.builder(URI.create(endpoint)))
          .as(endpoint)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(endpoint);
    }
  }

  @Test
  void theSyncClientRefusesHttp2() {
    assertThatThrownBy(() -> KinesisClients.builder(NOWHERE).http2(true).buildSync())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("buildAsync");
  }

  private KinesisClient sync(boolean cbor) {
    KinesisClient client =
        KinesisClients.builder(NOWHERE)
            .cbor(cbor)
            .overrideConfiguration(o -> o.addExecutionInterceptor(new StopBeforeSending()))
            .buildSync();
    clients.add(client);
    return client;
  }

  private KinesisAsyncClient async(boolean cbor) {
    KinesisAsyncClient client =
        KinesisClients.builder(NOWHERE)
            .cbor(cbor)
            .overrideConfiguration(o -> o.addExecutionInterceptor(new StopBeforeSending()))
            .buildAsync();
    clients.add(client);
    return client;
  }

  private static void send(KinesisClient client) {
    assertThatThrownBy(client::listStreams)
        .satisfies(e -> assertThat(innermost(e)).isInstanceOf(Stopped.class));
  }

  private static void send(KinesisAsyncClient client) {
    assertThatThrownBy(() -> client.listStreams().join())
        .satisfies(e -> assertThat(innermost(e)).isInstanceOf(Stopped.class));
  }

  /** The sync client throws an interceptor's exception as is, the async one wraps it. */
  private static Throwable innermost(Throwable thrown) {
    Throwable innermost = thrown;
    while (innermost.getCause() != null) {
      innermost = innermost.getCause();
    }
    return innermost;
  }

  private final class StopBeforeSending implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      contentTypes.add(context.httpRequest().firstMatchingHeader("Content-Type").orElse("none"));
      throw new Stopped();
    }
  }

  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }
}
