package dev.shardline.format;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a record came from: {@code stream}, {@code shardId}, {@code sequenceNumber} for Kinesis;
 * {@code topic}, {@code partition}, {@code offset} for Kafka. What error messages, logs and dead
 * letters name, so a person can find the record again. A connector may implement this over its own
 * record type, so that the map is only built when a record turns out to be bad. Those made by
 * {@link #of} are immutable and thread-safe.
 *
 * <pre>{@code
 * RecordCoordinates at = RecordCoordinates.of(
 *     "stream", "orders", "shardId", "shardId-000000000001", "sequenceNumber", "4959...");
 * at.describe(); // "stream=orders shardId=shardId-000000000001 sequenceNumber=4959..."
 * }</pre>
 */
@FunctionalInterface
public interface RecordCoordinates {

  /** The coordinates, in the order the source reports them. */
  Map<String, String> asMap();

  /** {@code key=value} pairs separated by spaces, e.g. {@code stream=orders shardId=...}. */
  default String describe() {
    return asMap().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  /** These coordinates and one more at the end. */
  default RecordCoordinates with(String key, String value) {
    Map<String, String> map = new LinkedHashMap<>(asMap());
    map.put(checkNotNull(key, "key"), checkNotNull(value, "value"));
    return of(map);
  }

  /**
   * Coordinates from alternating keys and values.
   *
   * @throws IllegalArgumentException for an odd number of arguments
   */
  static RecordCoordinates of(String... keysAndValues) {
    checkArgument(keysAndValues.length % 2 == 0, "keysAndValues must alternate keys and values");
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(
          checkNotNull(keysAndValues[i], "key"),
          checkNotNull(keysAndValues[i + 1], keysAndValues[i]));
    }
    return of(map);
  }

  /** Coordinates from a map, in its iteration order. */
  static RecordCoordinates of(Map<String, String> coordinates) {
    Map<String, String> copy =
        Collections.unmodifiableMap(new LinkedHashMap<>(checkNotNull(coordinates, "coordinates")));
    return new RecordCoordinates() {
      @Override
      public Map<String, String> asMap() {
        return copy;
      }

      @Override
      public String toString() {
        return describe();
      }
    };
  }
}
