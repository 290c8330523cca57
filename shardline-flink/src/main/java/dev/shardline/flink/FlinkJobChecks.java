package dev.shardline.flink;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.Serializability;

/**
 * What {@link FlinkSource#of} and {@link FlinkSink#of} check when a job is built, so a job that
 * cannot run fails on the client with the fix, not on the cluster: the Flink on the classpath is a
 * 2.x, and the definition can be shipped (Java-serialized).
 */
final class FlinkJobChecks {
  /** The Flink major version this module is built for. */
  static final int SUPPORTED_MAJOR = 2;

  private FlinkJobChecks() {}

  /** Refuses a Flink that is not 2.x (the Source and Sink V2 interfaces changed in 2.0). */
  static void requireSupportedFlink(String version) {
    int major;
    try {
      major = Integer.parseInt(version.substring(0, version.indexOf('.')));
    } catch (RuntimeException e) {
      return; // a development build ("<unknown>"): nothing to say
    }
    if (major != SUPPORTED_MAJOR) {
      throw new UnrecoverableException(
          "shardline-flink needs Apache Flink 2.x (verified: 2.2.0 and 2.3.0), but Flink "
              + version
              + " is on the classpath. Run the job on a Flink 2.x cluster, or use the embedded"
              + " runner.");
    }
  }

  static String flinkVersion() {
    return org.apache.flink.runtime.util.EnvironmentInformation.getVersion();
  }

  /**
   * Refuses a definition that cannot be Java-serialized (the field at fault and the fix named by
   * {@link Serializability}), on a Flink this module supports.
   */
  static void requireSerializable(Object definition, String what) {
    requireSupportedFlink(flinkVersion());
    Serializability.requireSerializable(definition, "The " + what);
  }
}
