package dev.shardline.cli.connect;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.Configuration;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.FormatType;
import dev.shardline.format.SerializationSchema;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordFormatsTest {

  @Test
  void aRecordThatIsNotJsonIsTheRecordsFaultSoASinkCanDeadLetterIt() throws Exception {
    SerializationSchema<Object> json =
        RecordFormats.serializer(
            Configuration.builder().set(FormatOptions.FORMAT, FormatType.JSON).build(), "events");

    assertThat(new String(json.serialize(PipelineRecord.of("{\"a\":1}", Map.of())), UTF_8))
        .isEqualTo("{\"a\":1}");
    // an IOException goes through the sink's invalid-record policy (dead-letter); a
    // ShardlineException would fail the write as the format's own trouble, again at each restart
    assertThatThrownBy(() -> json.serialize(PipelineRecord.of("not json", Map.of())))
        .isExactlyInstanceOf(IOException.class)
        .hasMessageContaining("a record is not JSON")
        .hasMessageContaining("use format string or bytes in the sink");
  }

  @Test
  void aRecordAsTextIsItsValue() {
    assertThat(PipelineRecord.of("hello world", Map.of("stream", "text")))
        .hasToString("hello world");
    assertThat(PipelineRecord.of("not json".getBytes(UTF_8), Map.of())).hasToString("not json");
  }

  @Test
  void theRawContentADeadLetterOfAnUnserializableRecordCarriesIsItsValueExactly() {
    // the Kinesis sink dead-letters RawContent.of(record) when the format fails
    byte[] binary = {(byte) 0xff, 0, (byte) 0xc3, 0x28}; // not valid UTF-8
    assertThat(dev.shardline.api.RawContent.of(PipelineRecord.of(binary, Map.of())))
        .isEqualTo(binary);
    assertThat(dev.shardline.api.RawContent.of(PipelineRecord.of("hello world", Map.of())))
        .isEqualTo("hello world".getBytes(UTF_8));
  }
}
