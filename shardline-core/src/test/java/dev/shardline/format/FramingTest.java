package dev.shardline.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FramingTest {

  private static List<String> lines(String data) {
    return Framing.NEWLINE.split(data.getBytes(UTF_8)).stream()
        .map(b -> new String(b, UTF_8))
        .toList();
  }

  @Test
  void oneRecordOfManyLinesBecomesOneRecordPerLine() {
    assertThat(lines("{\"a\":1}\n{\"a\":2}\n{\"a\":3}"))
        .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
  }

  @Test
  void theEmptyLineAfterAFinalNewlineIsIgnored() {
    assertThat(lines("a\nb\n")).containsExactly("a", "b");
    assertThat(lines("")).isEmpty();
    assertThat(lines("\n")).containsExactly("");
  }

  @Test
  void crlfLineEndsLoseTheirCarriageReturn() {
    assertThat(lines("a\r\nb\r\n")).containsExactly("a", "b");
    assertThat(lines("a\r\nb\r")).containsExactly("a", "b");
    assertThat(lines("a\rb\n")).containsExactly("a\rb");
  }

  @Test
  void emptyLinesInTheMiddleAreKeptAsEmptyRecords() {
    assertThat(lines("a\n\nb")).containsExactly("a", "", "b");
  }

  @Test
  void noFramingKeepsTheRecordWhole() {
    byte[] data = "a\nb\n".getBytes(UTF_8);
    assertThat(Framing.NONE.split(data)).singleElement().isSameAs(data);
  }
}
