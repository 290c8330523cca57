package dev.shardline.runtime.checkpoint;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.state.VersionedSerializer;
import java.io.IOException;
import java.util.Arrays;

/**
 * One serialized state object in a checkpoint (a split, an enumerator state, a writer state, a
 * committable), with the version of the serializer that wrote it, so that {@link
 * VersionedSerializer#deserialize(int, byte[])} can read it back after an upgrade. Immutable.
 *
 * <pre>{@code
 * StateBlob blob = StateBlob.of(source.splitSerializer(), split);
 * MySplit back = blob.read(source.splitSerializer());
 * }</pre>
 *
 * @param version the serializer version that wrote {@code bytes}; 1 or more
 * @param bytes the serialized state
 */
public record StateBlob(int version, byte[] bytes) {

  public StateBlob {
    checkArgument(version >= 1, "version must be 1 or more, was " + version);
    checkNotNull(bytes, "bytes");
  }

  /** Serializes {@code value} with {@code serializer}'s current version. */
  public static <T> StateBlob of(VersionedSerializer<T> serializer, T value) throws IOException {
    return new StateBlob(serializer.version(), serializer.serialize(value));
  }

  /** Deserializes with {@code serializer}, which reads this blob's version. */
  public <T> T read(VersionedSerializer<T> serializer) throws IOException {
    return serializer.deserialize(version, bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateBlob b && version == b.version && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * version + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "StateBlob{v" + version + ", " + bytes.length + " bytes}";
  }
}
