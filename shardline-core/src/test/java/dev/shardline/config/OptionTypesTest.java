package dev.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.ShardlineException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every option type: what it reads, and what a user is told when it cannot. */
class OptionTypesTest {

  private static <T> T read(ConfigOption<T> option, Object raw) {
    return Configuration.builder().setRaw(option.key(), raw).build().get(option);
  }

  private static String errorOf(ConfigOption<?> option, Object raw) {
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> read(option, raw));
    assertThat(e).isInstanceOf(ShardlineException.class);
    assertThat(e.key()).contains(option.key());
    return e.getMessage();
  }

  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "10s, PT10S",
    "1m, PT1M",
    "1min, PT1M",
    "2h, PT2H",
    "1d, PT24H",
    "1.5s, PT1.5S",
    "250us, PT0.00025S",
    "10 S, PT10S",
    "PT1S, PT1S",
    "pt1m30s, PT1M30S",
    "0, PT0S",
    "-1s, PT-1S"
  })
  void durationsAreReadFromNumbersWithUnitsAndIso8601(String text, String expected) {
    assertThat(read(SampleOptions.START_TIMESTAMP_AGE, text)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void aDurationWithoutAUnitIsRefusedWithHowToWriteIt() {
    assertThat(errorOf(SampleOptions.MAX_AGE, "abc"))
        .isEqualTo(
            "Invalid value \"abc\" for option \"flush.maxAge\": not a duration; use a number with"
                + " a unit, such as 500ms, 10s or 1m");
    assertThat(errorOf(SampleOptions.MAX_AGE, 500))
        .contains("\"500\"", "not a duration", "a bare number has no unit");
    assertThat(errorOf(SampleOptions.MAX_AGE, "10 parsecs")).contains("unknown duration unit");
    assertThat(errorOf(SampleOptions.MAX_AGE, "P1Y")).contains("not an ISO-8601 duration");
  }

  @Test
  void aNegativeDurationIsRefusedWhereTheValidatorSaysSo() {
    // Given an option whose validator refuses negatives, and one without a validator
    assertThat(errorOf(SampleOptions.MAX_AGE, "-5s"))
        .isEqualTo("Invalid value \"-5s\" for option \"flush.maxAge\": must be at least 0ms");
    assertThat(read(SampleOptions.START_TIMESTAMP_AGE, "-5s")).isEqualTo(Duration.ofSeconds(-5));
  }

  @Test
  void intsAreReadFromNumbersAndTextAndRangeChecked() {
    assertThat(read(SampleOptions.MAX_RECORDS, 42)).isEqualTo(42);
    assertThat(read(SampleOptions.MAX_RECORDS, " 7 ")).isEqualTo(7);
    assertThat(read(SampleOptions.MAX_RECORDS, 100L)).isEqualTo(100);
    assertThat(read(SampleOptions.MAX_RECORDS, 3.0)).isEqualTo(3);
    assertThat(errorOf(SampleOptions.MAX_RECORDS, "ten"))
        .isEqualTo(
            "Invalid value \"ten\" for option \"flush.maxRecords\": not a whole number; use digits"
                + " only, such as 10");
    assertThat(errorOf(SampleOptions.MAX_RECORDS, 2.5)).contains("not a whole number");
    // YAML's .nan and .inf arrive as doubles
    assertThat(errorOf(SampleOptions.MAX_RECORDS, Double.NaN))
        .isEqualTo(
            "Invalid value \"NaN\" for option \"flush.maxRecords\": not a whole number; use digits"
                + " only, such as 10");
    assertThat(errorOf(SampleOptions.MAX_BYTES, Double.POSITIVE_INFINITY))
        .contains("not a whole number");
    assertThat(errorOf(SampleOptions.MAX_AGE, Double.NaN)).contains("not a duration");
    assertThat(errorOf(SampleOptions.MAX_RECORDS, 3_000_000_000L))
        .contains("out of range; use a whole number from -2147483648 to 2147483647");
    assertThat(errorOf(SampleOptions.MAX_RECORDS, 501))
        .isEqualTo("Invalid value \"501\" for option \"flush.maxRecords\": must be from 1 to 500");
  }

  @Test
  void longsTakeBigNumbers() {
    assertThat(read(SampleOptions.START_SEQUENCE, "9007199254740993")).isEqualTo(9007199254740993L);
    assertThat(read(SampleOptions.START_SEQUENCE, BigInteger.valueOf(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(errorOf(SampleOptions.START_SEQUENCE, "99999999999999999999"))
        .contains("out of range");
  }

  @Test
  void doublesAreFiniteNumbers() {
    assertThat(read(SampleOptions.SAMPLE_RATE, "0.25")).isEqualTo(0.25);
    assertThat(read(SampleOptions.SAMPLE_RATE, 1)).isEqualTo(1.0);
    assertThat(errorOf(SampleOptions.SAMPLE_RATE, "half")).contains("not a number");
    assertThat(errorOf(SampleOptions.SAMPLE_RATE, "NaN")).contains("not a finite number");
    assertThat(errorOf(SampleOptions.SAMPLE_RATE, 1.5)).contains("must be from 0.0 to 1.0");
  }

  @Test
  void booleansAreTrueOrFalseOnly() {
    assertThat(read(SampleOptions.EFO, "TRUE")).isTrue();
    assertThat(read(SampleOptions.EFO, false)).isFalse();
    assertThat(errorOf(SampleOptions.EFO, "yes"))
        .isEqualTo(
            "Invalid value \"yes\" for option \"efo.enabled\": not a boolean; use true or false");
  }

  @Test
  void enumsAreCaseInsensitiveAndTheErrorListsTheAllowedValues() {
    assertThat(read(SampleOptions.POSITION, "trim-horizon"))
        .isEqualTo(SampleOptions.Position.TRIM_HORIZON);
    assertThat(read(SampleOptions.POSITION, "TRIM_HORIZON"))
        .isEqualTo(SampleOptions.Position.TRIM_HORIZON);
    assertThat(read(SampleOptions.POSITION, " Latest ")).isEqualTo(SampleOptions.Position.LATEST);
    assertThat(errorOf(SampleOptions.POSITION, "earliest"))
        .isEqualTo(
            "Invalid value \"earliest\" for option \"startPosition\": must be one of latest,"
                + " trim-horizon, at-timestamp");
  }

  @Test
  void stringListsComeFromYamlListsOrCommas() {
    assertThat(read(SampleOptions.STREAMS, List.of("a", "b", 3))).containsExactly("a", "b", "3");
    assertThat(read(SampleOptions.STREAMS, "a, b,,c")).containsExactly("a", "b", "c");
    assertThat(read(SampleOptions.STREAMS, "")).isEmpty();
    assertThat(errorOf(SampleOptions.STREAMS, List.of(List.of("nested"))))
        .contains("a list element is not a single value");
  }

  @Test
  void stringMapsComeFromNestedKeysMapsOrPairs() {
    assertThat(
            Configuration.fromMap(
                    Map.of("clientConfigProperties", Map.of("maxConnections", 50, "http", "2")))
                .get(SampleOptions.CLIENT_PROPERTIES))
        .containsOnly(Map.entry("maxConnections", "50"), Map.entry("http", "2"));
    assertThat(
            Configuration.fromMap(Map.of("clientConfigProperties.aws.retries", "3"))
                .get(SampleOptions.CLIENT_PROPERTIES))
        .containsExactly(Map.entry("aws.retries", "3"));
    assertThat(read(SampleOptions.CLIENT_PROPERTIES, "a=1, b = 2"))
        .containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(errorOf(SampleOptions.CLIENT_PROPERTIES, "novalue")).contains("not a map");
  }

  @ParameterizedTest
  @CsvSource({
    "4MB, 4000000",
    "1MiB, 1048576",
    "512, 512",
    "512B, 512",
    "10 bytes, 10",
    "2kb, 2000",
    "2KiB, 2048",
    "1.5MB, 1500000",
    "3MiB, 3145728"
  })
  void dataSizesAreReadWithDecimalAndBinaryUnits(String text, long bytes) {
    assertThat(read(SampleOptions.MAX_BYTES, text).bytes()).isEqualTo(bytes);
  }

  @Test
  void badDataSizesAreRefusedWithTheAcceptedForm() {
    assertThat(errorOf(SampleOptions.MAX_BYTES, "lots"))
        .isEqualTo(
            "Invalid value \"lots\" for option \"flush.maxBytes\": not a data size; use a number"
                + " of bytes or a number with a unit, such as 512KB, 4MB or 1MiB");
    assertThat(errorOf(SampleOptions.MAX_BYTES, "4XB")).contains("unknown data size unit");
    assertThat(errorOf(SampleOptions.MAX_BYTES, "-1MB")).contains("cannot be negative");
    assertThat(errorOf(SampleOptions.MAX_BYTES, "1.5B")).contains("not a whole number of bytes");
    assertThat(errorOf(SampleOptions.MAX_BYTES, "6MiB"))
        .isEqualTo("Invalid value \"6MiB\" for option \"flush.maxBytes\": must be at most 5MiB");
    assertThat(read(SampleOptions.MAX_BYTES, 1024)).isEqualTo(DataSize.ofKibibytes(1));
  }

  @Test
  void stringsTakeScalarsButNotLists() {
    assertThat(read(SampleOptions.STREAM, 8859)).isEqualTo("8859");
    assertThat(errorOf(SampleOptions.STREAM, List.of("a"))).contains("not a text value");
    assertThat(errorOf(SampleOptions.STREAM, "  ")).contains("must not be empty");
  }
}
