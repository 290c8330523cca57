package dev.shardline.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Boundedness;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.source.KafkaSource;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stoppingOffsets.* options, their rules, and the builder methods that set them. */
class KafkaSourceStoppingOffsetsOptionsTest {

  private static Configuration read(Map<String, Object> more) {
    Map<String, Object> yaml = new HashMap<>(more);
    yaml.put("bootstrapServers", "127.0.0.1:9092");
    yaml.put("topics", List.of("orders"));
    return KafkaSourceOptions.OPTIONS.read(yaml);
  }

  private static KafkaSource.Builder<String> builder() {
    return KafkaSource.builder()
        .format(StringFormat.utf8())
        .bootstrapServers("127.0.0.1:9092")
        .topics("a");
  }

  @Test
  void byDefaultTheSourceIsUnbounded() {
    Configuration config = read(Map.of());
    assertThat(config.get(KafkaSourceOptions.STOPPING_OFFSETS)).isEqualTo(StoppingOffsetsType.NONE);
    assertThat(KafkaSourceOptions.isBounded(config)).isFalse();
    assertThat(builder().build().boundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
  }

  @Test
  void nestedYamlMakesTheSourceBounded() {
    Configuration latest = read(Map.of("stoppingOffsets", Map.of("type", "latest")));
    assertThat(latest.get(KafkaSourceOptions.STOPPING_OFFSETS))
        .isEqualTo(StoppingOffsetsType.LATEST);
    assertThat(KafkaSource.fromConfiguration(latest).boundedness()).isEqualTo(Boundedness.BOUNDED);

    Configuration timestamp =
        read(Map.of("stoppingOffsets", Map.of("type", "timestamp", "timestamp", "1714521600000")));
    assertThat(KafkaSourceOptions.stoppingTimestamp(timestamp))
        .isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThat(KafkaSource.fromConfiguration(timestamp).boundedness())
        .isEqualTo(Boundedness.BOUNDED);
  }

  @Test
  void theBuilderSetsTheSameOptions() {
    KafkaSource<String> latest = builder().stoppingOffsets(StoppingOffsetsType.LATEST).build();
    assertThat(latest.configuration().get(KafkaSourceOptions.STOPPING_OFFSETS))
        .isEqualTo(StoppingOffsetsType.LATEST);
    assertThat(latest.boundedness()).isEqualTo(Boundedness.BOUNDED);

    Instant at = Instant.parse("2024-05-02T00:00:00Z");
    KafkaSource<String> timestamp = builder().stoppingTimestamp(at).build();
    assertThat(timestamp.configuration().get(KafkaSourceOptions.STOPPING_OFFSETS))
        .isEqualTo(StoppingOffsetsType.TIMESTAMP);
    assertThat(KafkaSourceOptions.stoppingTimestamp(timestamp.configuration())).isEqualTo(at);

    assertThat(builder().stoppingOffsets(StoppingOffsetsType.NONE).build().boundedness())
        .isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    assertThatThrownBy(() -> builder().stoppingOffsets(StoppingOffsetsType.TIMESTAMP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stoppingTimestamp(Instant)");
  }

  @Test
  void crossFieldRulesNameTheKeysAndTheFix() {
    assertThatThrownBy(() -> read(Map.of("stoppingOffsets.type", "timestamp")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "stoppingOffsets.type timestamp needs stoppingOffsets.timestamp, e.g."
                + " 2024-05-01T00:00:00Z");
    assertThatThrownBy(
            () -> read(Map.of("stoppingOffsets.type", "latest", "stoppingOffsets.timestamp", "0")))
        .hasMessageStartingWith(
            "stoppingOffsets.timestamp applies only to stoppingOffsets.type timestamp");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "stoppingOffsets.type", "timestamp", "stoppingOffsets.timestamp", "soon")))
        .hasMessageContaining("must be an ISO-8601 instant");
    assertThatThrownBy(() -> read(Map.of("stoppingOffsets.type", "committed")))
        .hasMessageContaining("stoppingOffsets.type");
  }

  @Test
  void aBoundedSourceRefusesPeriodicPartitionDiscovery() {
    assertThatThrownBy(
            () -> read(Map.of("stoppingOffsets.type", "latest", "discovery.interval", "10s")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "A bounded source (stoppingOffsets.type latest) lists its partitions once, at the first"
                + " start, and reads no partition found later; remove discovery.interval");
    assertThatThrownBy(
            () ->
                builder()
                    .stoppingOffsets(StoppingOffsetsType.LATEST)
                    .discoveryInterval(Duration.ofSeconds(5))
                    .build())
        .isInstanceOf(ConfigException.class);
    // listing once is what a bounded source does anyway
    assertThat(
            KafkaSourceOptions.isBounded(
                read(Map.of("stoppingOffsets.type", "latest", "discovery.interval", "0ms"))))
        .isTrue();
  }
}
