package dev.shardline.kinesis.aggregation.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The little of the protobuf wire format that the KPL aggregation format needs: varints,
 * length-delimited fields, and skipping unknown fields. Hand-written so that the connector carries
 * no protobuf dependency.
 */
public final class Protobuf {
  private Protobuf() {}

  /** Wire type of varint fields. */
  public static final int VARINT = 0;

  /** Wire type of 64-bit fixed fields. */
  public static final int FIXED64 = 1;

  /** Wire type of length-delimited fields (strings, bytes, messages). */
  public static final int LENGTH_DELIMITED = 2;

  /** Wire type of 32-bit fixed fields. */
  public static final int FIXED32 = 5;

  /** The bytes a varint of {@code value} (read as unsigned) takes. */
  public static int varintSize(long value) {
    int size = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  /** The bytes a field tag takes. */
  public static int tagSize(int field) {
    return varintSize((long) field << 3);
  }

  /** The bytes a length-delimited field of {@code length} payload bytes takes, tag included. */
  public static int lengthDelimitedSize(int field, int length) {
    return tagSize(field) + varintSize(length) + length;
  }

  /** Writes protobuf fields into a growing buffer. Not thread-safe. */
  public static final class Writer {
    private final ByteArrayOutputStream out;

    public Writer(int expectedSize) {
      this.out = new ByteArrayOutputStream(expectedSize);
    }

    public Writer varint(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
      return this;
    }

    public Writer tag(int field, int wireType) {
      return varint(((long) field << 3) | wireType);
    }

    public Writer varintField(int field, long value) {
      return tag(field, VARINT).varint(value);
    }

    public Writer bytesField(int field, byte[] bytes) {
      tag(field, LENGTH_DELIMITED).varint(bytes.length);
      out.writeBytes(bytes);
      return this;
    }

    public Writer stringField(int field, String text) {
      return bytesField(field, text.getBytes(StandardCharsets.UTF_8));
    }

    public Writer raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    public int size() {
      return out.size();
    }

    public byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /**
   * Reads protobuf fields from a slice of an array. Every read checks bounds and throws {@link
   * MalformedException} on truncated or malformed input. Not thread-safe.
   */
  public static final class Reader {
    private final byte[] buffer;
    private int position;
    private final int limit;

    public Reader(byte[] buffer, int offset, int length) {
      if (offset < 0 || length < 0 || offset + length > buffer.length) {
        throw new MalformedException("slice out of bounds");
      }
      this.buffer = buffer;
      this.position = offset;
      this.limit = offset + length;
    }

    public boolean hasMore() {
      return position < limit;
    }

    public long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= limit) {
          throw new MalformedException("truncated varint");
        }
        byte b = buffer[position++];
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new MalformedException("varint longer than 10 bytes");
    }

    /** The next tag: field number in the high bits, wire type in the low 3. */
    public int tag() {
      long tag = varint();
      if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
        throw new MalformedException("invalid field tag " + tag);
      }
      return (int) tag;
    }

    /** The payload of a length-delimited field as a new reader over the same array. */
    public Reader message() {
      int length = length();
      Reader nested = new Reader(buffer, position, length);
      position += length;
      return nested;
    }

    public byte[] bytes() {
      int length = length();
      byte[] bytes = new byte[length];
      System.arraycopy(buffer, position, bytes, 0, length);
      position += length;
      return bytes;
    }

    public String string() {
      int length = length();
      String text = new String(buffer, position, length, StandardCharsets.UTF_8);
      position += length;
      return text;
    }

    /** Skips the payload of a field of wire type {@code wireType}. */
    public void skip(int wireType) {
      switch (wireType) {
        case VARINT -> varint();
        case FIXED64 -> advance(8);
        case LENGTH_DELIMITED -> advance(length());
        case FIXED32 -> advance(4);
        default -> throw new MalformedException("unsupported wire type " + wireType);
      }
    }

    private int length() {
      long length = varint();
      if (length < 0 || length > limit - position) {
        throw new MalformedException("length " + length + " beyond the end of the message");
      }
      return (int) length;
    }

    private void advance(int bytes) {
      if (bytes > limit - position) {
        throw new MalformedException("truncated field");
      }
      position += bytes;
    }
  }

  /** The bytes are not the protobuf message they claim to be. */
  public static final class MalformedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
      super(message);
    }
  }
}
