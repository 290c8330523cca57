package dev.shardline.connectors.file;

import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serializer of {@link FilePart}. Version 1: {@code UTF inProgressName, UTF finalName, long bytes}
 * ({@link DataOutputStream} encoding). Stateless and thread-safe.
 */
public final class FilePartSerializer implements VersionedSerializer<FilePart> {
  /** The one instance. */
  public static final FilePartSerializer INSTANCE = new FilePartSerializer();

  private FilePartSerializer() {}

  @Override
  public int version() {
    return 1;
  }

  @Override
  public byte[] serialize(FilePart part) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(part.inProgressName());
      out.writeUTF(part.finalName());
      out.writeLong(part.bytes());
    }
    return bytes.toByteArray();
  }

  @Override
  public FilePart deserialize(int version, byte[] serialized) throws IOException {
    if (version != 1) {
      throw new IOException(
          "Unknown file part version " + version + "; this Shardline reads version 1");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      FilePart part = new FilePart(in.readUTF(), in.readUTF(), in.readLong());
      if (in.available() > 0) {
        throw new IOException("File part has " + in.available() + " trailing bytes");
      }
      return part;
    }
  }
}
