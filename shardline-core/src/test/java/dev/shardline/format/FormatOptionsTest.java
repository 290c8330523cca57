package dev.shardline.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.OptionsMarkdown;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatOptionsTest {

  private static Format<?> create(Map<String, Object> yaml) {
    return FormatOptions.createFormat(Configuration.fromMap(yaml));
  }

  @Test
  void eachFormatIsSelectedByName() throws Exception {
    assertThat(FormatOptions.createFormat(Configuration.empty())).isSameAs(BytesFormat.INSTANCE);
    assertThat(create(Map.of("format", "json"))).isInstanceOf(JsonFormat.class);
    assertThat(create(Map.of("format", "STRING"))).isEqualTo(StringFormat.utf8());
    assertThat(
            ((StringFormat) create(Map.of("format", "string", "charset", "ISO-8859-1"))).charset())
        .isEqualTo(StandardCharsets.ISO_8859_1);
    assertThat(FormatOptions.framing(Configuration.fromMap(Map.of("framing", "newline"))))
        .isEqualTo(Framing.NEWLINE);
  }

  @Test
  void avroTakesASchemaStringOrAFile() throws Exception {
    Path file = FormatsTest.orderSchemaFile();
    AvroFormat<?> fromFile =
        (AvroFormat<?>)
            create(Map.of("format", "avro", "avro", Map.of("schemaFile", file.toString())));
    AvroFormat<?> fromText =
        (AvroFormat<?>) create(Map.of("format", "avro", "avro.schema", Files.readString(file)));

    @SuppressWarnings("unchecked")
    AvroFormat<JsonNode> avro = (AvroFormat<JsonNode>) fromFile;
    byte[] bytes = avro.serialize(FormatsTest.orderNode());
    assertThat(fromText.deserialize(bytes)).isEqualTo(FormatsTest.orderNode());
  }

  @Test
  void avroSchemaProblemsAreConfigErrorsNamingTheKey() {
    assertThatThrownBy(() -> create(Map.of("format", "avro")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Format avro needs a schema; set avro.schema (the schema's JSON text) or"
                + " avro.schemaFile (the path of an .avsc file)");
    assertThatThrownBy(
            () ->
                create(Map.of("format", "avro", "avro", Map.of("schema", "x", "schemaFile", "y"))))
        .hasMessage("Both avro.schema and avro.schemaFile are set; keep one");
    assertThatThrownBy(() -> create(Map.of("format", "avro", "avro.schema", "{\"type\":1}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "Invalid value \"{\"type\":1}\" for option \"avro.schema\": not a valid Avro schema: ");
    assertThatThrownBy(
            () -> create(Map.of("format", "avro", "avro.schemaFile", "/nonexistent/order.avsc")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "Invalid value \"/nonexistent/order.avsc\" for option \"avro.schemaFile\": cannot read"
                + " the Avro schema file /nonexistent/order.avsc");
  }

  @Test
  void optionsThatDoNotApplyToTheFormatAreRefused() {
    assertThatThrownBy(() -> create(Map.of("format", "json", "avro.schema", "{}")))
        .hasMessage(
            "avro.schema applies only to format avro, but format is json; remove it or set format:"
                + " avro");
    assertThatThrownBy(() -> create(Map.of("charset", "UTF-8")))
        .hasMessage(
            "charset applies only to format string, but format is bytes; remove it or set format:"
                + " string");
    assertThatThrownBy(
            () ->
                create(Map.of("format", "avro", "avro.schema", "\"string\"", "framing", "newline")))
        .hasMessageContaining("framing newline cannot be used with format avro");
    assertThatThrownBy(
            () -> create(Map.of("format", "string", "charset", "UTF-16", "framing", "newline")))
        .hasMessageContaining("charset UTF-16 does not use for a newline");
  }

  @Test
  void badValuesNameTheKeyAndTheFix() {
    assertThatThrownBy(() -> create(Map.of("format", "xml")))
        .hasMessage(
            "Invalid value \"xml\" for option \"format\": must be one of json, avro, string,"
                + " bytes");
    assertThatThrownBy(() -> create(Map.of("format", "string", "charset", "klingon")))
        .hasMessage(
            "Invalid value \"klingon\" for option \"charset\": must be a charset this JVM"
                + " supports, such as UTF-8 or ISO-8859-1");
    assertThatThrownBy(() -> create(Map.of("framing", "lines")))
        .hasMessage("Invalid value \"lines\" for option \"framing\": must be one of none, newline");
  }

  @Test
  void theOptionSetRunsTheRulesOnceAtStartup() {
    OptionSet options = FormatOptions.OPTIONS.with(BadDataOptions.OPTIONS);
    assertThatThrownBy(() -> options.read(Map.of("format", "avro")))
        .hasMessageStartingWith("Format avro needs a schema");
    assertThatThrownBy(() -> options.read(Map.of("badData", Map.of("polcy", "drop"))))
        .hasMessage("Unknown option \"badData.polcy\"; did you mean \"badData.policy\"?");
    assertThat(
            options
                .read(Map.of("format", "json", "badData.policy", "drop"))
                .get(BadDataOptions.POLICY))
        .isEqualTo(BadDataPolicy.DROP);
  }

  @Test
  void theReadmeReferenceTablesAreTheGeneratedOnes() throws Exception {
    // The option tables in shardline-core/README.md must match the declarations
    String readme = Files.readString(Path.of("README.md"), UTF_8);
    assertThat(readme)
        .contains(OptionsMarkdown.table(FormatOptions.OPTIONS))
        .contains(OptionsMarkdown.table(BadDataOptions.OPTIONS));
  }
}
