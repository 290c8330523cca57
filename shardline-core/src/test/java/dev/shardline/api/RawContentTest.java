package dev.shardline.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RawContentTest {

  @Test
  void aDeadLetterOfAnUnserializableRecordKeepsItsBytesExactly() {
    byte[] binary = {(byte) 0xff, 0, (byte) 0xc3, 0x28}; // not valid UTF-8
    RawContent record = () -> binary;

    assertThat(RawContent.of(record)).isSameAs(binary);
    assertThat(RawContent.of(binary)).isSameAs(binary);
    // through text, the invalid bytes would have become replacement characters
    assertThat(new String(binary, UTF_8).getBytes(UTF_8)).isNotEqualTo(binary);
  }

  @Test
  void anyOtherRecordIsItsTextAsUtf8() {
    assertThat(RawContent.of("héllo")).isEqualTo("héllo".getBytes(UTF_8));
    assertThat(RawContent.of(42)).isEqualTo("42".getBytes(UTF_8));
    assertThat(RawContent.of(null)).isEqualTo("null".getBytes(UTF_8));
  }
}
