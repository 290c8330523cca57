package dev.shardline.cli.transform;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.cli.connect.JsonPointers;
import dev.shardline.cli.connect.PipelineRecord;
import dev.shardline.cli.transform.RecordStep.SerializablePredicate;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in transform types. Their functions hold only serializable values (option values,
 * Jackson's {@link JsonPointer}s), so a pipeline with transforms can be shipped to Flink.
 */
public final class Transforms {
  private Transforms() {}

  /** Every transform type, in reference order. */
  public static List<TransformType> all() {
    return List.of(new Filter(), new KeepFields(), new DropFields(), new AddMetadata());
  }

  /** {@code type: filter}. */
  static final class Filter implements TransformType {
    @Override
    public String name() {
      return "filter";
    }

    @Override
    public String summary() {
      return "Keeps the records whose JSON field matches one condition (equals, notEquals, in,"
          + " exists) and drops the others.";
    }

    @Override
    public OptionSet options() {
      return FilterOptions.OPTIONS;
    }

    @Override
    public RecordStep step(Configuration config) {
      return new RecordStep.Keep(predicate(config));
    }

    static SerializablePredicate<PipelineRecord> predicate(Configuration config) {
      JsonPointer field = JsonPointer.compile(config.get(FilterOptions.FIELD));
      if (config.contains(FilterOptions.EXISTS)) {
        boolean exists = config.get(FilterOptions.EXISTS);
        return record -> (JsonPointers.get(record.json(), field) != null) == exists;
      }
      if (config.contains(FilterOptions.EQUALS)) {
        String value = config.get(FilterOptions.EQUALS);
        return record -> matches(JsonPointers.get(record.json(), field), value);
      }
      if (config.contains(FilterOptions.NOT_EQUALS)) {
        String value = config.get(FilterOptions.NOT_EQUALS);
        return record -> !matches(JsonPointers.get(record.json(), field), value);
      }
      Set<String> values = Set.copyOf(config.get(FilterOptions.IN));
      return record -> {
        JsonNode node = JsonPointers.get(record.json(), field);
        return values.stream().anyMatch(v -> matches(node, v));
      };
    }

    static boolean matches(JsonNode node, String value) {
      if (node == null || !node.isValueNode()) {
        return false;
      }
      if (node.isNumber()) {
        try {
          return node.decimalValue().compareTo(new BigDecimal(value.trim())) == 0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return node.asText().equals(value);
    }
  }

  /** {@code type: keepFields}. */
  static final class KeepFields implements TransformType {
    @Override
    public String name() {
      return "keepFields";
    }

    @Override
    public String summary() {
      return "Keeps only the listed JSON fields of each record.";
    }

    @Override
    public OptionSet options() {
      return FieldsOptions.OPTIONS;
    }

    @Override
    public RecordStep step(Configuration config) {
      return new RecordStep.Change(function(config));
    }

    static SerializableFunction<PipelineRecord, PipelineRecord> function(Configuration config) {
      List<JsonPointer> fields = pointers(config.get(FieldsOptions.FIELDS));
      return record -> record.withValue(JsonPointers.keep(record.json(), fields));
    }
  }

  /** {@code type: dropFields}. */
  static final class DropFields implements TransformType {
    @Override
    public String name() {
      return "dropFields";
    }

    @Override
    public String summary() {
      return "Removes the listed JSON fields from each record.";
    }

    @Override
    public OptionSet options() {
      return FieldsOptions.OPTIONS;
    }

    @Override
    public RecordStep step(Configuration config) {
      return new RecordStep.Change(function(config));
    }

    static SerializableFunction<PipelineRecord, PipelineRecord> function(Configuration config) {
      List<JsonPointer> fields = pointers(config.get(FieldsOptions.FIELDS));
      return record -> {
        JsonNode copy = record.json().deepCopy();
        fields.forEach(field -> JsonPointers.remove(copy, field));
        return record.withValue(copy);
      };
    }
  }

  /** {@code type: addMetadata}. */
  static final class AddMetadata implements TransformType {
    @Override
    public String name() {
      return "addMetadata";
    }

    @Override
    public String summary() {
      return "Writes source metadata (partition key, arrival time, offset, ...) into each JSON"
          + " record.";
    }

    @Override
    public OptionSet options() {
      return AddMetadataOptions.OPTIONS;
    }

    @Override
    public List<String> metadataFields(Configuration config) {
      return new ArrayList<>(config.get(AddMetadataOptions.FIELDS).keySet());
    }

    @Override
    public RecordStep step(Configuration config) {
      return new RecordStep.Change(function(config));
    }

    static SerializableFunction<PipelineRecord, PipelineRecord> function(Configuration config) {
      Map<String, JsonPointer> targets = new LinkedHashMap<>();
      config
          .get(AddMetadataOptions.FIELDS)
          .forEach((field, pointer) -> targets.put(field, JsonPointer.compile(pointer)));
      return record -> {
        JsonNode json = record.json();
        if (!(json instanceof ObjectNode)) {
          throw new ShardlineException(
              "addMetadata needs JSON objects, but a record is "
                  + json.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                  + "; filter such records out first");
        }
        ObjectNode copy = ((ObjectNode) json).deepCopy();
        targets.forEach(
            (field, pointer) -> {
              JsonNode value = record.metadataJson(field);
              if (value != null) {
                JsonPointers.set(copy, pointer, value);
              }
            });
        return record.withValue(copy);
      };
    }
  }

  private static List<JsonPointer> pointers(List<String> texts) {
    return texts.stream().map(JsonPointer::compile).toList();
  }
}
