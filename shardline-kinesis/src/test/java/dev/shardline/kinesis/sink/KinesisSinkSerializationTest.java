package dev.shardline.kinesis.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.shardline.api.SinkWriter;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Serializability;
import dev.shardline.format.JsonFormat;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.testkit.serial.JavaSerialization;
import dev.shardline.testsupport.StandaloneSinkContext;
import java.math.BigInteger;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** A Kinesis sink is shipped to Flink by Java serialization: it must arrive whole and working. */
class KinesisSinkSerializationTest {
  private static final String SHARD = "shardId-000000000000";
  private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  /** What every copy of {@link RecordingClient} was sent. */
  private static final ConcurrentLinkedQueue<PutRecordsRequestEntry> SENT =
      new ConcurrentLinkedQueue<>();

  record Order(String customerId, int total) {
    byte[] toBytes() {
      return (customerId + ":" + total).getBytes(UTF_8);
    }
  }

  /** Something a user's job might hold that cannot be serialized. */
  static final class Directory {
    String regionOf(Order order) {
      return "eu";
    }
  }

  /** A one-shard Kinesis that accepts every record; made by the shipped sink's writer. */
  static final class RecordingClient implements KinesisAsyncClient {
    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
      return CompletableFuture.completedFuture(
          ListShardsResponse.builder()
              .shards(
                  Shard.builder()
                      .shardId(SHARD)
                      .hashKeyRange(
                          HashKeyRange.builder()
                              .startingHashKey("0")
                              .endingHashKey(MAX_HASH.toString())
                              .build())
                      .sequenceNumberRange(
                          SequenceNumberRange.builder().startingSequenceNumber("1").build())
                      .build())
              .build());
    }

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
      SENT.addAll(request.records());
      return CompletableFuture.completedFuture(
          PutRecordsResponse.builder()
              .failedRecordCount(0)
              .records(
                  request.records().stream()
                      .map(
                          r ->
                              PutRecordsResultEntry.builder()
                                  .shardId(SHARD)
                                  .sequenceNumber(String.valueOf(SENT.size()))
                                  .build())
                      .toList())
              .build());
    }

    @Override
    public String serviceName() {
      return "kinesis";
    }

    @Override
    public void close() {}
  }

  @Test
  void aSinkAsTheReadmeBuildsItArrivesWithItsOptions() {
    KinesisSink<Order> sink =
        KinesisSink.<Order>builder().stream("orders-out")
            .region(AwsRegion.of("eu-west-1"))
            .partitionKey(order -> order.customerId())
            .format(JsonFormat.forClass(Order.class))
            .aggregation(true)
            .build();

    KinesisSink<Order> shipped =
        JavaSerialization.roundTrip(Serializability.requireSerializable(sink, "sink"));

    assertThat(shipped.configuration()).isEqualTo(sink.configuration());
    assertThat(shipped).hasToString(sink.toString());
  }

  @Test
  void aShippedSinkWritesWithItsKeyAndValueFunctions() throws Exception {
    SENT.clear();
    KinesisSink<Order> sink =
        KinesisSink.<Order>builder().stream("orders-out")
            .region(AwsRegion.customEndpoint(URI.create("http://127.0.0.1:1"), "us-east-1"))
            .partitionKey(Order::customerId)
            .explicitHashKey(order -> order.total() > 100 ? "7" : null)
            .format(Order::toBytes)
            .clientProvider(RecordingClient::new)
            .build();

    KinesisSink<Order> shipped = JavaSerialization.roundTrip(sink);
    try (SinkWriter<Order> writer = shipped.createWriter(StandaloneSinkContext.of("ship"))) {
      writer.write(new Order("c-1", 5));
      writer.write(new Order("c-2", 500));
      writer.flush();
    }

    assertThat(SENT)
        .extracting(
            PutRecordsRequestEntry::partitionKey,
            PutRecordsRequestEntry::explicitHashKey,
            e -> e.data().asUtf8String())
        .containsExactly(tuple("c-1", null, "c-1:5"), tuple("c-2", "7", "c-2:500"));
  }

  @Test
  void theJavaFormOfTheReadmeArrivesToo() {
    KinesisSink<Order> sink = KinesisSink.of("orders-out", Order::customerId, Order::toBytes);

    assertThat(JavaSerialization.roundTrip(sink).configuration()).isEqualTo(sink.configuration());
  }

  @Test
  void aSinkFromAYamlSectionArrives() {
    KinesisSink<Object> sink =
        KinesisSink.fromConfiguration(
            Map.of("stream", "orders-out", "format", "string", "flush", Map.of("maxAge", "2s")));

    assertThat(JavaSerialization.roundTrip(sink).configuration()).isEqualTo(sink.configuration());
  }

  @Test
  void aPartitionKeyFunctionCapturingSomethingNotSerializableIsRefusedNamingIt() {
    Directory directory = new Directory();
    KinesisSink<Order> sink =
        KinesisSink.<Order>builder().stream("orders-out")
            .partitionKey(order -> directory.regionOf(order))
            .format(Order::toBytes)
            .build();

    assertThatThrownBy(() -> Serializability.requireSerializable(sink, "sink sink-0 (KinesisSink)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "KinesisSink.partitionKey is a lambda or method reference written in "
                + KinesisSinkSerializationTest.class.getName()
                + " capturing a "
                + Directory.class.getName()
                + ", which is not Serializable");
  }
}
