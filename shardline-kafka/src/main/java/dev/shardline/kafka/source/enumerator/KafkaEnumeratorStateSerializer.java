package dev.shardline.kafka.source.enumerator;

import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.kafka.source.split.KafkaPartitionSplitSerializer;
import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Serializer of {@link KafkaEnumeratorState} ({@link DataOutputStream} encoding): {@code boolean
 * initialDiscoveryDone; int n; n x (UTF topic, int partition)} assigned, sorted; {@code int m; m x
 * split} unassigned, each as {@link KafkaPartitionSplitSerializer} of the same version writes it.
 * Version 2 (current) differs from version 1 only in its splits (version 2 splits carry a stopping
 * offset); version 1 states are read with splits without one. Stateless and thread-safe.
 */
public final class KafkaEnumeratorStateSerializer
    implements VersionedSerializer<KafkaEnumeratorState> {
  /** The one instance. */
  public static final KafkaEnumeratorStateSerializer INSTANCE =
      new KafkaEnumeratorStateSerializer();

  private static final int VERSION = 2;
  private static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private KafkaEnumeratorStateSerializer() {}

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public byte[] serialize(KafkaEnumeratorState state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBoolean(state.initialDiscoveryDone());
      List<TopicPartition> assigned = new ArrayList<>(state.assigned());
      assigned.sort(ORDER);
      out.writeInt(assigned.size());
      for (TopicPartition partition : assigned) {
        out.writeUTF(partition.topic());
        out.writeInt(partition.partition());
      }
      out.writeInt(state.unassigned().size());
      for (KafkaPartitionSplit split : state.unassigned()) {
        KafkaPartitionSplitSerializer.write(split, out);
      }
    }
    return bytes.toByteArray();
  }

  @Override
  public KafkaEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
    if (version < 1 || version > VERSION) {
      throw new IOException(
          "Unknown Kafka enumerator state version "
              + version
              + "; this Shardline reads versions 1 to "
              + VERSION);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      boolean initialDiscoveryDone = in.readBoolean();
      int assignedCount = count(in.readInt());
      Set<TopicPartition> assigned = new HashSet<>();
      for (int i = 0; i < assignedCount; i++) {
        String topic = in.readUTF();
        int partition = in.readInt();
        if (partition < 0) {
          throw new IOException("Malformed Kafka enumerator state: partition " + partition);
        }
        assigned.add(new TopicPartition(topic, partition));
      }
      int unassignedCount = count(in.readInt());
      List<KafkaPartitionSplit> unassigned = new ArrayList<>(unassignedCount);
      for (int i = 0; i < unassignedCount; i++) {
        unassigned.add(KafkaPartitionSplitSerializer.read(version, in));
      }
      if (in.available() > 0) {
        throw new IOException("Kafka enumerator state has " + in.available() + " trailing bytes");
      }
      return new KafkaEnumeratorState(assigned, unassigned, initialDiscoveryDone);
    }
  }

  private static int count(int n) throws IOException {
    if (n < 0) {
      throw new IOException("Malformed Kafka enumerator state: negative count " + n);
    }
    return n;
  }
}
