package dev.shardline.testkit.serial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/**
 * Java serialization for tests: what Flink does to a source or sink it ships to a task manager.
 *
 * <pre>{@code
 * KafkaSink<String> shipped = JavaSerialization.roundTrip(sink);
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class JavaSerialization {
  private JavaSerialization() {}

  /** {@code value} written with an {@link ObjectOutputStream} and read back. */
  @SuppressWarnings("unchecked")
  public static <T> T roundTrip(T value) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes(value)))) {
      return (T) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read back " + value.getClass().getName(), e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Cannot read back " + value.getClass().getName(), e);
    }
  }

  /** The bytes {@link ObjectOutputStream} writes for {@code value}. */
  public static byte[] bytes(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize " + value.getClass().getName(), e);
    }
    return bytes.toByteArray();
  }
}
