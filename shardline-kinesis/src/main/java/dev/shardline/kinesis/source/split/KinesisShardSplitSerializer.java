package dev.shardline.kinesis.source.split;

import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializes {@link KinesisShardSplit}s in checkpoints. Stateless and thread-safe.
 *
 * <p>Version 1: stream, shard id, parent count and ids, starting and ending hash key (modified
 * UTF-8), position kind (byte), then per kind: a sequence number (UTF), a sub-sequence number
 * (long), a timestamp (epoch seconds long and nanos int) and an arrival time (long), each preceded
 * by a presence flag, then the finished flag.
 */
public final class KinesisShardSplitSerializer implements VersionedSerializer<KinesisShardSplit> {

  /** The shared instance. */
  public static final KinesisShardSplitSerializer INSTANCE = new KinesisShardSplitSerializer();

  static final int VERSION = 1;

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public byte[] serialize(KinesisShardSplit split) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(split, out);
    }
    return bytes.toByteArray();
  }

  @Override
  public KinesisShardSplit deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "Cannot read a Kinesis shard split of version "
              + version
              + ": this Shardline reads versions 1 to "
              + VERSION);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      KinesisShardSplit split = read(in);
      if (in.read() != -1) {
        throw new IOException("Trailing bytes after a Kinesis shard split");
      }
      return split;
    }
  }

  /** Writes one split in the current version's format; for state that embeds splits. */
  public static void write(KinesisShardSplit split, DataOutputStream out) throws IOException {
    out.writeUTF(split.stream());
    out.writeUTF(split.shardId());
    out.writeInt(split.parentShardIds().size());
    for (String parent : split.parentShardIds()) {
      out.writeUTF(parent);
    }
    out.writeUTF(split.startingHashKey());
    out.writeUTF(split.endingHashKey());
    ShardPosition position = split.position();
    out.writeByte(position.kind().ordinal());
    writeOptionalUtf(out, position.sequenceNumber());
    out.writeLong(position.subSequenceNumber());
    out.writeBoolean(position.timestamp() != null);
    if (position.timestamp() != null) {
      out.writeLong(position.timestamp().getEpochSecond());
      out.writeInt(position.timestamp().getNano());
    }
    out.writeLong(position.arrivalMillis());
    out.writeBoolean(split.finished());
  }

  /** Reads one split written by {@link #write} in the current version. */
  public static KinesisShardSplit read(DataInputStream in) throws IOException {
    try {
      String stream = in.readUTF();
      String shardId = in.readUTF();
      int parentCount = in.readInt();
      if (parentCount < 0 || parentCount > 2) {
        throw new IOException("A shard has at most 2 parents, found " + parentCount);
      }
      List<String> parents = new ArrayList<>(parentCount);
      for (int i = 0; i < parentCount; i++) {
        parents.add(in.readUTF());
      }
      String startingHashKey = in.readUTF();
      String endingHashKey = in.readUTF();
      int kindIndex = in.readByte();
      if (kindIndex < 0 || kindIndex >= ShardPosition.Kind.values().length) {
        throw new IOException("Unknown shard position kind " + kindIndex);
      }
      ShardPosition.Kind kind = ShardPosition.Kind.values()[kindIndex];
      String sequenceNumber = readOptionalUtf(in);
      long subSequenceNumber = in.readLong();
      Instant timestamp =
          in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
      long arrivalMillis = in.readLong();
      boolean finished = in.readBoolean();
      ShardPosition position;
      try {
        position =
            new ShardPosition(kind, sequenceNumber, subSequenceNumber, timestamp, arrivalMillis);
        return new KinesisShardSplit(
            stream, shardId, parents, startingHashKey, endingHashKey, position, finished);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IOException("Malformed Kinesis shard split: " + e.getMessage(), e);
      }
    } catch (EOFException e) {
      throw new IOException("Truncated Kinesis shard split", e);
    }
  }

  private static void writeOptionalUtf(DataOutputStream out, String value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeUTF(value);
    }
  }

  private static String readOptionalUtf(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
