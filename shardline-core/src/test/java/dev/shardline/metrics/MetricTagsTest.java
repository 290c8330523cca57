package dev.shardline.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricTagsTest {

  @Test
  void tagsUseTheSharedKeysAndRegisterWithMicrometer() {
    // Given tags built up step by step
    MetricTags base = MetricTags.empty().pipeline("orders-to-kafka").source("kinesis:orders");
    MetricTags perShard = base.split("shardId-000000000001");

    // When a counter is registered with them
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Counter.builder(MetricNames.SOURCE_RECORDS).tags(perShard).register(registry).increment(3);

    // Then the meter is found by the same names, and the base tags did not change
    assertThat(
            registry
                .get("shardline.source.records")
                .tags("pipeline", "orders-to-kafka", "source", "kinesis:orders")
                .tag("split", "shardId-000000000001")
                .counter()
                .count())
        .isEqualTo(3.0);
    assertThat(base)
        .containsExactly(Tag.of("pipeline", "orders-to-kafka"), Tag.of("source", "kinesis:orders"));
    assertThat(base.sink("kafka:copy").sink("kafka:other").toTags())
        .contains(Tag.of("sink", "kafka:other"))
        .doesNotContain(Tag.of("sink", "kafka:copy"));
  }

  @Test
  void aNullValueIsRefusedNamingTheTag() {
    assertThatThrownBy(() -> MetricTags.empty().source(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("source cannot be null");
  }
}
