package dev.shardline.testkit.flink.internal;

import dev.shardline.testkit.process.internal.ChildJvmMain;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which entries of the test classpath are "Flink's own", as if they were in a Flink installation's
 * {@code lib/} directory: the jars of Flink ({@code org.apache.flink}) and of the libraries
 * flink-runtime, flink-clients and flink-streaming-java depend on (Kryo, Commons, Snappy, LZ4,
 * SnakeYAML, ...), plus SLF4J and Log4j for the cluster's logging. A jar is recognized by its path
 * in the local Maven repository ({@code .../<group as
 * directories>/<artifact>/<version>/<file>.jar}). Everything else (Shardline's modules, Kafka, the
 * AWS SDK, the test's own classes) is user code: a job brings it in its jars. Stateless.
 */
public final class FlinkClasspath {
  /**
   * Groups whose jars the cluster JVMs get; the closure of Flink 2.2's runtime, clients,
   * DataStream.
   */
  static final List<String> GROUPS =
      List.of(
          "org/apache/flink",
          "org/slf4j",
          "org/apache/logging/log4j",
          "org/snakeyaml",
          "com/esotericsoftware",
          "org/objenesis",
          "org/apache/commons",
          "commons-io",
          "commons-cli",
          "commons-collections",
          "org/javassist",
          "tools/profiler",
          "org/lz4",
          "at/yawk/lz4", // the same classes, newer: Kafka's, which replaces org.lz4's here
          "org/xerial/snappy",
          "com/google/code/findbugs");

  private static final Pattern FLINK_JAR =
      Pattern.compile(
          "(^|/)(" + String.join("|", GROUPS).replace(".", "\\.") + ")/[^/]+/[^/]+/[^/]+\\.jar$");

  private FlinkClasspath() {}

  /** Whether {@code entry} (a classpath entry) is one of Flink's own jars. */
  public static boolean isFlinks(Path entry) {
    return FLINK_JAR
        .matcher(entry.toAbsolutePath().toString().replace(File.separatorChar, '/'))
        .find();
  }

  /**
   * The entries of this JVM's classpath ({@code java.class.path}), in order, without duplicates.
   */
  public static List<Path> testClasspath() {
    Set<Path> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry).toAbsolutePath().normalize());
      }
    }
    return List.copyOf(entries);
  }

  /**
   * The classpath of a cluster JVM: Flink's own jars of this JVM's classpath, then the testkit's
   * code (its {@link ChildJvmMain} ends the JVM when the test JVM is gone).
   *
   * @throws IllegalStateException if flink-runtime is not on this JVM's classpath
   */
  public static String forCluster() {
    List<String> entries = new ArrayList<>();
    for (Path entry : testClasspath()) {
      if (isFlinks(entry) && Files.isRegularFile(entry)) {
        entries.add(entry.toString());
      }
    }
    if (entries.stream()
        .noneMatch(e -> Path.of(e).getFileName().toString().startsWith("flink-runtime-"))) {
      throw new IllegalStateException(
          "flink-runtime is not on the test classpath (java.class.path); a module that starts a"
              + " LocalFlinkCluster depends on org.apache.flink:flink-runtime, flink-clients and"
              + " flink-streaming-java itself (scope provided or test)");
    }
    entries.add(codeLocation(ChildJvmMain.class).toString());
    return String.join(File.pathSeparator, entries);
  }

  /** The jar or directory {@code type} was loaded from. */
  public static Path codeLocation(Class<?> type) {
    var source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalArgumentException(
          type.getName() + " has no code location (a JDK class?): it cannot go into a job jar");
    }
    try {
      return Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Bad code location of " + type.getName(), e);
    }
  }
}
