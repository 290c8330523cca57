package dev.shardline.kafka.source.split;

import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serializer of {@link KafkaPartitionSplit}. Version 1 ({@link DataOutputStream} encoding): {@code
 * UTF topic, int partition, long nextOffset} ({@code -2} for earliest). Stateless and thread-safe.
 */
public final class KafkaPartitionSplitSerializer
    implements VersionedSerializer<KafkaPartitionSplit> {
  /** The one instance. */
  public static final KafkaPartitionSplitSerializer INSTANCE = new KafkaPartitionSplitSerializer();

  private static final int VERSION = 1;

  private KafkaPartitionSplitSerializer() {}

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public byte[] serialize(KafkaPartitionSplit split) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(split, out);
    }
    return bytes.toByteArray();
  }

  @Override
  public KafkaPartitionSplit deserialize(int version, byte[] serialized) throws IOException {
    checkVersion(version);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      KafkaPartitionSplit split = read(in);
      if (in.available() > 0) {
        throw new IOException("Kafka partition split has " + in.available() + " trailing bytes");
      }
      return split;
    }
  }

  /** Writes {@code split} in the current version's format (used inside other states too). */
  public static void write(KafkaPartitionSplit split, DataOutputStream out) throws IOException {
    out.writeUTF(split.topic());
    out.writeInt(split.partition());
    out.writeLong(split.nextOffset());
  }

  /** Reads a split written by {@link #write} of version 1. */
  public static KafkaPartitionSplit read(DataInputStream in) throws IOException {
    String topic = in.readUTF();
    int partition = in.readInt();
    long offset = in.readLong();
    try {
      return new KafkaPartitionSplit(topic, partition, offset);
    } catch (IllegalArgumentException e) {
      throw new IOException("Malformed Kafka partition split: " + e.getMessage(), e);
    }
  }

  private static void checkVersion(int version) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "Unknown Kafka partition split version "
              + version
              + "; this Shardline reads version "
              + VERSION);
    }
  }
}
