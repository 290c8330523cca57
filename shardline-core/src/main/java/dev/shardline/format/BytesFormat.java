package dev.shardline.format;

/**
 * Raw bytes, unchanged: the value is the record's byte array itself (not a copy; do not modify it),
 * and serializing returns the array given. Never fails, so the bad-data policy never applies. The
 * format named {@code bytes}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Format<byte[]> raw = BytesFormat.INSTANCE;
 * }</pre>
 */
public final class BytesFormat implements Format<byte[]> {
  private static final long serialVersionUID = 1L;

  /** The only instance. */
  public static final BytesFormat INSTANCE = new BytesFormat();

  private BytesFormat() {}

  @Override
  public String name() {
    return "bytes";
  }

  @Override
  public byte[] deserialize(byte[] bytes) {
    return bytes;
  }

  @Override
  public byte[] serialize(byte[] value) {
    return value;
  }

  private Object readResolve() {
    return INSTANCE;
  }

  @Override
  public String toString() {
    return "BytesFormat";
  }

  @Override
  public Class<?> producedClass() {
    return byte[].class;
  }
}
