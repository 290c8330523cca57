package dev.shardline.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyExpressionTest {
  private final PipelineRecord record =
      PipelineRecord.of(
          "{\"customer\":{\"id\":42,\"name\":\"Ada\"},\"tags\":[\"a\"]}",
          Map.of(
              "partitionKey",
              "pk-1",
              "key",
              "k".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

  @Test
  void aPointerReadsTheValueAsText() {
    assertThat(KeyExpression.parse("/customer/id").apply(record)).isEqualTo("42");
    assertThat(KeyExpression.parse("/customer/name").apply(record)).isEqualTo("Ada");
    assertThat(KeyExpression.parse("/tags").apply(record)).isEqualTo("[\"a\"]");
    assertThat(KeyExpression.parse("/missing").apply(record)).isNull();
    assertThat(KeyExpression.parse("/customer/id").metadataField()).isEmpty();
  }

  @Test
  void metadataReadsAMetadataField() {
    assertThat(KeyExpression.parse("metadata.partitionKey").apply(record)).isEqualTo("pk-1");
    assertThat(KeyExpression.parse("metadata.key").apply(record)).isEqualTo("k");
    assertThat(KeyExpression.parse("metadata.partitionKey").metadataField())
        .contains("partitionKey");
  }

  @Test
  void otherFormsAreRefused() {
    assertThat(KeyExpression.isValid("customerId")).isFalse();
    assertThat(KeyExpression.isValid("metadata.")).isFalse();
    assertThat(KeyExpression.isValid("/")).isFalse();
    assertThatThrownBy(() -> KeyExpression.RULE.ensureValid("customerId"))
        .hasMessageContaining("must be a JSON pointer into the record (/customerId) or metadata");
    assertThatThrownBy(() -> KeyExpression.parse("customerId"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
