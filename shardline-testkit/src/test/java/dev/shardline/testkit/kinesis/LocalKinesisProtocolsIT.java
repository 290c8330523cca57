package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.internal.Await;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/** HTTP/1.1, HTTP/2 (h2c and over TLS) and enhanced fan-out against one kinesis-local. */
class LocalKinesisProtocolsIT {
  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(LocalKinesis.builder().initialStream("fan-out", 1));

  @Test
  void theExtensionInjectsItsServer(LocalKinesis kinesis) {
    assertThat(kinesis).isSameAs(KINESIS.get());
    assertThat(kinesis.client().listStreams().streamNames()).contains("fan-out");
  }

  @Test
  void asyncClientsSpeakHttp11UnlessAskedForHttp2() throws Exception {
    LocalKinesis kinesis = KINESIS.get();
    assertThat(protocolSeen(kinesis.plainEndpoint(), false)).isEqualTo("HTTP/1.1");
    assertThat(protocolSeen(kinesis.plainEndpoint(), true)).isEqualTo("HTTP/2");
    assertThat(kinesis.asyncClient().listStreams().get().streamNames()).contains("fan-out");
    assertThat(kinesis.http2AsyncClient().listStreams().get().streamNames()).contains("fan-out");
  }

  @Test
  void theTlsEndpointServesHttpsAndHttp2() throws Exception {
    // Given kinesis-local's HTTPS port with its self-signed certificate
    LocalKinesis kinesis = KINESIS.get();
    URI tls = kinesis.tlsEndpoint();
    assertThat(tls.getScheme()).isEqualTo("https");

    // Then a sync client and both async protocols work over it
    try (KinesisClient client =
        KinesisClients.sync(tls, kinesis.region(), kinesis.credentials(), true)) {
      assertThat(client.listStreams().streamNames()).contains("fan-out");
    }
    assertThat(protocolSeen(tls, false)).isEqualTo("HTTP/1.1");
    assertThat(protocolSeen(tls, true)).isEqualTo("HTTP/2");
  }

  @Test
  void enhancedFanOutDeliversRecordsOverHttp2() throws Exception {
    // Given a registered, ACTIVE consumer of a stream holding one record
    LocalKinesis kinesis = KINESIS.get();
    KinesisClient client = kinesis.client();
    String streamArn =
        client
            .describeStreamSummary(b -> b.streamName("fan-out"))
            .streamDescriptionSummary()
            .streamARN();
    String consumerArn =
        client
            .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("efo"))
            .consumer()
            .consumerARN();
    Await.until(
        "consumer efo to become ACTIVE",
        Duration.ofSeconds(30),
        Duration.ofMillis(50),
        () ->
            client
                    .describeStreamConsumer(b -> b.consumerARN(consumerArn))
                    .consumerDescription()
                    .consumerStatus()
                == ConsumerStatus.ACTIVE);
    client.putRecord(
        b -> b.streamName("fan-out").partitionKey("k").data(SdkBytes.fromUtf8String("pushed")));
    String shardId = client.listShards(b -> b.streamName("fan-out")).shards().get(0).shardId();

    // When the HTTP/2 client subscribes to the shard from its start
    CompletableFuture<List<Record>> received = new CompletableFuture<>();
    SubscribeToShardResponseHandler handler =
        SubscribeToShardResponseHandler.builder()
            .onError(received::completeExceptionally)
            .subscriber(
                SubscribeToShardResponseHandler.Visitor.builder()
                    .onSubscribeToShardEvent(
                        (SubscribeToShardEvent event) -> {
                          if (!event.records().isEmpty()) {
                            received.complete(event.records());
                          }
                        })
                    .build())
            .build();
    CompletableFuture<Void> subscription =
        kinesis
            .http2AsyncClient()
            .subscribeToShard(
                b ->
                    b.consumerARN(consumerArn)
                        .shardId(shardId)
                        .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
                handler);

    // Then the record arrives as an event
    try {
      List<Record> records = received.get(30, TimeUnit.SECONDS);
      assertThat(records)
          .extracting(r -> new String(r.data().asByteArray(), StandardCharsets.UTF_8))
          .containsExactly("pushed");
    } finally {
      subscription.cancel(true);
    }
  }

  /** The HTTP version a fresh async client of {@code endpoint} used for one ListStreams call. */
  private static String protocolSeen(URI endpoint, boolean http2) throws Exception {
    Set<String> metrics = ConcurrentHashMap.newKeySet();
    MetricPublisher publisher =
        new MetricPublisher() {
          @Override
          public void publish(MetricCollection collection) {
            collect(collection, metrics);
          }

          @Override
          public void close() {}
        };
    try (KinesisAsyncClient client =
        KinesisClients.builder(endpoint)
            .region(KINESIS.get().region())
            .http2(http2)
            .overrideConfiguration(o -> o.addMetricPublisher(publisher))
            .buildAsync()) {
      client.listStreams().get(30, TimeUnit.SECONDS);
    }
    // the SDK reports stream window sizes for HTTP/2 connections only
    return metrics.contains("LocalStreamWindowSize") ? "HTTP/2" : "HTTP/1.1";
  }

  private static void collect(MetricCollection collection, Set<String> names) {
    collection.forEach(record -> names.add(record.metric().name()));
    collection.children().forEach(child -> collect(child, names));
  }
}
