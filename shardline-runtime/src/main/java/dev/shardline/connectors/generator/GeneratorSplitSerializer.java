package dev.shardline.connectors.generator;

import dev.shardline.state.VersionedSerializer;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Serializer of {@link GeneratorSplit}. Version 1: {@code int index, int splitCount, long
 * position}, big-endian (16 bytes). Stateless and thread-safe.
 */
public final class GeneratorSplitSerializer implements VersionedSerializer<GeneratorSplit> {
  /** The one instance. */
  public static final GeneratorSplitSerializer INSTANCE = new GeneratorSplitSerializer();

  private GeneratorSplitSerializer() {}

  @Override
  public int version() {
    return 1;
  }

  @Override
  public byte[] serialize(GeneratorSplit split) {
    return ByteBuffer.allocate(16)
        .putInt(split.index())
        .putInt(split.splitCount())
        .putLong(split.position())
        .array();
  }

  @Override
  public GeneratorSplit deserialize(int version, byte[] serialized) throws IOException {
    if (version != 1) {
      throw new IOException(
          "Unknown generator split version " + version + "; this Shardline reads version 1");
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(serialized);
      GeneratorSplit split = new GeneratorSplit(buffer.getInt(), buffer.getInt(), buffer.getLong());
      if (buffer.hasRemaining()) {
        throw new IOException("Generator split has " + buffer.remaining() + " trailing bytes");
      }
      return split;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IOException("Malformed generator split (version 1): " + e.getMessage(), e);
    }
  }
}
