package dev.shardline.kafka.source.split;

import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serializer of {@link KafkaPartitionSplit} ({@link DataOutputStream} encoding). Stateless and
 * thread-safe.
 *
 * <ul>
 *   <li>Version 2 (current): {@code UTF topic, int partition, long nextOffset} ({@code -2} for
 *       earliest){@code , long stoppingOffset} ({@link Long#MIN_VALUE} for none).
 *   <li>Version 1: {@code UTF topic, int partition, long nextOffset}; read as a split without a
 *       stopping offset.
 * </ul>
 */
public final class KafkaPartitionSplitSerializer
    implements VersionedSerializer<KafkaPartitionSplit> {
  /** The one instance. */
  public static final KafkaPartitionSplitSerializer INSTANCE = new KafkaPartitionSplitSerializer();

  private static final int VERSION = 2;

  private KafkaPartitionSplitSerializer() {}

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public byte[] serialize(KafkaPartitionSplit split) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(40);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(split, out);
    }
    return bytes.toByteArray();
  }

  @Override
  public KafkaPartitionSplit deserialize(int version, byte[] serialized) throws IOException {
    checkVersion(version);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      KafkaPartitionSplit split = read(version, in);
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
    out.writeLong(split.stoppingOffset());
  }

  /** Reads a split written by {@link #write} of {@code version} (1 or 2). */
  public static KafkaPartitionSplit read(int version, DataInputStream in) throws IOException {
    checkVersion(version);
    String topic = in.readUTF();
    int partition = in.readInt();
    long offset = in.readLong();
    long stoppingOffset = version >= 2 ? in.readLong() : KafkaPartitionSplit.NO_STOPPING_OFFSET;
    try {
      return new KafkaPartitionSplit(topic, partition, offset, stoppingOffset);
    } catch (IllegalArgumentException e) {
      throw new IOException("Malformed Kafka partition split: " + e.getMessage(), e);
    }
  }

  private static void checkVersion(int version) throws IOException {
    if (version < 1 || version > VERSION) {
      throw new IOException(
          "Unknown Kafka partition split version "
              + version
              + "; this Shardline reads versions 1 to "
              + VERSION);
    }
  }
}
