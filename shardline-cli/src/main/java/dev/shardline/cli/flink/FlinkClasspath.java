package dev.shardline.cli.flink;

import java.util.Optional;

/**
 * Whether Apache Flink is on the classpath, checked before any class that touches Flink types is
 * loaded (the executable jar has no Flink; the launcher adds it for {@code --engine flink}). Uses
 * no Flink types itself. Stateless.
 */
public final class FlinkClasspath {
  /** The class whose presence means Flink's DataStream API is on the classpath. */
  public static final String STREAM_ENVIRONMENT =
      "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment";

  private FlinkClasspath() {}

  /**
   * Empty when {@code className} can be loaded, else the one-line error that names the fix.
   *
   * @param className {@link #STREAM_ENVIRONMENT}; tests give a name that does not exist
   */
  public static Optional<String> missing(String className) {
    try {
      Class.forName(className, false, FlinkClasspath.class.getClassLoader());
      return Optional.empty();
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.of(
          "--engine flink needs Apache Flink 2.x on the classpath, but "
              + className
              + " is not there. Run it through the shardline launcher (./shardline run --engine"
              + " flink ...), which adds Flink's jars (shardline-cli/target/flink-lib), or put a"
              + " Flink 2.x lib/ on the classpath: java -cp shardline.jar:/opt/flink/lib/*"
              + " dev.shardline.cli.Main run --engine flink ...");
    }
  }
}
