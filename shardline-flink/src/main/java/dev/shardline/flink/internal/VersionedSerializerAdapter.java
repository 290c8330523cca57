package dev.shardline.flink.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.state.VersionedSerializer;
import java.io.IOException;
import java.util.function.Function;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A connector's {@link VersionedSerializer} as Flink's {@link SimpleVersionedSerializer}: the same
 * version and the same bytes, so a state object is stored alike on Flink and on the embedded runner
 * (an embedded checkpoint's bytes restore on Flink and the other way round). Where Flink needs a
 * wrapper type (a split must implement Flink's {@code SourceSplit}), {@code wrap}/{@code unwrap}
 * convert without touching the bytes. Stateless and thread-safe.
 *
 * @param <F> the type Flink sees
 * @param <T> the connector's state type
 */
public final class VersionedSerializerAdapter<F, T> implements SimpleVersionedSerializer<F> {
  private final VersionedSerializer<T> serializer;
  private final Function<F, T> unwrap;
  private final Function<T, F> wrap;

  private VersionedSerializerAdapter(
      VersionedSerializer<T> serializer, Function<F, T> unwrap, Function<T, F> wrap) {
    this.serializer = checkNotNull(serializer, "serializer");
    this.unwrap = unwrap;
    this.wrap = wrap;
  }

  /** The connector's serializer for a type Flink uses as it is. */
  public static <T> VersionedSerializerAdapter<T, T> of(VersionedSerializer<T> serializer) {
    return new VersionedSerializerAdapter<>(serializer, Function.identity(), Function.identity());
  }

  /** The connector's serializer for a type Flink sees through a wrapper. */
  public static <F, T> VersionedSerializerAdapter<F, T> wrapping(
      VersionedSerializer<T> serializer, Function<F, T> unwrap, Function<T, F> wrap) {
    return new VersionedSerializerAdapter<>(serializer, unwrap, wrap);
  }

  @Override
  public int getVersion() {
    return serializer.version();
  }

  @Override
  public byte[] serialize(F value) throws IOException {
    return serializer.serialize(unwrap.apply(value));
  }

  @Override
  public F deserialize(int version, byte[] serialized) throws IOException {
    return wrap.apply(serializer.deserialize(version, serialized));
  }
}
