package dev.shardline.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every format, both ways, and what each refuses. */
class FormatsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Path orderSchemaFile() throws URISyntaxException {
    return Path.of(FormatsTest.class.getResource("/avro/order.avsc").toURI());
  }

  static ObjectNode orderNode() {
    ObjectNode order = MAPPER.createObjectNode();
    order.put("id", "o-1").put("quantity", 3).put("price", 9.5).put("express", true);
    order.put("note", "leave at door");
    order.putArray("tags").add("gift").add("fragile");
    return order;
  }

  @SuppressWarnings("unchecked")
  static <T> T javaRoundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void jsonNodeRoundTrip() throws IOException {
    Format<JsonNode> json = JsonFormat.forJsonNode();
    byte[] bytes = "{\"id\":\"o-1\",\"n\":[1,2,{\"x\":null}]}".getBytes(UTF_8);

    JsonNode node = json.deserialize(bytes);

    assertThat(node.get("id").asText()).isEqualTo("o-1");
    assertThat(node.get("n").get(2).get("x").isNull()).isTrue();
    assertThat(json.deserialize(json.serialize(node))).isEqualTo(node);
    assertThat(new String(json.serialize(node), UTF_8))
        .isEqualTo("{\"id\":\"o-1\",\"n\":[1,2,{\"x\":null}]}");
  }

  @Test
  void jsonPojoRoundTripIgnoresUnknownFieldsAndHandlesJavaTime() throws IOException {
    // Given a POJO format and a record with a field the class does not have
    Format<Order> json = JsonFormat.forClass(Order.class);
    byte[] bytes =
        ("{\"id\":\"o-1\",\"quantity\":3,\"price\":9.5,\"express\":true,\"note\":null,"
                + "\"tags\":[\"gift\"],\"addedLater\":42}")
            .getBytes(UTF_8);

    // When read and written back
    Order order = json.deserialize(bytes);

    // Then
    assertThat(order).isEqualTo(new Order("o-1", 3, 9.5, true, null, List.of("gift")));
    assertThat(json.deserialize(json.serialize(order))).isEqualTo(order);

    Format<Stamped> stamped = JsonFormat.forClass(Stamped.class);
    Stamped value = new Stamped();
    value.at = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(new String(stamped.serialize(value), UTF_8))
        .isEqualTo("{\"at\":\"2026-01-01T00:00:00Z\"}");
    assertThat(stamped.deserialize(stamped.serialize(value)).at).isEqualTo(value.at);
  }

  /** A POJO with a java.time field. */
  public static class Stamped {
    public Instant at;
  }

  @Test
  void badJsonIsRefused() {
    Format<JsonNode> tree = JsonFormat.forJsonNode();
    Format<Order> pojo = JsonFormat.forClass(Order.class);
    assertThatThrownBy(() -> tree.deserialize("{\"id\":".getBytes(UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> tree.deserialize("{\"a\":1} {\"b\":2}".getBytes(UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Trailing token");
    assertThatThrownBy(() -> tree.deserialize(new byte[0]))
        .hasMessage("empty record; expected a JSON value");
    assertThatThrownBy(() -> pojo.deserialize("null".getBytes(UTF_8)))
        .hasMessage("the JSON value is null; expected a Order");
    assertThatThrownBy(() -> pojo.deserialize("{\"quantity\":\"many\"}".getBytes(UTF_8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void stringRoundTripInUtf8AndOtherCharsets() throws IOException {
    assertThat(StringFormat.utf8().deserialize("grüße ✓".getBytes(UTF_8))).isEqualTo("grüße ✓");
    assertThat(StringFormat.utf8().serialize("grüße ✓")).isEqualTo("grüße ✓".getBytes(UTF_8));

    StringFormat latin1 = StringFormat.of(StandardCharsets.ISO_8859_1);
    byte[] bytes = latin1.serialize("grüße");
    assertThat(bytes).hasSize(5);
    assertThat(latin1.deserialize(bytes)).isEqualTo("grüße");
  }

  @Test
  void invalidTextIsBadDataNotSilentlyReplaced() {
    byte[] invalidUtf8 = {'o', 'k', (byte) 0xC3, (byte) 0x28};
    assertThatThrownBy(() -> StringFormat.utf8().deserialize(invalidUtf8))
        .isInstanceOf(CharacterCodingException.class)
        .hasMessage("not valid UTF-8 text: malformed input at byte 2");
    assertThatThrownBy(() -> StringFormat.of(StandardCharsets.US_ASCII).serialize("✓"))
        .isInstanceOf(CharacterCodingException.class);
  }

  @Test
  void bytesPassThroughUnchanged() {
    byte[] data = {0, 1, (byte) 0xFF, '\n'};
    assertThat(BytesFormat.INSTANCE.deserialize(data)).isSameAs(data);
    assertThat(BytesFormat.INSTANCE.serialize(data)).isSameAs(data);
  }

  @Test
  void avroRoundTripWithASchemaString() throws Exception {
    // Given the schema as text
    AvroFormat<JsonNode> avro = AvroFormat.withSchema(Files.readString(orderSchemaFile()));
    ObjectNode order = orderNode();

    // When a generic record is written and read back
    byte[] bytes = avro.serialize(order);
    JsonNode back = avro.deserialize(bytes);

    // Then it is the same record, in Avro's compact binary form (no field names in the bytes)
    assertThat(back).isEqualTo(order);
    assertThat(new String(bytes, UTF_8)).doesNotContain("quantity").contains("o-1");
    assertThat(bytes.length).isLessThan(MAPPER.writeValueAsBytes(order).length / 2);

    // And a null in a union reads back as null
    order.putNull("note");
    assertThat(avro.deserialize(avro.serialize(order)).get("note").isNull()).isTrue();
  }

  @Test
  void avroRoundTripWithASchemaFileAndAPojo() throws Exception {
    AvroFormat<Order> avro = AvroFormat.withSchemaFile(orderSchemaFile()).as(Order.class);
    Order order = new Order("o-2", 1, 0.25, false, null, List.of());

    assertThat(avro.deserialize(avro.serialize(order))).isEqualTo(order);
    // The POJO and generic views read the same bytes
    JsonNode generic =
        AvroFormat.withSchemaFile(orderSchemaFile()).deserialize(avro.serialize(order));
    assertThat(generic.get("id").asText()).isEqualTo("o-2");
  }

  @Test
  void truncatedOrOverlongAvroIsBadData() throws Exception {
    AvroFormat<JsonNode> avro = AvroFormat.withSchemaFile(orderSchemaFile());
    byte[] bytes = avro.serialize(orderNode());

    assertThatThrownBy(() -> avro.deserialize(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(IOException.class);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
    assertThatThrownBy(() -> avro.deserialize(longer)).isInstanceOf(IOException.class);
  }

  @Test
  void aValueThatDoesNotFitTheAvroSchemaFailsToSerialize() throws Exception {
    AvroFormat<JsonNode> avro = AvroFormat.withSchemaFile(orderSchemaFile());
    ObjectNode wrong = orderNode();
    wrong.put("quantity", "three");
    assertThatThrownBy(() -> avro.serialize(wrong)).isInstanceOf(IOException.class);
  }

  @Test
  void aBadAvroSchemaOrMissingFileIsRefusedUpFront(@TempDir Path dir) {
    assertThatThrownBy(() -> AvroFormat.withSchema("{\"type\": \"recrod\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid Avro schema: ");
    Path missing = dir.resolve("missing.avsc");
    assertThatThrownBy(() -> AvroFormat.withSchemaFile(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot read the Avro schema file " + missing.toAbsolutePath());
  }

  @Test
  void formatsSurviveJavaSerializationAsAFlinkJobShipsThem() throws Exception {
    AvroFormat<JsonNode> avro = AvroFormat.withSchemaFile(orderSchemaFile());
    byte[] bytes = avro.serialize(orderNode());

    assertThat(javaRoundTrip(avro).deserialize(bytes)).isEqualTo(orderNode());
    assertThat(
            javaRoundTrip(JsonFormat.forClass(Order.class))
                .deserialize("{\"id\":\"x\"}".getBytes(UTF_8))
                .id)
        .isEqualTo("x");
    assertThat(javaRoundTrip(StringFormat.of(StandardCharsets.ISO_8859_1)).charset())
        .isEqualTo(StandardCharsets.ISO_8859_1);
    assertThat(javaRoundTrip(BytesFormat.INSTANCE)).isSameAs(BytesFormat.INSTANCE);
  }
}
