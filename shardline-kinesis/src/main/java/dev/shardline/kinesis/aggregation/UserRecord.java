package dev.shardline.kinesis.aggregation;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.Objects;

/**
 * One user record inside a KPL-aggregated Kinesis record (or a plain record, which is its own only
 * user record): its partition key, optional explicit hash key and data. Immutable; the data array
 * is not copied, so do not change it.
 *
 * @param partitionKey the partition key the producer gave this user record
 * @param explicitHashKey the explicit hash key the producer gave, or {@code null}
 * @param data the user record's bytes
 */
public record UserRecord(String partitionKey, String explicitHashKey, byte[] data) {

  public UserRecord {
    checkNotNull(partitionKey, "partitionKey");
    checkNotNull(data, "data");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserRecord r
        && partitionKey.equals(r.partitionKey)
        && Objects.equals(explicitHashKey, r.explicitHashKey)
        && Arrays.equals(data, r.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(partitionKey, explicitHashKey, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "UserRecord{partitionKey="
        + partitionKey
        + (explicitHashKey == null ? "" : ", explicitHashKey=" + explicitHashKey)
        + ", "
        + data.length
        + " bytes}";
  }
}
