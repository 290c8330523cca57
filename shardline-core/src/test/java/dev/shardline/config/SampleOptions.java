package dev.shardline.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A connector's options, as a test fixture: one of each type, a secret, and a cross-field rule. */
public final class SampleOptions {
  private SampleOptions() {}

  public enum Position {
    LATEST,
    TRIM_HORIZON,
    AT_TIMESTAMP
  }

  public static final ConfigOption<String> STREAM =
      ConfigOptions.key("stream")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription("The stream to read.");

  public static final ConfigOption<Integer> MAX_RECORDS =
      ConfigOptions.key("flush.maxRecords")
          .intType()
          .defaultValue(500)
          .withValidator(Validators.between(1, 500))
          .withDescription("Flush once this many records are buffered.");

  public static final ConfigOption<Duration> MAX_AGE =
      ConfigOptions.key("flush.maxAge")
          .durationType()
          .defaultValue(Duration.ofSeconds(1))
          .withValidator(Validators.atLeast(Duration.ZERO))
          .withDescription("Flush once the oldest buffered record is this old.");

  public static final ConfigOption<DataSize> MAX_BYTES =
      ConfigOptions.key("flush.maxBytes")
          .dataSizeType()
          .defaultValue(DataSize.ofMegabytes(4))
          .withValidator(Validators.atMost(DataSize.ofMebibytes(5)))
          .withDescription("Flush once this many bytes are buffered.");

  public static final ConfigOption<Long> START_SEQUENCE =
      ConfigOptions.key("startSequence").longType().defaultValue(0L).withDescription("");

  public static final ConfigOption<Double> SAMPLE_RATE =
      ConfigOptions.key("sampleRate")
          .doubleType()
          .defaultValue(1.0)
          .withValidator(Validators.between(0.0, 1.0))
          .withDescription("Fraction of records to keep.");

  public static final ConfigOption<Boolean> EFO =
      ConfigOptions.key("efo.enabled")
          .booleanType()
          .defaultValue(false)
          .withDescription("Read with enhanced fan-out.");

  public static final ConfigOption<Position> POSITION =
      ConfigOptions.key("startPosition")
          .enumType(Position.class)
          .defaultValue(Position.LATEST)
          .withDescription("Where to start without a checkpoint.");

  public static final ConfigOption<Duration> START_TIMESTAMP_AGE =
      ConfigOptions.key("startTimestampAge").durationType().noDefaultValue();

  public static final ConfigOption<List<String>> STREAMS =
      ConfigOptions.key("extraStreams")
          .stringListType()
          .defaultValue(List.of())
          .withDescription("More streams.");

  public static final ConfigOption<Map<String, String>> CLIENT_PROPERTIES =
      ConfigOptions.key("clientConfigProperties")
          .stringMapType()
          .defaultValue(Map.of())
          .withDescription("Passed to the client as is.");

  public static final ConfigOption<String> SECRET_KEY =
      ConfigOptions.key("awsCredentials.basic.secretAccessKey")
          .stringType()
          .noDefaultValue()
          .withValidator(Validator.of("must be 40 characters long", s -> s.length() == 40))
          .withDescription("The secret access key.")
          .secret();

  /** at-timestamp needs the age; the age needs at-timestamp. */
  public static final ConfigValidator RULES =
      config -> {
        boolean atTimestamp = config.get(POSITION) == Position.AT_TIMESTAMP;
        if (atTimestamp != config.contains(START_TIMESTAMP_AGE)) {
          throw new ConfigException(
              atTimestamp
                  ? "startPosition at-timestamp needs startTimestampAge; set it, e.g. 1h"
                  : "startTimestampAge applies only to startPosition at-timestamp; remove it");
        }
      };

  public static final OptionSet OPTIONS = OptionSet.of(SampleOptions.class);
}
