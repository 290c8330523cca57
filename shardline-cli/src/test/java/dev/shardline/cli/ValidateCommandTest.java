package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shardline validate} on broken files: each problem with its line, key and fix. */
class ValidateCommandTest {
  @TempDir Path dir;

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
  void aYamlSyntaxErrorGivesTheParsersRealCauseOnOneLine() throws Exception {
    Path file = dir.resolve("unclosed.yaml");
    Files.writeString(file, "name: x\nsource:\n  type: generator\n  kind: [sequence\nsinks: []\n");

    CommandResult result = CommandResult.run("validate", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    // was "Not valid YAML: while parsing a flow sequence": the context without the problem
    assertThat(result.out())
        .contains("unclosed.yaml:5:")
        .contains("expected ',' or ']'")
        .contains("while parsing a flow sequence started at line 4, column 9")
        .doesNotContain("REDACTED");
    assertThat(result.out().lines().filter(l -> l.contains("Not valid YAML"))).hasSize(1);
  }

  @Test
  void aFileThatIsNotUtf8TextSaysSoWithItsLine() throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(
        latin1,
        "name: x\nsource: {type: generator, kind: sequence, name: caf\u00e9}\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    Path binary = dir.resolve("binary.yaml");
    Files.write(binary, new byte[] {'P', 'K', 3, 4, 0, 0, 1, 2});

    CommandResult notUtf8 = CommandResult.run("validate", latin1.toString());
    CommandResult notText = CommandResult.run("validate", binary.toString());

    // was "Cannot read the file: java.nio.charset.MalformedInputException: Input length = 1"
    assertThat(notUtf8.exitCode()).isEqualTo(1);
    assertThat(notUtf8.out())
        .contains("latin1.yaml:2:")
        .contains("Not UTF-8 text: byte 0xE9")
        .contains("save the file as UTF-8")
        .doesNotContain("MalformedInputException");
    assertThat(notText.exitCode()).isEqualTo(1);
    assertThat(notText.out()).contains("binary.yaml:1:5").contains("binary file");
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

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static String generatorTo(String sinkPath) {
    return "source: {type: generator, kind: sequence, count: 10}\n"
        + "sinks:\n"
        + "  - type: file\n"
        + "    path: "
        + sinkPath
        + "\n";
  }

  @Test
  void aCheckpointDirectoryThatIsAFileIsReportedWithTheFix() throws Exception {
    Path blocked = write("checkpoints", "a file");
    Path file =
        write(
            "p.yaml",
            "name: p\ncheckpoint:\n  directory: " + blocked + "\n" + generatorTo(dir + "/out"));

    CommandResult result = CommandResult.run("validate", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            file
                + ":3:3: checkpoint.directory: "
                + blocked
                + " is a file, not a directory; move the file away or point checkpoint.directory"
                + " at a directory")
        .contains(file + ": 1 problem");
  }

  @Test
  void theDefaultCheckpointDirectoryIsCheckedToo() throws Exception {
    // checkpoints/<name> under the working directory, whose parent "checkpoints" is a file here
    Path file = write("p.yaml", "name: p\n" + generatorTo(dir + "/out"));
    Path checkpoints = Path.of("checkpoints").toAbsolutePath();
    Assumptions.assumeFalse(Files.exists(checkpoints), "the working directory has checkpoints/");
    try {
      Files.writeString(checkpoints, "a file");

      CommandResult result = CommandResult.run("validate", file.toString());

      assertThat(result.out())
          .contains(
              file
                  + ":1:1: checkpoint.directory: cannot create checkpoints/p (relative to the"
                  + " working directory ")
          .contains(": " + checkpoints + " is a file, not a directory");
    } finally {
      Files.deleteIfExists(checkpoints);
    }
  }

  @Test
  void sinkAndDeadLetterPathsBlockedByAFileAreReportedWithTheirKeys() throws Exception {
    Path parentFile = write("not-a-dir", "a file");
    Path file =
        write(
            "p.yaml",
            "name: p\ncheckpoint: {directory: "
                + dir.resolve("ck")
                + "}\n"
                + generatorTo(parentFile + "/out")
                + "deadLetter:\n"
                + "  type: file\n"
                + "  path: "
                + parentFile
                + "\n");

    CommandResult result = CommandResult.run("validate", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            file
                + ":6:5: sinks[0].path: cannot create "
                + parentFile
                + "/out: "
                + parentFile
                + " is a file, not a directory; move the file away or point sinks[0].path"
                + " elsewhere")
        .contains(
            file
                + ":9:3: deadLetter.path: "
                + parentFile
                + " is a file, not a directory; move the file away or point deadLetter.path at a"
                + " directory")
        .contains(file + ": 2 problems");
  }

  @Test
  void validateCreatesNothing() throws Exception {
    Path file =
        write(
            "p.yaml",
            "name: p\ncheckpoint: {directory: "
                + dir.resolve("a/b/ck")
                + "}\n"
                + generatorTo(dir + "/c/out")
                + "deadLetter: {type: file, path: "
                + dir.resolve("d/dead")
                + "}\n");

    CommandResult result = CommandResult.run("validate", file.toString());

    assertThat(result.exitCode()).as(result.out()).isZero();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aDirectoryWithoutWritePermissionIsReported() throws Exception {
    Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")), "root may write anywhere");
    Path readOnly = Files.createDirectory(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Path file = write("p.yaml", "name: p\n" + generatorTo(readOnly + "/out"));

      CommandResult result = CommandResult.run("validate", file.toString());

      assertThat(result.out())
          .contains(
              "sinks[0].path: cannot create "
                  + readOnly
                  + "/out: permission denied in "
                  + readOnly
                  + " for user ");
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void filesToReadMustExistAndBeFiles() throws Exception {
    Path file =
        write(
            "p.yaml",
            "name: p\n"
                + "source:\n"
                + "  type: kafka\n"
                + "  bootstrapServers: 127.0.0.1:9092\n"
                + "  topics: [orders]\n"
                + "  format: avro\n"
                + "  avro: {schemaFile: "
                + dir.resolve("order.avsc")
                + "}\n"
                + "sinks:\n"
                + "  - type: kinesis\n"
                + "    stream: out\n"
                + "    awsCredentials: {type: profile, profileName: x, profilePath: "
                + dir
                + "}\n");

    CommandResult result = CommandResult.run("validate", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            ":7:10: source.avro.schemaFile: there is no file "
                + dir.resolve("order.avsc")
                + "; check source.avro.schemaFile")
        .contains(
            ": sinks[0].awsCredentials.profilePath: "
                + dir
                + " is a directory; point sinks[0].awsCredentials.profilePath at a file");
  }

  @Test
  void aMalformedBootstrapServersListNamesTheEntryAndShowsACorrectOne() throws Exception {
    Path file =
        write(
            "p.yaml",
            "name: p\n"
                + "source:\n"
                + "  type: kafka\n"
                + "  bootstrapServers: 127.0.0.1:9092,kafka-2:99999\n"
                + "  topics: [orders]\n"
                + "sinks:\n"
                + "  - type: kafka\n"
                + "    bootstrapServers: PLAINTEXT://kafka:9092\n"
                + "    topic: out\n");

    CommandResult result = CommandResult.run("validate", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            file
                + ":4:3: source.bootstrapServers: Invalid value \"127.0.0.1:9092,kafka-2:99999\""
                + " for option \"bootstrapServers\": entry 2 of 2 (\"kafka-2:99999\") has port"
                + " 99999, outside 1 to 65535; write host:port pairs separated by commas, such as"
                + " 127.0.0.1:9092")
        .contains(
            file
                + ":8:5: sinks[0].bootstrapServers: Invalid value \"PLAINTEXT://kafka:9092\" for"
                + " option \"bootstrapServers\": the server has a scheme (PLAINTEXT://)");
  }

  @Test
  void aKinesisEndpointWithAPortOutOfRangeIsReported() throws Exception {
    Path file =
        write(
            "p.yaml",
            "name: p\n"
                + "source:\n"
                + "  type: kinesis\n"
                + "  streams: [s]\n"
                + "  awsRegion:\n"
                + "    type: custom-endpoint\n"
                + "    id: us-east-1\n"
                + "    endpoint: http://127.0.0.1:456789\n"
                + "sinks:\n"
                + "  - type: stdout\n");

    CommandResult result = CommandResult.run("validate", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            file
                + ":8:5: source.awsRegion.endpoint: Invalid value \"http://127.0.0.1:456789\" for"
                + " option \"awsRegion.endpoint\": has port 456789, outside 1 to 65535; write a URL"
                + " such as http://127.0.0.1:4567");
  }

  @Test
  void aMetricsPortOutOfRangeIsAUsageError() throws Exception {
    CommandResult result = CommandResult.run("run", "--metrics-port", "70000", file("valid.yaml"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("70000 is outside 0 to 65535");
  }
}
