package dev.shardline.kafka.sink;

import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serializer of {@link KafkaCommittable}. Version 1 ({@link DataOutputStream} encoding): {@code UTF
 * transactionalId, long producerId, short epoch, boolean transactionV2, long checkpointId}.
 * Stateless and thread-safe.
 */
public final class KafkaCommittableSerializer implements VersionedSerializer<KafkaCommittable> {
  /** The one instance. */
  public static final KafkaCommittableSerializer INSTANCE = new KafkaCommittableSerializer();

  private static final int VERSION = 1;

  private KafkaCommittableSerializer() {}

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public byte[] serialize(KafkaCommittable committable) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(committable.transactionalId());
      out.writeLong(committable.producerId());
      out.writeShort(committable.epoch());
      out.writeBoolean(committable.transactionV2());
      out.writeLong(committable.checkpointId());
    }
    return bytes.toByteArray();
  }

  @Override
  public KafkaCommittable deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "Unknown Kafka committable version "
              + version
              + "; this Shardline reads version "
              + VERSION);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      KafkaCommittable committable;
      try {
        committable =
            new KafkaCommittable(
                in.readUTF(), in.readLong(), in.readShort(), in.readBoolean(), in.readLong());
      } catch (IllegalArgumentException e) {
        throw new IOException("Malformed Kafka committable: " + e.getMessage(), e);
      }
      if (in.available() > 0) {
        throw new IOException("Kafka committable has " + in.available() + " trailing bytes");
      }
      return committable;
    }
  }
}
