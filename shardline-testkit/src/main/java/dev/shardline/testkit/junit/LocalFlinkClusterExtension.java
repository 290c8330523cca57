package dev.shardline.testkit.junit;

import dev.shardline.testkit.flink.LocalFlinkCluster;
import java.util.Objects;

/**
 * Starts one {@link LocalFlinkCluster} per test class and always stops it (every JVM killed, its
 * directory deleted) after the class. Test methods and constructors may take the {@code
 * LocalFlinkCluster} as a parameter. The module needs Flink on its test classpath (see {@link
 * LocalFlinkCluster}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalFlinkClusterExtension FLINK =
 *     new LocalFlinkClusterExtension(LocalFlinkCluster.builder().taskManagers(2));
 *
 * @Test
 * void runs(LocalFlinkCluster cluster) {
 *   JobID job = cluster.submit(env, "job", JobJars.containing(MyJobIT.class));
 * }
 * }</pre>
 *
 * <p>Defaults are those of {@link LocalFlinkCluster#builder()}. Not thread-safe: JUnit calls it
 * from one thread.
 */
public final class LocalFlinkClusterExtension extends ServerExtension<LocalFlinkCluster> {

  /** A cluster with the default options. */
  public LocalFlinkClusterExtension() {
    this(LocalFlinkCluster.builder());
  }

  /** A cluster with the given options. */
  public LocalFlinkClusterExtension(LocalFlinkCluster.Builder builder) {
    super(
        LocalFlinkCluster.class, Objects.requireNonNull(builder, "builder cannot be null")::start);
  }
}
