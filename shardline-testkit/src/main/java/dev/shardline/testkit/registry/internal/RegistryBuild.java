package dev.shardline.testkit.registry.internal;

import dev.shardline.testkit.internal.CommandLine;
import dev.shardline.testkit.internal.NpmInstaller;
import dev.shardline.testkit.internal.TestkitCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the runnable Apicurio Registry once per machine into the testkit's cache: {@code
 * <cache>/apicurio-registry/<version>}, a Maven project shipped in the testkit jar whose {@code
 * package} runs Quarkus's build step over the registry's application jar from Maven Central (see
 * the comments in that {@code pom.xml} for why each part is there). The build runs in a temporary
 * folder moved into place atomically, under a file lock, like {@code NpmInstaller}; a build from
 * other project files (its marker holds their digest) is replaced. Thread-safe.
 */
public final class RegistryBuild {
  /** The Apicurio Registry release the testkit runs. */
  public static final String VERSION = "2.4.2.Final";

  /** System property naming the Maven executable (default {@code mvn} on the PATH). */
  public static final String MAVEN_PROPERTY = "shardline.testkit.mvn";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryBuild.class);
  private static final String RESOURCES = "/dev/shardline/testkit/registry/apicurio/";
  private static final String MARKER = ".shardline-built";
  private static final String RUNNER = "target/apicurio-registry-runner-1.0-runner.jar";
  private static final Duration TIMEOUT = Duration.ofMinutes(20);
  private static final ReentrantLock JVM_LOCK = new ReentrantLock();

  private RegistryBuild() {}

  /**
   * The runner jar of the registry, built first if this machine has none from the current project
   * files (about a minute, and Maven Central must be reachable then).
   *
   * @throws IllegalStateException if Maven is missing or the build fails, with Maven's output
   */
  public static Path runnerJar() {
    Map<String, byte[]> files = projectFiles();
    String digest = digest(files);
    Path root = TestkitCache.root().resolve("apicurio-registry");
    Path installation = root.resolve(VERSION);
    if (isBuilt(installation, digest)) {
      return installation.resolve(RUNNER);
    }
    JVM_LOCK.lock();
    try {
      Files.createDirectories(root);
      try (FileChannel channel =
              FileChannel.open(
                  root.resolve(VERSION + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        if (!isBuilt(installation, digest)) {
          build(root, installation, files, digest);
        }
      }
      return installation.resolve(RUNNER);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot build Apicurio Registry into " + installation, e);
    } finally {
      JVM_LOCK.unlock();
    }
  }

  private static boolean isBuilt(Path installation, String digest) {
    try {
      Path marker = installation.resolve(MARKER);
      return Files.isRegularFile(installation.resolve(RUNNER))
          && Files.isRegularFile(marker)
          && Files.readString(marker, StandardCharsets.UTF_8).strip().equals(digest);
    } catch (IOException e) {
      return false;
    }
  }

  private static void build(Path root, Path installation, Map<String, byte[]> files, String digest)
      throws IOException {
    LOG.info(
        "Building Apicurio Registry {} into {} (once per machine, about a minute)",
        VERSION,
        installation);
    Path temp = Files.createTempDirectory(root, ".build-" + VERSION + "-");
    try {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Path target = temp.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.write(target, file.getValue());
      }
      List<String> command = new ArrayList<>();
      command.add(System.getProperty(MAVEN_PROPERTY, "mvn"));
      command.addAll(List.of("-B", "-ntp", "-q", "package"));
      CommandLine.Result result;
      try {
        result =
            CommandLine.run(
                command, temp, Map.of("JAVA_HOME", System.getProperty("java.home")), TIMEOUT);
      } catch (UncheckedIOException e) {
        throw new IllegalStateException(
            "Cannot run Maven to build Apicurio Registry: '"
                + command.get(0)
                + "' is not on the PATH; install Apache Maven, or name it with -D"
                + MAVEN_PROPERTY,
            e);
      }
      if (result.exitCode() != 0 || !Files.isRegularFile(temp.resolve(RUNNER))) {
        throw new IllegalStateException(
            "Building Apicurio Registry "
                + VERSION
                + " with Maven failed (exit code "
                + result.exitCode()
                + "; Maven Central must be reachable on the first run). Maven's output ends with:"
                + System.lineSeparator()
                + result.outputTail(40));
      }
      Files.writeString(temp.resolve(MARKER), digest, StandardCharsets.UTF_8);
      if (Files.exists(installation)) {
        Path stale = Files.createTempDirectory(root, ".stale-" + VERSION + "-");
        Files.delete(stale);
        NpmInstaller.move(installation, stale);
        NpmInstaller.deleteRecursively(stale);
      }
      NpmInstaller.move(temp, installation);
      LOG.info("Built Apicurio Registry {}", VERSION);
    } finally {
      NpmInstaller.deleteRecursively(temp);
    }
  }

  private static Map<String, byte[]> projectFiles() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("pom.xml", resource("pom.xml"));
    files.put("src/main/resources/application.properties", resource("application.properties"));
    String sources = "src/main/java/dev/shardline/testkit/registry/";
    files.put(
        sources + "DynamicPropertiesProducer.java", resource("DynamicPropertiesProducer.java.txt"));
    files.put(sources + "StdinLifeline.java", resource("StdinLifeline.java.txt"));
    return files;
  }

  private static byte[] resource(String name) {
    try (InputStream in = RegistryBuild.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("The testkit jar lacks " + RESOURCES + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        sha.update(file.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update(file.getValue());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
