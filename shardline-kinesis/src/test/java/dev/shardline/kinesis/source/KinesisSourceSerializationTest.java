package dev.shardline.kinesis.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.SourceReader;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.config.Serializability;
import dev.shardline.format.BadDataPolicy;
import dev.shardline.format.JsonFormat;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.source.enumerator.ShardAssigner;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.proxy.KinesisProxyFactory;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.kinesis.testing.FakeKinesis;
import dev.shardline.kinesis.testing.TestReaderContext;
import dev.shardline.testkit.serial.JavaSerialization;
import dev.shardline.time.ManualTime;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Kinesis source is shipped to Flink by Java serialization: it must arrive whole and working. */
class KinesisSourceSerializationTest {
  private static final String STREAM = "orders";
  private static final String SHARD0 = "shardId-000000000000";
  private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private static final ManualTime TIME = new ManualTime();
  // what every copy of SharedFakeFactory connects to: the copy shipped to a "task" as well
  private static final FakeKinesis KINESIS = new FakeKinesis(TIME);

  /** A serializable factory of the one fake, as a test on one JVM may ship it. */
  static final class SharedFakeFactory implements KinesisProxyFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public KinesisProxy create(Configuration config) {
      return KINESIS;
    }
  }

  @Test
  void aSourceAsTheReadmeBuildsItArrivesWithItsIdentityAndOptions() {
    KinesisSource<JsonNode> source =
        KinesisSource.builder().stream("orders")
            .region(AwsRegion.of("eu-west-1"))
            .credentials(AwsCredentials.profile("analytics", Path.of("/home/me/.aws/credentials")))
            .startingPosition(StartingPosition.earliest())
            .format(JsonFormat.forJsonNode())
            .badDataPolicy(BadDataPolicy.DEAD_LETTER)
            .shardAssigner(ShardAssigner.uniform())
            .build();

    KinesisSource<JsonNode> shipped =
        JavaSerialization.roundTrip(Serializability.requireSerializable(source, "source"));

    assertThat(shipped.identity()).isEqualTo("kinesis:orders");
    assertThat(shipped.configuration()).isEqualTo(source.configuration());
    assertThat(shipped).hasToString(source.toString());
  }

  @Test
  void aSourceFromAYamlSectionArrivesWithItsSecretsStillMasked() {
    KinesisSource<?> source =
        KinesisSource.fromConfiguration(
            Map.of(
                "streams", List.of("orders", "payments"),
                "awsRegion",
                    Map.of(
                        "type",
                        "custom-endpoint",
                        "endpoint",
                        "http://127.0.0.1:4567",
                        "id",
                        "us-east-1"),
                "awsCredentials",
                    Map.of(
                        "type", "basic",
                        "accessKeyId", "AKIAIOSFODNN7EXAMPLE",
                        "secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                "startupPosition", Map.of("type", "date", "date", "2026-03-01T00:00:00Z"),
                "format", "json"));

    KinesisSource<?> shipped = JavaSerialization.roundTrip(source);

    assertThat(shipped.identity()).isEqualTo("kinesis:orders,payments");
    assertThat(shipped.configuration()).isEqualTo(source.configuration());
    assertThat(shipped.toString()).doesNotContain("bPxRfiCYEXAMPLEKEY");
  }

  @Test
  void aShippedSourceReadsTheRecordsTheOriginalWould() throws Exception {
    KINESIS.createStream(STREAM, 1);
    KINESIS.putToShard(STREAM, SHARD0, "alice", "{\"n\":1}".getBytes(UTF_8));
    KINESIS.putToShard(STREAM, SHARD0, "bob", "{\"n\":2}".getBytes(UTF_8));
    KinesisSource<JsonNode> shipped =
        JavaSerialization.roundTrip(
            KinesisSource.builder().stream(STREAM)
                .endpoint(URI.create("http://127.0.0.1:1"), "us-east-1")
                .format(JsonFormat.forJsonNode())
                .proxyFactory(new SharedFakeFactory())
                .build());

    List<String> read = new ArrayList<>();
    try (SourceReader<KinesisRecord<JsonNode>, KinesisShardSplit> reader =
        shipped.createReader(new TestReaderContext(TIME))) {
      reader.start();
      reader.addSplits(
          List.of(
              new KinesisShardSplit(
                  STREAM,
                  SHARD0,
                  List.of(),
                  "0",
                  MAX_HASH.toString(),
                  ShardPosition.trimHorizon(),
                  false)));
      ReaderOutput<KinesisRecord<JsonNode>> output =
          new ReaderOutput<>() {
            @Override
            public void collect(KinesisRecord<JsonNode> record) {
              collect(record, 0);
            }

            @Override
            public void collect(KinesisRecord<JsonNode> record, long eventTimeMillis) {
              read.add(record.partitionKey() + "=" + record.value().get("n").asInt());
            }
          };
      for (int step = 0; step < 100 && read.size() < 2; step++) {
        while (reader.pollNext(output) == InputStatus.MORE_AVAILABLE) {
          // drain
        }
        TIME.advance(Duration.ofMillis(10));
      }
    }

    assertThat(read).containsExactly("alice=1", "bob=2");
  }

  @Test
  void aProxyFactoryCapturingAFakeThatCannotBeSerializedIsRefusedNamingIt() {
    FakeKinesis local = new FakeKinesis(new ManualTime());
    KinesisSource<byte[]> source =
        KinesisSource.builder().stream(STREAM).proxyFactory(config -> local).build();

    assertThatThrownBy(() -> Serializability.requireSerializable(source, "source kinesis"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "KinesisSource.proxyFactory is a lambda or method reference written in "
                + KinesisSourceSerializationTest.class.getName()
                + " capturing a "
                + FakeKinesis.class.getName());
  }
}
