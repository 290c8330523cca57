package dev.shardline.testkit.flink;

import dev.shardline.testkit.flink.internal.FlinkClasspath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The jars a job submitted to a {@link LocalFlinkCluster} brings: its user code, as a real Flink
 * cluster needs it (the cluster JVMs have only Flink's own jars, see {@link LocalFlinkCluster}). A
 * test's classes and a reactor module's classes are often a directory ({@code target/classes},
 * {@code target/test-classes}), which Flink cannot upload: such a directory is packed into a jar in
 * the temp directory (once per JVM; deleted when the JVM exits).
 *
 * <pre>{@code
 * // just what the job needs: the jars (or packed directories) holding these classes
 * List<Path> jars = JobJars.containing(MyJobTest.class, FlinkSource.class, KinesisSource.class,
 *     ShardlineException.class, KinesisClient.class, ...);
 * // or everything on the test classpath that is not Flink's own (tens of MB with Kafka and AWS)
 * List<Path> all = JobJars.testClasspath();
 * cluster.submit(env, "orders", jars);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class JobJars {
  private static final Map<Path, Path> PACKED = new ConcurrentHashMap<>();
  private static final Map<Path, Path> MERGED = new ConcurrentHashMap<>();

  private JobJars() {}

  /**
   * The jars holding {@code classes} (each class's code location: its jar, or its classes directory
   * packed into a jar), without duplicates.
   *
   * @throws IllegalArgumentException if a class is one of Flink's own (the cluster has it) or a JDK
   *     class
   */
  public static List<Path> containing(Class<?>... classes) {
    Set<Path> jars = new LinkedHashSet<>();
    for (Class<?> type : classes) {
      Objects.requireNonNull(type, "classes cannot contain null");
      Path location = FlinkClasspath.codeLocation(type);
      if (FlinkClasspath.isFlinks(location)) {
        throw new IllegalArgumentException(
            type.getName()
                + " is in "
                + location
                + ", one of Flink's own jars that every cluster JVM has: do not list it");
      }
      jars.add(asJar(location));
    }
    return List.copyOf(jars);
  }

  /**
   * Every entry of the test classpath ({@code java.class.path}) that is not one of Flink's own
   * jars, directories packed into jars: all the user code a test can see, test classes included.
   */
  public static List<Path> testClasspath() {
    List<Path> jars = new ArrayList<>();
    for (Path entry : FlinkClasspath.testClasspath()) {
      if (!FlinkClasspath.isFlinks(entry) && Files.exists(entry)) {
        jars.add(asJar(entry));
      }
    }
    return List.copyOf(jars);
  }

  /**
   * {@link #testClasspath()} merged into one jar, as a job's shaded jar would be: the first of
   * duplicate entries wins, {@code META-INF/services} files are concatenated, signatures dropped.
   * One upload instead of dozens (a Flink 2.3 JobManager refuses a submission of many files: its
   * REST server caps the form fields of an upload). Built once per JVM.
   *
   * @throws UncheckedIOException if a jar cannot be read or the result written
   */
  public static Path testClasspathAsOneJar() {
    return MERGED.computeIfAbsent(Path.of("test-classpath"), key -> merge(testClasspath()));
  }

  private static Path merge(List<Path> jars) {
    try {
      Path merged = Files.createTempFile("shardline-job-all-", ".jar");
      merged.toFile().deleteOnExit();
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
      Set<String> written = new HashSet<>();
      Map<String, ByteArrayOutputStream> services = new LinkedHashMap<>();
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(merged), manifest)) {
        written.add("META-INF/MANIFEST.MF");
        for (Path jar : jars) {
          try (JarFile in = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(in.entries())) {
              String name = entry.getName();
              if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
                ByteArrayOutputStream text =
                    services.computeIfAbsent(name, n -> new ByteArrayOutputStream());
                try (InputStream data = in.getInputStream(entry)) {
                  data.transferTo(text);
                }
                text.write('\n');
              } else if (!isSignature(name) && written.add(name)) {
                out.putNextEntry(new JarEntry(name));
                if (!entry.isDirectory()) {
                  try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                  }
                }
                out.closeEntry();
              }
            }
          }
        }
        for (Map.Entry<String, ByteArrayOutputStream> service : services.entrySet()) {
          out.putNextEntry(new JarEntry(service.getKey()));
          service.getValue().writeTo(out);
          out.closeEntry();
        }
      }
      return merged;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot merge the test classpath into one job jar", e);
    }
  }

  private static boolean isSignature(String name) {
    return name.startsWith("META-INF/")
        && (name.endsWith(".SF") || name.endsWith(".RSA") || name.endsWith(".DSA"));
  }

  /**
   * {@code directory} packed into a jar in the temp directory (the same jar for the same directory
   * within this JVM; it is packed when first asked for, so classes compiled later are not in it).
   *
   * @throws UncheckedIOException if it cannot be read or the jar written
   */
  public static Path pack(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute)) {
      throw new IllegalArgumentException(absolute + " is not a directory");
    }
    return PACKED.computeIfAbsent(absolute, JobJars::write);
  }

  private static Path asJar(Path location) {
    return Files.isDirectory(location) ? pack(location) : location;
  }

  private static Path write(Path directory) {
    try {
      String name =
          directory.getParent() == null
              ? "root"
              : directory.getParent().getFileName() + "-" + directory.getFileName();
      Path jar = Files.createTempFile("shardline-job-" + name + "-", ".jar");
      jar.toFile().deleteOnExit();
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
      try (OutputStream out = Files.newOutputStream(jar);
          JarOutputStream jarOut = new JarOutputStream(out, manifest);
          Stream<Path> files = Files.walk(directory)) {
        for (Path file : (Iterable<Path>) files.sorted()::iterator) {
          if (file.equals(directory)) {
            continue;
          }
          String entry = directory.relativize(file).toString().replace('\\', '/');
          if (entry.equals("META-INF/MANIFEST.MF")) {
            continue;
          }
          if (Files.isDirectory(file)) {
            jarOut.putNextEntry(new JarEntry(entry + "/"));
          } else {
            jarOut.putNextEntry(new JarEntry(entry));
            Files.copy(file, jarOut);
          }
          jarOut.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot pack " + directory + " into a job jar", e);
    }
  }
}
