package dev.shardline.testkit.junit;

import dev.shardline.testkit.kinesis.LocalKinesis;
import java.util.Objects;

/**
 * Starts one {@link LocalKinesis} (kinesis-local) per test class and always stops it. Register it
 * on a static field; test methods reach the server through {@link #get()} or a {@code LocalKinesis}
 * parameter:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKinesisExtension KINESIS =
 *     new LocalKinesisExtension(LocalKinesis.builder().initialStream("orders", 4).shardLimit(20));
 *
 * @Test
 * void writes(LocalKinesis kinesis) {
 *   kinesis.client().putRecord(b -> b.streamName("orders").partitionKey("k")
 *       .data(SdkBytes.fromUtf8String("hello")));
 * }
 * }</pre>
 *
 * <p>The options are those of the builder when the class's tests start (defaults: see {@link
 * LocalKinesis.Builder}). Not thread-safe: JUnit calls it from one thread; the server itself is
 * thread-safe.
 */
public final class LocalKinesisExtension extends ServerExtension<LocalKinesis> {

  /** A server with the default options. */
  public LocalKinesisExtension() {
    this(LocalKinesis.builder());
  }

  /** A server with the options of {@code builder}. */
  public LocalKinesisExtension(LocalKinesis.Builder builder) {
    super(LocalKinesis.class, Objects.requireNonNull(builder, "builder cannot be null")::start);
  }
}
