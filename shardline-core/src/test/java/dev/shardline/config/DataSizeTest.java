package dev.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataSizeTest {

  @Test
  void printsTheShortestExactForm() {
    assertThat(DataSize.ofMegabytes(4)).hasToString("4MB");
    assertThat(DataSize.ofMebibytes(5)).hasToString("5MiB");
    assertThat(DataSize.ofKibibytes(1)).hasToString("1KiB");
    assertThat(DataSize.ofBytes(1500)).hasToString("1500B");
    assertThat(DataSize.ZERO).hasToString("0B");
  }

  @Test
  void theTextFormReadsBackToTheSameSize() {
    for (DataSize size :
        new DataSize[] {
          DataSize.ofMegabytes(4), DataSize.ofMebibytes(5), DataSize.ofBytes(1500), DataSize.ZERO
        }) {
      assertThat(DataSize.parse(size.toString())).isEqualTo(size);
    }
  }

  @Test
  void negativeOrOverflowingSizesAreRefused() {
    assertThatThrownBy(() -> DataSize.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DataSize.parse("9999999999GiB")).hasMessageContaining("too large");
    assertThat(DataSize.parse("1KB")).isLessThan(DataSize.parse("1KiB"));
    assertThat(DataSize.parse("1gib").bytes()).isEqualTo(1L << 30);
  }
}
