package dev.shardline.connectors.generator;

import dev.shardline.state.VersionedSerializer;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializer of {@link GeneratorEnumeratorState}. Version 1: {@code int splitCount, int n}, then
 * {@code n} splits as {@code int index, long position}, big-endian. Stateless and thread-safe.
 */
public final class GeneratorEnumeratorStateSerializer
    implements VersionedSerializer<GeneratorEnumeratorState> {
  /** The one instance. */
  public static final GeneratorEnumeratorStateSerializer INSTANCE =
      new GeneratorEnumeratorStateSerializer();

  private GeneratorEnumeratorStateSerializer() {}

  @Override
  public int version() {
    return 1;
  }

  @Override
  public byte[] serialize(GeneratorEnumeratorState state) {
    ByteBuffer buffer = ByteBuffer.allocate(8 + 12 * state.unassigned().size());
    buffer.putInt(state.splitCount()).putInt(state.unassigned().size());
    for (GeneratorSplit split : state.unassigned()) {
      buffer.putInt(split.index()).putLong(split.position());
    }
    return buffer.array();
  }

  @Override
  public GeneratorEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
    if (version != 1) {
      throw new IOException(
          "Unknown generator enumerator state version "
              + version
              + "; this Shardline reads version 1");
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(serialized);
      int splitCount = buffer.getInt();
      int n = buffer.getInt();
      if (n < 0 || n > splitCount) {
        throw new IOException("Malformed generator enumerator state: " + n + " splits");
      }
      List<GeneratorSplit> unassigned = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        unassigned.add(new GeneratorSplit(buffer.getInt(), splitCount, buffer.getLong()));
      }
      if (buffer.hasRemaining()) {
        throw new IOException("Generator enumerator state has trailing bytes");
      }
      return new GeneratorEnumeratorState(splitCount, unassigned);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IOException(
          "Malformed generator enumerator state (version 1): " + e.getMessage(), e);
    }
  }
}
