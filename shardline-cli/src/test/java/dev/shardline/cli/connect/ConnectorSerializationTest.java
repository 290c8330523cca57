package dev.shardline.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.Sink;
import dev.shardline.api.Source;
import dev.shardline.cli.connect.SourceType.ConfiguredSource;
import dev.shardline.config.Configuration;
import dev.shardline.config.Serializability;
import dev.shardline.testkit.serial.JavaSerialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every source and sink a pipeline file can name, built as the {@code shardline} command builds it,
 * can be shipped to Flink: it passes the serializability check and arrives the same.
 */
class ConnectorSerializationTest {
  @TempDir Path dir;

  @Test
  void everySourceTypeAsAPipelineFileBuildsItIsSerializable() {
    Map<String, Map<String, Object>> sections =
        Map.of(
            "generator", Map.of("kind", "json-events", "keys", 4, "count", 10),
            "kinesis", Map.of("streams", List.of("orders"), "format", "json"),
            "kafka",
                Map.of(
                    "bootstrapServers",
                    "127.0.0.1:9092",
                    "topics",
                    List.of("orders"),
                    "format",
                    "json"));
    assertThat(ConnectorRegistry.get().sources()).hasSameSizeAs(sections.keySet());

    for (SourceType type : ConnectorRegistry.get().sources()) {
      ConfiguredSource<?> configured =
          type.create(Configuration.fromMap(sections.get(type.name())));
      Source<?, ?, ?> source =
          Serializability.requireSerializable(configured.source(), "source " + type.name());
      Serializability.requireSerializable(configured.toRecord(), "toRecord of " + type.name());

      Source<?, ?, ?> shipped = JavaSerialization.roundTrip(source);

      assertThat(shipped.identity()).as(type.name()).isEqualTo(source.identity());
      assertThat(shipped).as(type.name()).hasToString(source.toString());
    }
  }

  @Test
  void everySinkTypeAsAPipelineFileBuildsItIsSerializableKeyFunctionsIncluded() {
    Map<String, Map<String, Object>> sections =
        Map.of(
            "file", Map.of("path", dir.toString(), "format", "json-lines"),
            "stdout", Map.of("format", "lines"),
            "kinesis",
                Map.of(
                    "stream", "orders-out",
                    "format", "json",
                    "partitionKey", "/customer",
                    "explicitHashKey", "metadata.explicitHashKey"),
            "kafka",
                Map.of(
                    "bootstrapServers", "127.0.0.1:9092",
                    "topic", "orders-out",
                    "format", "json",
                    "key", "/customer",
                    "deliveryGuarantee", "exactly-once"));
    assertThat(ConnectorRegistry.get().sinks()).hasSameSizeAs(sections.keySet());

    for (SinkType type : ConnectorRegistry.get().sinks()) {
      Sink<PipelineRecord> sink =
          Serializability.requireSerializable(
              type.create(Configuration.fromMap(sections.get(type.name()))), "sink " + type.name());

      Sink<PipelineRecord> shipped = JavaSerialization.roundTrip(sink);

      assertThat(shipped).as(type.name()).hasToString(sink.toString());
    }
  }
}
