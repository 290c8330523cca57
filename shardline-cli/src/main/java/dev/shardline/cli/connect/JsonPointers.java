package dev.shardline.cli.connect;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.config.Validator;
import java.util.List;

/**
 * JSON pointers (RFC 6901: {@code /customer/id}) into record values: read a field, write one
 * (creating the objects on the way), remove one, or keep only some. Stateless, thread-safe.
 */
public final class JsonPointers {
  private JsonPointers() {}

  /** The rule for options holding a JSON pointer. */
  public static final Validator<String> POINTER =
      Validator.of(
          "must be a JSON pointer such as /customerId or /customer/id", JsonPointers::isPointer);

  /** The rule for options holding a list of JSON pointers. */
  public static final Validator<List<String>> POINTERS =
      Validator.of(
          "must be JSON pointers such as /customerId or /customer/id, at least one",
          list -> !list.isEmpty() && list.stream().allMatch(JsonPointers::isPointer));

  /** Whether {@code text} is a JSON pointer to a field (not the whole document). */
  public static boolean isPointer(String text) {
    if (!text.startsWith("/") || text.length() < 2) {
      return false;
    }
    try {
      JsonPointer.compile(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The node at {@code pointer}, or null when it is missing (or JSON null). */
  public static JsonNode get(JsonNode root, JsonPointer pointer) {
    JsonNode node = root.at(pointer);
    return node.isMissingNode() || node.isNull() ? null : node;
  }

  /**
   * Sets the field at {@code pointer} in {@code root} (an object, changed in place), creating
   * missing objects on the way. Array indexes in the path must exist.
   *
   * @throws IllegalArgumentException when the path runs through a value that is not an object
   */
  public static void set(ObjectNode root, JsonPointer pointer, JsonNode value) {
    JsonNode parent = root;
    JsonPointer rest = pointer;
    while (!rest.tail().matches()) {
      String name = rest.getMatchingProperty();
      JsonNode next;
      if (parent instanceof ObjectNode object) {
        next = object.get(name);
        if (next == null || next.isNull()) {
          next = object.putObject(name);
        }
      } else if (parent instanceof ArrayNode array && rest.mayMatchElement()) {
        next = array.get(rest.getMatchingIndex());
      } else {
        next = null;
      }
      if (next == null || !next.isContainerNode()) {
        throw new IllegalArgumentException(
            "cannot write " + pointer + ": " + name + " is not an object");
      }
      parent = next;
      rest = rest.tail();
    }
    if (parent instanceof ObjectNode object) {
      object.set(rest.getMatchingProperty(), value);
    } else if (parent instanceof ArrayNode array && rest.mayMatchElement()) {
      array.set(rest.getMatchingIndex(), value);
    } else {
      throw new IllegalArgumentException("cannot write " + pointer + ": not inside an object");
    }
  }

  /** Removes the field at {@code pointer} from {@code root} (changed in place), if present. */
  public static void remove(JsonNode root, JsonPointer pointer) {
    JsonNode parent = root.at(pointer.head());
    String last = pointer.last().getMatchingProperty();
    if (parent instanceof ObjectNode object) {
      object.remove(last);
    } else if (parent instanceof ArrayNode array && pointer.last().mayMatchElement()) {
      int index = pointer.last().getMatchingIndex();
      if (index < array.size()) {
        array.remove(index);
      }
    }
  }

  /** A new object holding only the fields of {@code root} at {@code pointers}, at their paths. */
  public static ObjectNode keep(JsonNode root, List<JsonPointer> pointers) {
    ObjectNode kept = PipelineRecord.JSON.createObjectNode();
    for (JsonPointer pointer : pointers) {
      JsonNode node = root.at(pointer);
      if (!node.isMissingNode()) {
        set(kept, pointer, node.deepCopy());
      }
    }
    return kept;
  }
}
