package dev.shardline.format;

import dev.shardline.api.UnrecoverableException;
import java.util.Map;

/**
 * A record could not be deserialized and the bad-data policy is {@code fail}. The message names the
 * record's coordinates (e.g. {@code stream=orders shardId=shardId-000000000001
 * sequenceNumber=4959...}), the format and the cause, and how to get past it; the cause is the
 * deserializer's exception. An {@link UnrecoverableException}: the same bytes fail the same way
 * after any restart, so a runner fails at once instead of restarting into it again. Immutable.
 *
 * <pre>{@code
 * catch (BadRecordException e) {
 *   log.error("Stopping at {}", e.coordinates(), e);
 * }
 * }</pre>
 */
public class BadRecordException extends UnrecoverableException {
  private static final long serialVersionUID = 1L;

  private final Map<String, String> coordinates;

  public BadRecordException(String message, Map<String, String> coordinates, Throwable cause) {
    super(message, cause);
    this.coordinates = Map.copyOf(coordinates);
  }

  /** Where the bad record is. */
  public Map<String, String> coordinates() {
    return coordinates;
  }
}
