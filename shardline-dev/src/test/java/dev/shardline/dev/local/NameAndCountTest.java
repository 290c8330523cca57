package dev.shardline.dev.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NameAndCountTest {
  @Test
  void aNameAndItsCount() {
    assertThat(NameAndCount.parse("orders:2")).isEqualTo(new NameAndCount("orders", 2));
    assertThat(NameAndCount.parse("paid-orders")).isEqualTo(new NameAndCount("paid-orders", 1));
  }

  @Test
  void aBadCountSaysWhatToWrite() {
    assertThatThrownBy(() -> NameAndCount.parse("orders:two"))
        .hasMessageContaining("'orders:two'")
        .hasMessageContaining("orders:2");
    assertThatThrownBy(() -> NameAndCount.parse("orders:0")).hasMessageContaining("between 1");
    assertThatThrownBy(() -> NameAndCount.parse(":2")).hasMessageContaining("no name");
  }
}
