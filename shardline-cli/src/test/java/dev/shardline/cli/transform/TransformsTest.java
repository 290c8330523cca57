package dev.shardline.cli.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.api.ShardlineException;
import dev.shardline.cli.connect.PipelineRecord;
import dev.shardline.config.Configuration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TransformsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PipelineRecord record(String json) {
    return PipelineRecord.of(json, Map.of("partitionKey", "customer-7"));
  }

  private static Predicate<PipelineRecord> filter(Map<String, Object> options) {
    return Transforms.Filter.predicate(FilterOptions.OPTIONS.read(options));
  }

  @Test
  void filterEqualsComparesTextAndNumbersByValue() {
    Predicate<PipelineRecord> paid = filter(Map.of("field", "/status", "equals", "paid"));
    Predicate<PipelineRecord> five = filter(Map.of("field", "/order/qty", "equals", 5));

    assertThat(paid.test(record("{\"status\":\"paid\"}"))).isTrue();
    assertThat(paid.test(record("{\"status\":\"open\"}"))).isFalse();
    assertThat(paid.test(record("{\"other\":1}"))).isFalse();
    assertThat(five.test(record("{\"order\":{\"qty\":5.0}}"))).isTrue();
    assertThat(five.test(record("{\"order\":{\"qty\":6}}"))).isFalse();
  }

  @Test
  void filterNotEqualsKeepsRecordsWithoutTheField() {
    Predicate<PipelineRecord> notTest = filter(Map.of("field", "/env", "notEquals", "test"));

    assertThat(notTest.test(record("{\"env\":\"prod\"}"))).isTrue();
    assertThat(notTest.test(record("{\"env\":\"test\"}"))).isFalse();
    assertThat(notTest.test(record("{}"))).isTrue();
  }

  @Test
  void filterInAndExists() {
    Predicate<PipelineRecord> in = filter(Map.of("field", "/s", "in", List.of("a", "b")));
    Predicate<PipelineRecord> exists = filter(Map.of("field", "/s", "exists", true));
    Predicate<PipelineRecord> absent = filter(Map.of("field", "/s", "exists", false));

    assertThat(in.test(record("{\"s\":\"b\"}"))).isTrue();
    assertThat(in.test(record("{\"s\":\"c\"}"))).isFalse();
    assertThat(exists.test(record("{\"s\":null}"))).isFalse();
    assertThat(exists.test(record("{\"s\":1}"))).isTrue();
    assertThat(absent.test(record("{}"))).isTrue();
  }

  @Test
  void aFilterNeedsExactlyOneCondition() {
    assertThatThrownBy(() -> FilterOptions.OPTIONS.read(Map.of("field", "/s")))
        .hasMessageContaining("give exactly one of equals, notEquals, in or exists");
    assertThatThrownBy(
            () -> FilterOptions.OPTIONS.read(Map.of("field", "/s", "equals", 1, "exists", true)))
        .hasMessageContaining("takes one condition");
  }

  @Test
  void aFilterOnARecordThatIsNotJsonSaysWhatToDo() {
    Predicate<PipelineRecord> paid = filter(Map.of("field", "/status", "equals", "paid"));

    assertThatThrownBy(() -> paid.test(PipelineRecord.of("not json", Map.of())))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("set the source's format to json");
  }

  @Test
  void keepFieldsKeepsNestedPathsAndSkipsMissingOnes() {
    PipelineRecord input = record("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":4}");

    PipelineRecord kept =
        Transforms.KeepFields.function(
                FieldsOptions.OPTIONS.read(Map.of("fields", List.of("/a", "/b/d", "/missing"))))
            .apply(input);

    assertThat(kept.value().toString()).isEqualTo("{\"a\":1,\"b\":{\"d\":3}}");
    assertThat(kept.metadata()).isEqualTo(input.metadata());
  }

  @Test
  void dropFieldsRemovesPathsWithoutTouchingTheInput() throws Exception {
    JsonNode json = JSON.readTree("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":[1,2]}");
    PipelineRecord input = PipelineRecord.of(json, Map.of());

    PipelineRecord dropped =
        Transforms.DropFields.function(
                FieldsOptions.OPTIONS.read(Map.of("fields", List.of("/b/c", "/e", "/nope"))))
            .apply(input);

    assertThat(dropped.value().toString()).isEqualTo("{\"a\":1,\"b\":{\"d\":3}}");
    assertThat(json.toString()).isEqualTo("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":[1,2]}");
  }

  @Test
  void addMetadataWritesFieldsAtTheirPointersCreatingObjects() {
    PipelineRecord input =
        PipelineRecord.of(
            "{\"id\":1}",
            Map.of(
                "partitionKey",
                "customer-7",
                "arrivalTime",
                Instant.parse("2026-01-02T03:04:05Z")));

    PipelineRecord out =
        Transforms.AddMetadata.function(
                AddMetadataOptions.OPTIONS.read(
                    Map.of(
                        "fields",
                        Map.of("partitionKey", "/kinesis/key", "arrivalTime", "/arrivedAt"))))
            .apply(input);

    JsonNode json = (JsonNode) out.value();
    assertThat(json.at("/id").asInt()).isEqualTo(1);
    assertThat(json.at("/kinesis/key").asText()).isEqualTo("customer-7");
    assertThat(json.at("/arrivedAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
  }

  @Test
  void addMetadataRefusesRecordsThatAreNotObjects() {
    var add =
        Transforms.AddMetadata.function(
            AddMetadataOptions.OPTIONS.read(Map.of("fields", Map.of("readTime", "/t"))));

    assertThatThrownBy(() -> add.apply(PipelineRecord.of("[1,2]", Map.of())))
        .hasMessageContaining("addMetadata needs JSON objects, but a record is array");
  }

  @Test
  void addMetadataListsTheFieldsItReads() {
    Configuration config =
        AddMetadataOptions.OPTIONS.read(
            Map.of("fields", Map.of("partitionKey", "/pk", "readTime", "/meta/read")));

    assertThat(new Transforms.AddMetadata().metadataFields(config))
        .containsExactlyInAnyOrder("partitionKey", "readTime");
    assertThat(
            PipelineRecord.of("{}", Map.of("arrivalTime", Instant.EPOCH))
                .metadataJson("arrivalTime")
                .asText())
        .isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void everyTransformStepSurvivesJavaSerializationAndStillWorks() throws Exception {
    // Flink ships the steps to its task managers as Java-serialized objects
    Map<String, Configuration> configs =
        Map.of(
            "filter", FilterOptions.OPTIONS.read(Map.of("field", "/status", "in", List.of("paid"))),
            "keepFields", FieldsOptions.OPTIONS.read(Map.of("fields", List.of("/status"))),
            "dropFields", FieldsOptions.OPTIONS.read(Map.of("fields", List.of("/id"))),
            "addMetadata",
                AddMetadataOptions.OPTIONS.read(Map.of("fields", Map.of("partitionKey", "/pk"))));
    PipelineRecord input = record("{\"id\":1,\"status\":\"paid\"}");
    for (TransformType type : Transforms.all()) {
      RecordStep step = type.step(configs.get(type.name()));
      dev.shardline.config.Serializability.requireSerializable(step, type.name());
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(step);
      }
      RecordStep copy;
      try (java.io.ObjectInputStream in =
          new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        copy = (RecordStep) in.readObject();
      }
      Object result =
          copy instanceof RecordStep.Keep keep
              ? (Object) keep.predicate().test(input)
              : ((RecordStep.Change) copy).function().apply(input).value().toString();
      assertThat(result)
          .as(type.name())
          .isEqualTo(
              switch (type.name()) {
                case "filter" -> true;
                case "keepFields" -> "{\"status\":\"paid\"}";
                case "dropFields" -> "{\"status\":\"paid\"}";
                default -> "{\"id\":1,\"status\":\"paid\",\"pk\":\"customer-7\"}";
              });
    }
  }
}
