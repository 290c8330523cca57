package dev.shardline.testkit.junit;

import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.util.Objects;

/**
 * Starts one {@link LocalKinesalite} (kinesalite, the fast server for volume) per test class and
 * always stops it. Register it on a static field; test methods reach the server through {@link
 * #get()} or a {@code LocalKinesalite} parameter:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKinesaliteExtension KINESALITE =
 *     new LocalKinesaliteExtension(LocalKinesalite.builder().initialStream("volume", 8));
 *
 * @Test
 * void writesALot(LocalKinesalite kinesalite) {
 *   KinesisClient client = kinesalite.client(); // speaks JSON, as kinesalite needs
 * }
 * }</pre>
 *
 * <p>The options are those of the builder when the class's tests start (defaults: see {@link
 * LocalKinesalite.Builder}). Not thread-safe: JUnit calls it from one thread; the server itself is
 * thread-safe.
 */
public final class LocalKinesaliteExtension extends ServerExtension<LocalKinesalite> {

  /** A server with the default options. */
  public LocalKinesaliteExtension() {
    this(LocalKinesalite.builder());
  }

  /** A server with the options of {@code builder}. */
  public LocalKinesaliteExtension(LocalKinesalite.Builder builder) {
    super(LocalKinesalite.class, Objects.requireNonNull(builder, "builder cannot be null")::start);
  }
}
