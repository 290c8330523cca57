package dev.shardline.kinesis.source.enumerator;

import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorState.StreamState;
import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorState.TrackedShard;
import dev.shardline.kinesis.source.split.KinesisShardSplitSerializer;
import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializes {@link KinesisEnumeratorState}. Stateless and thread-safe.
 *
 * <p>Version 1: stream count; per stream its name, the last listed shard id (presence flag and
 * UTF), the tracked shard count, and per shard the split in {@link KinesisShardSplitSerializer}
 * version 1 format followed by the reader index (int, -1 for none).
 */
public final class KinesisEnumeratorStateSerializer
    implements VersionedSerializer<KinesisEnumeratorState> {

  /** The shared instance. */
  public static final KinesisEnumeratorStateSerializer INSTANCE =
      new KinesisEnumeratorStateSerializer();

  static final int VERSION = 1;

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public byte[] serialize(KinesisEnumeratorState state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(state.streams().size());
      for (StreamState stream : state.streams()) {
        out.writeUTF(stream.stream());
        out.writeBoolean(stream.lastListedShardId() != null);
        if (stream.lastListedShardId() != null) {
          out.writeUTF(stream.lastListedShardId());
        }
        out.writeInt(stream.shards().size());
        for (TrackedShard shard : stream.shards()) {
          KinesisShardSplitSerializer.write(shard.split(), out);
          out.writeInt(shard.reader());
        }
      }
    }
    return bytes.toByteArray();
  }

  @Override
  public KinesisEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "Cannot read a Kinesis enumerator state of version "
              + version
              + ": this Shardline reads versions 1 to "
              + VERSION);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      int streamCount = in.readInt();
      checkCount(streamCount, "streams");
      List<StreamState> streams = new ArrayList<>(streamCount);
      for (int s = 0; s < streamCount; s++) {
        String name = in.readUTF();
        String lastListed = in.readBoolean() ? in.readUTF() : null;
        int shardCount = in.readInt();
        checkCount(shardCount, "shards");
        List<TrackedShard> shards = new ArrayList<>(Math.min(shardCount, 1024));
        for (int i = 0; i < shardCount; i++) {
          shards.add(new TrackedShard(KinesisShardSplitSerializer.read(in), readReader(in)));
        }
        streams.add(new StreamState(name, lastListed, shards));
      }
      if (in.read() != -1) {
        throw new IOException("Trailing bytes after a Kinesis enumerator state");
      }
      return new KinesisEnumeratorState(streams);
    } catch (EOFException e) {
      throw new IOException("Truncated Kinesis enumerator state", e);
    }
  }

  private static int readReader(DataInputStream in) throws IOException {
    int reader = in.readInt();
    if (reader < -1) {
      throw new IOException("Malformed Kinesis enumerator state: reader index " + reader);
    }
    return reader;
  }

  private static void checkCount(int count, String what) throws IOException {
    if (count < 0) {
      throw new IOException("Malformed Kinesis enumerator state: " + count + " " + what);
    }
  }
}
