package dev.shardline.testkit.junit;

import dev.shardline.testkit.registry.LocalSchemaRegistry;
import java.util.Objects;

/**
 * Starts one {@link LocalSchemaRegistry} (Apicurio Registry in a child JVM) per test class and
 * always stops it after the class. Test methods and constructors may take the {@code
 * LocalSchemaRegistry} as a parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalSchemaRegistryExtension REGISTRY = new LocalSchemaRegistryExtension();
 *
 * @Test
 * void reads(LocalSchemaRegistry registry) {
 *   String url = registry.confluentUrl();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: JUnit calls it from one thread.
 */
public final class LocalSchemaRegistryExtension extends ServerExtension<LocalSchemaRegistry> {

  /** A registry with the default options. */
  public LocalSchemaRegistryExtension() {
    this(LocalSchemaRegistry.builder());
  }

  /** A registry with the given options. */
  public LocalSchemaRegistryExtension(LocalSchemaRegistry.Builder builder) {
    super(
        LocalSchemaRegistry.class,
        Objects.requireNonNull(builder, "builder cannot be null")::start);
  }
}
