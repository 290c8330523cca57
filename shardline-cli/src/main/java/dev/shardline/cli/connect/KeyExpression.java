package dev.shardline.cli.connect;

import static dev.shardline.util.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.config.Validator;
import java.io.Serializable;
import java.util.Optional;

/**
 * Where a sink takes a record's key from: a JSON pointer into the value ({@code /customerId}) or a
 * metadata field of the source ({@code metadata.partitionKey}). A missing field gives no key (the
 * sink's default applies). Immutable, thread-safe, serializable (the key functions of sinks built
 * from a pipeline file hold one).
 */
public final class KeyExpression implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String METADATA = "metadata.";

  /** The rule for key options. */
  public static final Validator<String> RULE =
      Validator.of(
          "must be a JSON pointer into the record (/customerId) or metadata.<field>"
              + " (metadata.partitionKey)",
          KeyExpression::isValid);

  private final String text;
  private final JsonPointer pointer;
  private final String metadataField;

  private KeyExpression(String text, JsonPointer pointer, String metadataField) {
    this.text = text;
    this.pointer = pointer;
    this.metadataField = metadataField;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException when it is neither form
   */
  public static KeyExpression parse(String text) {
    checkArgument(isValid(text), "not a key expression: " + text);
    if (text.startsWith(METADATA)) {
      return new KeyExpression(text, null, text.substring(METADATA.length()));
    }
    return new KeyExpression(text, JsonPointer.compile(text), null);
  }

  static boolean isValid(String text) {
    if (text.startsWith(METADATA)) {
      return text.length() > METADATA.length();
    }
    return JsonPointers.isPointer(text);
  }

  /** The metadata field it reads, if it reads one. */
  public Optional<String> metadataField() {
    return Optional.ofNullable(metadataField);
  }

  /** The key of {@code record} as text, or null when the field is missing. */
  public String apply(PipelineRecord record) {
    if (metadataField != null) {
      return record.metadataText(metadataField);
    }
    JsonNode node = JsonPointers.get(record.json(), pointer);
    if (node == null) {
      return null;
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
