package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** {@code shardline validate} on broken files: each problem with its line, key and fix. */
class ValidateCommandTest {

  static String file(String name) {
    try {
      return Path.of(
              Objects.requireNonNull(ValidateCommandTest.class.getResource("/validate/" + name))
                  .toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CommandResult validate(String name) {
    return CommandResult.run("validate", file(name));
  }

  @Test
  void unknownKeysAreReportedWithTheirLinesAndTheClosestKey() {
    CommandResult result = validate("unknown-key.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "unknown-key.yaml:3:3: checkpoint.intervall: Unknown option \"checkpoint.intervall\";"
                + " did you mean \"checkpoint.interval\"?")
        .contains(
            "unknown-key.yaml:7:3: source.cont: Unknown option \"cont\" in a generator source; did"
                + " you mean \"count\"?")
        .contains(
            "unknown-key.yaml:10:5: sinks[0].formatt: Unknown option \"formatt\" in a stdout sink;"
                + " did you mean \"format\"?")
        .contains("unknown-key.yaml: 3 problems");
  }

  @Test
  void valuesOfTheWrongTypeAreReportedWithTheExpectedForm() {
    CommandResult result = validate("wrong-type.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "wrong-type.yaml:2:1: parallelism: Invalid value \"many\" for option \"parallelism\":"
                + " not a whole number")
        .contains("wrong-type.yaml:6:3: source.keys: Invalid value \"lots\"")
        .contains(
            "wrong-type.yaml:10:5: sinks[0].bufferSize: Invalid value \"huge\" for option"
                + " \"bufferSize\": not a data size");
  }

  @Test
  void badDurationsSayHowToWriteOne() {
    CommandResult result = validate("bad-duration.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "bad-duration.yaml:3:3: checkpoint.interval: Invalid value \"10\" for option"
                + " \"checkpoint.interval\": not a duration; use a number with a unit, such as"
                + " 500ms, 10s or 1m")
        .contains("bad-duration.yaml:6:5: restart.backoff.initial: Invalid value \"5 parsecs\"")
        .contains("2 problems");
  }

  @Test
  void unknownTypesAreReportedWithTheClosestTypeAndTheList() {
    CommandResult result = validate("unknown-types.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "unknown-types.yaml:3:9: source.type: Unknown source type \"generater\"; did you mean"
                + " \"generator\"?")
        .contains(
            "unknown-types.yaml:6:11: transforms[0].type: Unknown transform type \"filtre\"; did"
                + " you mean \"filter\"?")
        .contains(
            "unknown-types.yaml:10:11: sinks[0].type: Unknown sink type \"stdot\"; did you mean"
                + " \"stdout\"?");
  }

  @Test
  void missingSectionsAndMisspeltSectionNamesAreReported() {
    CommandResult result = validate("missing-sections.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("source: Missing section \"source\"")
        .contains("sinks: Missing section \"sinks\"")
        .contains(
            "missing-sections.yaml:2:1: sink: Unknown top-level key \"sink\"; did you mean"
                + " \"sinks\"?");
  }

  @Test
  void aMissingEnvironmentVariableIsNamedWithItsLine() {
    CommandResult result = validate("missing-env.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "missing-env.yaml:7:11: sinks[0].path: Environment variable"
                + " SHARDLINE_TEST_SURELY_UNSET_DIR is not set");
  }

  @Test
  void transformOptionsAndMetadataFieldsAreChecked() {
    CommandResult result = validate("bad-transforms.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "bad-transforms.yaml:7:5: transforms[0].field: Invalid value \"status\" for option"
                + " \"field\": must be a JSON pointer")
        .contains("bad-transforms.yaml:10:5: transforms[1].equals: A filter takes one condition")
        .contains(
            "bad-transforms.yaml:14:7: transforms[2].fields.partitionKy: The generator source has"
                + " no metadata field \"partitionKy\"");
  }

  @Test
  void aYamlSyntaxErrorNamesItsLine() {
    CommandResult result = validate("syntax.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("syntax.yaml:4:").contains("Not valid YAML");
  }

  @Test
  void aValidFileIsSummarizedAndExitsZero() {
    CommandResult result = validate("valid.yaml");

    assertThat(result.exitCode()).as(result.out()).isZero();
    assertThat(result.out())
        .contains("valid.yaml: valid. Pipeline 'valid-one': generator source")
        .contains("checkpoints in checkpoints/valid-one");
  }

  @Test
  void aMissingFileIsAProblemNotACrash() {
    CommandResult result = CommandResult.run("validate", "/nonexistent/pipeline.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("/nonexistent/pipeline.yaml: No such file");
  }

  @Test
  void aKinesisSourceWithoutAStreamSaysToNameOne() {
    CommandResult result = validate("kinesis-missing-stream.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "kinesis-missing-stream.yaml:2:1: source.streams: Missing option \"streams\": name the"
                + " streams to read, e.g. [orders]");
  }

  @Test
  void aSecretIsNeverPrintedEvenWhenItsValueIsWrong() {
    CommandResult result = validate("kinesis-secret.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("kinesis-secret.yaml:9:5: source.awsCredentials.secretAccessKey: Invalid value")
        .doesNotContain("wJalrXUtnFEMI");
  }

  @Test
  void anUnknownSourceTypeAndAKafkaSinkWithoutBrokersAreBothReported() {
    CommandResult result = validate("kafka-broken.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "kafka-broken.yaml:3:9: source.type: Unknown source type \"kafak\"; did you mean"
                + " \"kafka\"?")
        .contains(
            "kafka-broken.yaml:7:5: sinks[0].bootstrapServers: Missing option"
                + " \"bootstrapServers\"")
        .contains("Set it; it has no default")
        .contains("kafka-broken.yaml: 2 problems");
  }

  @Test
  void aKinesisSinkWithoutAStreamIsReportedByItsFactory() {
    CommandResult result = validate("kinesis-sink-no-stream.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("kinesis-sink-no-stream.yaml:7:5: sinks[0].stream: Missing option \"stream\"");
  }
}
