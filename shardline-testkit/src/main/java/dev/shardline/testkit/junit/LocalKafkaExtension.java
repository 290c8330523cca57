package dev.shardline.testkit.junit;

import dev.shardline.testkit.kafka.LocalKafka;
import java.util.Objects;

/**
 * Starts one {@link LocalKafka} broker per test class and always stops it (and deletes its data)
 * after the class. Test methods and constructors may take the {@code LocalKafka} as a parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKafkaExtension KAFKA =
 *     new LocalKafkaExtension(LocalKafka.builder().childJvm().brokerProperty("num.partitions", "3"));
 *
 * @Test
 * void roundTrip(LocalKafka kafka) {
 *   kafka.createTopic("events", 3);
 * }
 * }</pre>
 *
 * <p>Defaults are those of {@link LocalKafka#builder()}: an in-process broker. The builder's
 * options are read when the class starts. Not thread-safe: JUnit calls it from one thread.
 */
public final class LocalKafkaExtension extends ServerExtension<LocalKafka> {

  /** An in-process broker with the default options. */
  public LocalKafkaExtension() {
    this(LocalKafka.builder());
  }

  /** A broker with the given options. */
  public LocalKafkaExtension(LocalKafka.Builder builder) {
    super(LocalKafka.class, Objects.requireNonNull(builder, "builder cannot be null")::start);
  }
}
