package dev.shardline.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A record that could not be processed, kept with where it came from: the raw bytes as read (or as
 * they were to be written), its coordinates (e.g. {@code stream}, {@code shardId}, {@code
 * sequenceNumber}; or {@code topic}, {@code partition}, {@code offset}) and why it failed.
 *
 * @param payload the raw bytes, unchanged
 * @param coordinates where the record came from, in the order the source reports them
 * @param error what went wrong, e.g. the deserializer's message
 * @param timestampMillis when it was dead-lettered, milliseconds since the epoch
 */
public record DeadLetter(
    byte[] payload, Map<String, String> coordinates, String error, long timestampMillis) {

  public DeadLetter {
    Objects.requireNonNull(payload, "payload cannot be null");
    coordinates = Map.copyOf(Objects.requireNonNull(coordinates, "coordinates cannot be null"));
    Objects.requireNonNull(error, "error cannot be null");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter d
        && Arrays.equals(payload, d.payload)
        && coordinates.equals(d.coordinates)
        && error.equals(d.error)
        && timestampMillis == d.timestampMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(payload), coordinates, error, timestampMillis);
  }

  @Override
  public String toString() {
    return "DeadLetter{" + coordinates + ", " + payload.length + " bytes, error=" + error + "}";
  }
}
