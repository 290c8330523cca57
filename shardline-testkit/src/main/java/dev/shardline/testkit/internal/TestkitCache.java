package dev.shardline.testkit.internal;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the testkit keeps what it installs (npm packages, the node preload script), so a machine
 * installs each pinned server once. The root is, first match wins: the system property {@value
 * #PROPERTY}, the environment variable {@value #ENV}, else {@code ~/.cache/shardline}.
 */
public final class TestkitCache {
  /** System property naming the cache root. */
  public static final String PROPERTY = "shardline.testkit.cache";

  /** Environment variable naming the cache root. */
  public static final String ENV = "SHARDLINE_TESTKIT_CACHE";

  private TestkitCache() {}

  /** The cache root for this JVM's settings. */
  public static Path root() {
    return resolve(
        System.getProperty(PROPERTY), System.getenv(ENV), System.getProperty("user.home"));
  }

  /** The folder npm packages are installed into: {@code <root>/npm}. */
  public static Path npmRoot() {
    return root().resolve("npm");
  }

  /**
   * Resolves the cache root from its three sources; blank values count as unset.
   *
   * @param property the value of {@value #PROPERTY}, or null
   * @param env the value of {@value #ENV}, or null
   * @param userHome the user's home folder
   */
  static Path resolve(String property, String env, String userHome) {
    if (property != null && !property.isBlank()) {
      return Paths.get(property.strip()).toAbsolutePath();
    }
    if (env != null && !env.isBlank()) {
      return Paths.get(env.strip()).toAbsolutePath();
    }
    if (userHome == null || userHome.isBlank()) {
      throw new IllegalStateException(
          "Cannot find a cache folder for the testkit: user.home is not set; set the system"
              + " property "
              + PROPERTY
              + " or the environment variable "
              + ENV);
    }
    return Paths.get(userHome, ".cache", "shardline").toAbsolutePath();
  }
}
