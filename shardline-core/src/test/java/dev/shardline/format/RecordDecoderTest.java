package dev.shardline.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.time.ManualTime;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
  private static final RecordCoordinates AT =
      RecordCoordinates.of(
          "stream", "orders",
          "shardId", "shardId-000000000001",
          "sequenceNumber", "49590338271490256608559692538361571095921575989136588898");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualTime time = new ManualTime();
  private final CapturingLogger log = new CapturingLogger();
  private final RecordingDeadLetters deadLetters = new RecordingDeadLetters(true);

  private RecordDecoder.Builder<JsonNode> json() {
    return RecordDecoder.builder(JsonFormat.forJsonNode())
        .source("kinesis:orders")
        .metrics(registry)
        .time(time)
        .logger(log)
        .deadLetters(deadLetters);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private double counter(String name) {
    return registry.get(name).tag("source", "kinesis:orders").counter().count();
  }

  @Test
  void oneRecordOfManyLinesDecodesToOneValuePerLine() {
    RecordDecoder<JsonNode> decoder = json().framing(Framing.NEWLINE).build();

    List<JsonNode> values = decoder.decode(bytes("{\"n\":1}\r\n{\"n\":2}\n{\"n\":3}\n"), AT);

    assertThat(values).extracting(v -> v.get("n").asInt()).containsExactly(1, 2, 3);
  }

  @Test
  void failStopsWithTheCoordinatesAndTheCause() {
    // Given the default policy
    RecordDecoder<JsonNode> decoder = json().build();
    assertThat(decoder.policy()).isEqualTo(BadDataPolicy.FAIL);

    // When a record is not JSON
    BadRecordException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            BadRecordException.class, () -> decoder.decode(bytes("{\"n\": oops"), AT));

    // Then the error says where the record is, why it failed, and what to do
    assertThat(e).isInstanceOf(ShardlineException.class);
    assertThat(e.getMessage())
        .startsWith(
            "Cannot deserialize the record at stream=orders shardId=shardId-000000000001"
                + " sequenceNumber=49590338271490256608559692538361571095921575989136588898 with"
                + " format json: Unrecognized token 'oops'")
        .endsWith(
            ". Fix the data or the format options; to skip such records set badData.policy to"
                + " drop or dead-letter");
    // one line a user reads: no exception type, no parser's source location
    assertThat(e.getMessage()).doesNotContain("Exception", "[Source", "\n");
    assertThat(e.getCause()).isInstanceOf(JsonProcessingException.class);
    assertThat(e.coordinates()).containsEntry("shardId", "shardId-000000000001");
    assertThat(log.lines).isEmpty();
  }

  @Test
  void failWithNewlineFramingNamesTheLine() {
    RecordDecoder<JsonNode> decoder = json().framing(Framing.NEWLINE).build();
    List<JsonNode> emitted = new ArrayList<>();

    assertThatThrownBy(
            () -> decoder.decode(bytes("{\"n\":1}\nnot json\n{\"n\":3}"), AT, emitted::add))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining(
            "sequenceNumber=49590338271490256608559692538361571095921575989136588898 line=2 ");
    // the line before the bad one was handed downstream; nothing after it
    assertThat(emitted).hasSize(1);
  }

  @Test
  void dropSkipsTheRecordCountsItAndLogsItsCoordinates() {
    // Given the drop policy and newline framing
    RecordDecoder<JsonNode> decoder =
        json().policy(BadDataPolicy.DROP).framing(Framing.NEWLINE).build();

    // When one line of three is bad
    List<JsonNode> values = decoder.decode(bytes("{\"n\":1}\n{bad\n{\"n\":3}\n"), AT);

    // Then the good ones pass, the bad one is counted, tagged with the source, and logged at WARN
    assertThat(values).extracting(v -> v.get("n").asInt()).containsExactly(1, 3);
    assertThat(counter("shardline.records.dropped")).isEqualTo(1.0);
    assertThat(decoder.droppedCount()).isEqualTo(1);
    assertThat(log.warnings())
        .singleElement()
        .asString()
        .startsWith(
            "Dropped a record that cannot be deserialized at stream=orders"
                + " shardId=shardId-000000000001"
                + " sequenceNumber=49590338271490256608559692538361571095921575989136588898 line=2:"
                + " JsonParseException: ");
    assertThat(deadLetters.sent).isEmpty();
  }

  @Test
  void aFloodOfBadRecordsLogsOneLinePerIntervalAndCountsEveryOne() {
    // Given drop with a 10 s log interval
    RecordDecoder<JsonNode> decoder =
        json().policy(BadDataPolicy.DROP).logInterval(Duration.ofSeconds(10)).build();

    // When 1,000 bad records arrive within the interval
    for (int i = 0; i < 1_000; i++) {
      decoder.decode(bytes("garbage " + i), RecordCoordinates.of("offset", Integer.toString(i)));
    }

    // Then all are counted but only the first is logged
    assertThat(counter("shardline.records.dropped")).isEqualTo(1_000.0);
    assertThat(log.warnings()).hasSize(1);
    assertThat(log.warnings().get(0)).contains("offset=0:");

    // And after the interval, the next one is logged saying how many were not
    time.advance(Duration.ofSeconds(10));
    decoder.decode(bytes("garbage again"), RecordCoordinates.of("offset", "1000"));
    assertThat(log.warnings()).hasSize(2);
    assertThat(log.warnings().get(1))
        .contains("offset=1000:")
        .endsWith("(999 more like this since the last message were not logged)");
  }

  @Test
  void deadLetterDeliversTheRawBytesWithCoordinatesAndTheError() {
    // Given dead-letter, newline framing, and a record whose second line is bad
    RecordDecoder<JsonNode> decoder =
        json().policy(BadDataPolicy.DEAD_LETTER).framing(Framing.NEWLINE).build();
    byte[] badLine = {'{', (byte) 0xFF, 'x'};
    byte[] record = new byte[8 + badLine.length + 1];
    System.arraycopy(bytes("{\"n\":1}\n"), 0, record, 0, 8);
    System.arraycopy(badLine, 0, record, 8, badLine.length);
    record[record.length - 1] = '\n';

    // When decoded
    List<JsonNode> values = decoder.decode(record, AT);

    // Then the good line passes and the bad line's exact bytes go to the dead-letter output
    assertThat(values).hasSize(1);
    DeadLetter letter = deadLetters.sent.get(0);
    assertThat(deadLetters.sent).hasSize(1);
    assertThat(letter.payload()).isEqualTo(badLine);
    assertThat(letter.coordinates())
        .containsEntry("stream", "orders")
        .containsEntry("shardId", "shardId-000000000001")
        .containsEntry("sequenceNumber", "49590338271490256608559692538361571095921575989136588898")
        .containsEntry("line", "2");
    assertThat(letter.error()).startsWith("JsonParseException: ");
    assertThat(letter.timestampMillis()).isEqualTo(time.milliseconds());
    assertThat(counter("shardline.records.dead.lettered")).isEqualTo(1.0);
    assertThat(counter("shardline.records.dropped")).isZero();
    assertThat(log.warnings()).singleElement().asString().contains("dead-letter sink");
  }

  @Test
  void deadLetterWithoutASinkIsRefusedAtStartup() {
    // Given no dead-letter output, or one the pipeline did not configure
    RecordDecoder.Builder<JsonNode> none =
        RecordDecoder.builder(JsonFormat.forJsonNode())
            .source("kinesis:orders")
            .policy(BadDataPolicy.DEAD_LETTER);
    RecordDecoder.Builder<JsonNode> unconfigured =
        json().policy(BadDataPolicy.DEAD_LETTER).deadLetters(new RecordingDeadLetters(false));

    // Then building the decoder (at reader start) fails, before any record is read
    for (RecordDecoder.Builder<JsonNode> builder : List.of(none, unconfigured)) {
      assertThatThrownBy(builder::build)
          .isInstanceOf(ConfigException.class)
          .hasMessage(
              "Invalid value \"dead-letter\" for option \"badData.policy\": no dead-letter sink"
                  + " is configured; add a dead-letter sink to the pipeline, or set"
                  + " badData.policy to fail or drop");
    }
  }

  @Test
  void downstreamErrorsAreNotBadData() {
    RecordDecoder<JsonNode> decoder = json().policy(BadDataPolicy.DROP).build();
    IllegalStateException downstream = new IllegalStateException("sink is full");

    assertThatThrownBy(
            () ->
                decoder.decode(
                    bytes("{}"),
                    AT,
                    v -> {
                      throw downstream;
                    }))
        .isSameAs(downstream);
    assertThat(decoder.droppedCount()).isZero();
  }

  @Test
  void fromConfigurationReadsFormatFramingAndPolicyAndUsesTheReaderContext() {
    // Given a YAML section and a reader context with a dead-letter sink
    Configuration config =
        Configuration.fromMap(
            Map.of(
                "format", "string",
                "charset", "ISO-8859-1",
                "framing", "newline",
                "badData", Map.of("policy", "dead-letter", "logInterval", "1m")));
    SourceReaderContext context = new FakeReaderContext(deadLetters, registry, time);

    // When the decoder is created the way a reader does
    RecordDecoder<?> decoder = RecordDecoder.fromConfiguration(config, "kinesis:orders", context);

    // Then it decodes latin-1 lines, and sends bad ones to the context's dead-letter output
    List<Object> values = new ArrayList<>();
    decoder.decode(new byte[] {'g', 'r', (byte) 0xFC, 'n', '\n', 'o', 'k'}, AT, values::add);
    assertThat(values).containsExactly("grün", "ok");
    assertThat(decoder.policy()).isEqualTo(BadDataPolicy.DEAD_LETTER);
    assertThat(decoder.toString())
        .isEqualTo(
            "RecordDecoder{source=kinesis:orders, schema=StringFormat{ISO-8859-1},"
                + " framing=newline, policy=dead-letter}");

    Configuration badDataOnly =
        Configuration.fromMap(Map.of("format", "json", "badData.policy", "dead-letter"));
    RecordDecoder<?> json = RecordDecoder.fromConfiguration(badDataOnly, "kinesis:orders", context);
    json.decode(bytes("nope"), AT, v -> {});
    assertThat(deadLetters.sent).hasSize(1);
    assertThat(counter("shardline.records.dead.lettered")).isEqualTo(1.0);
  }

  /** The parts of a reader context a decoder uses. */
  private record FakeReaderContext(DeadLetterOutput deadLetters, MeterRegistry metrics, Time time)
      implements SourceReaderContext {
    @Override
    public int readerIndex() {
      return 0;
    }

    @Override
    public int parallelism() {
      return 1;
    }

    @Override
    public void sendEventToEnumerator(SourceEvent event) {
      throw new UnsupportedOperationException();
    }
  }
}
