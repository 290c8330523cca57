package dev.shardline.runtime.checkpoint;

import dev.shardline.api.ShardlineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The binary layout of a checkpoint file. Every file starts with the magic number {@code SHCK} and
 * a format version, and ends with a CRC32C of everything before it; a reader checks both before it
 * believes a single field. The writer always writes {@link #CURRENT_VERSION}; the reader keeps the
 * code for every version it ever wrote.
 *
 * <p>Version 1, all integers big-endian, strings as an {@code int} byte length and UTF-8 bytes, a
 * state blob as {@code int} serializer version, {@code int} length and the bytes:
 *
 * <pre>
 * int    magic 0x5348434B ("SHCK")
 * int    format version (1)
 * long   checkpoint id
 * long   timestamp, ms since the epoch
 * string pipeline name
 * string source identity
 * int    parallelism p
 * blob   enumerator state
 * p x    { int n; n x blob }                    splits of reader 0..p-1
 * int    sink count; each:
 *        string sink id; int writer count w;
 *        w x { int n; n x blob }                writer states
 *        w x { int n; n x blob }                committables
 * int    CRC32C of all bytes above
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class CheckpointFileFormat {
  /** "SHCK". */
  public static final int MAGIC = 0x5348434B;

  /** The version {@link #encode} writes. */
  public static final int CURRENT_VERSION = 1;

  // a sanity bound on counts and lengths read from a file, so a damaged length field is reported
  // as corruption instead of an OutOfMemoryError
  private static final int MAX_LENGTH = Integer.MAX_VALUE - 64;

  private CheckpointFileFormat() {}

  /** The bytes of {@code checkpoint} in the current format. */
  public static byte[] encode(Checkpoint checkpoint) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(CURRENT_VERSION);
      out.writeLong(checkpoint.id());
      out.writeLong(checkpoint.timestampMillis());
      writeString(out, checkpoint.pipelineName());
      writeString(out, checkpoint.sourceIdentity());
      out.writeInt(checkpoint.parallelism());
      writeBlob(out, checkpoint.enumeratorState());
      for (List<StateBlob> splits : checkpoint.readerSplits()) {
        writeBlobs(out, splits);
      }
      out.writeInt(checkpoint.sinks().size());
      for (Map.Entry<String, SinkState> sink : checkpoint.sinks().entrySet()) {
        writeString(out, sink.getKey());
        SinkState state = sink.getValue();
        int writers = Math.max(state.writerStates().size(), state.committables().size());
        out.writeInt(writers);
        for (int w = 0; w < writers; w++) {
          writeBlobs(
              out, w < state.writerStates().size() ? state.writerStates().get(w) : List.of());
        }
        for (int w = 0; w < writers; w++) {
          writeBlobs(
              out, w < state.committables().size() ? state.committables().get(w) : List.of());
        }
      }
      out.flush();
      CRC32C crc = new CRC32C();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("A byte array stream cannot fail", e);
    }
  }

  /**
   * Reads a checkpoint file's bytes.
   *
   * @param file where the bytes came from, for messages
   * @throws CorruptCheckpointException when the bytes are truncated, fail the checksum or are not a
   *     checkpoint file
   * @throws ShardlineException when the file is of a newer format version than this Shardline reads
   */
  public static Checkpoint decode(byte[] bytes, Path file) throws CorruptCheckpointException {
    if (bytes.length < 12) {
      throw new CorruptCheckpointException(file, "truncated: " + bytes.length + " bytes");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes);
    int magic = header.getInt();
    if (magic != MAGIC) {
      throw new CorruptCheckpointException(
          file,
          String.format("not a checkpoint file (magic 0x%08X, expected 0x%08X)", magic, MAGIC));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptCheckpointException(
          file,
          String.format(
              "checksum mismatch (stored 0x%08X, computed 0x%08X): truncated or damaged",
              stored, (int) crc.getValue()));
    }
    int version = header.getInt();
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 8, bytes.length - 12));
    try {
      Checkpoint checkpoint =
          switch (version) {
            case 1 -> decodeV1(in);
            default ->
                throw new ShardlineException(
                    "Checkpoint file "
                        + file
                        + " has format version "
                        + version
                        + ", but this Shardline reads versions 1 to "
                        + CURRENT_VERSION
                        + ": it was written by a newer Shardline. Run that version, or restore an"
                        + " older checkpoint directory.");
          };
      if (in.available() != 0) {
        throw new CorruptCheckpointException(
            file, in.available() + " unexpected bytes after the checkpoint");
      }
      return checkpoint;
    } catch (EOFException e) {
      throw new CorruptCheckpointException(file, "truncated field", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptCheckpointException(file, "malformed: " + e.getMessage(), e);
    }
  }

  private static Checkpoint decodeV1(DataInputStream in) throws IOException {
    long id = in.readLong();
    long timestamp = in.readLong();
    String pipelineName = readString(in);
    String sourceIdentity = readString(in);
    int parallelism = readCount(in);
    StateBlob enumerator = readBlob(in);
    List<List<StateBlob>> readers = new ArrayList<>();
    for (int r = 0; r < parallelism; r++) {
      readers.add(readBlobs(in));
    }
    int sinkCount = readCount(in);
    Map<String, SinkState> sinks = new LinkedHashMap<>();
    for (int s = 0; s < sinkCount; s++) {
      String sinkId = readString(in);
      int writers = readCount(in);
      List<List<StateBlob>> states = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        states.add(readBlobs(in));
      }
      List<List<StateBlob>> committables = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        committables.add(readBlobs(in));
      }
      sinks.put(sinkId, new SinkState(states, committables));
    }
    return new Checkpoint(
        id, timestamp, pipelineName, sourceIdentity, parallelism, enumerator, readers, sinks);
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeBlob(DataOutputStream out, StateBlob blob) throws IOException {
    out.writeInt(blob.version());
    out.writeInt(blob.bytes().length);
    out.write(blob.bytes());
  }

  private static StateBlob readBlob(DataInputStream in) throws IOException {
    int version = in.readInt();
    return new StateBlob(version, readBytes(in));
  }

  private static void writeBlobs(DataOutputStream out, List<StateBlob> blobs) throws IOException {
    out.writeInt(blobs.size());
    for (StateBlob blob : blobs) {
      writeBlob(out, blob);
    }
  }

  private static List<StateBlob> readBlobs(DataInputStream in) throws IOException {
    int count = readCount(in);
    List<StateBlob> blobs = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      blobs.add(readBlob(in));
    }
    return blobs;
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = readCount(in);
    if (length > in.available()) {
      throw new EOFException("length " + length + " runs past the end of the file");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  private static int readCount(DataInputStream in) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > MAX_LENGTH) {
      throw new IOException("count or length out of range: " + count);
    }
    return count;
  }
}
