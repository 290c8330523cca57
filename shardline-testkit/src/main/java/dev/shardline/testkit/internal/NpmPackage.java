package dev.shardline.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A pinned npm package the testkit installs: its name and version, and the classpath folder holding
 * the {@code package.json} and {@code package-lock.json} that pin it and every transitive
 * dependency (installed with {@code npm ci}).
 *
 * @param name the npm package name, e.g. {@code kinesis-local}
 * @param version the exact version, e.g. {@code 0.6.2}
 * @param resourceFolder classpath folder with {@code package.json} and {@code package-lock.json},
 *     e.g. {@code /dev/shardline/testkit/npm/kinesis-local}
 */
public record NpmPackage(String name, String version, String resourceFolder) {
  /** kinesis-local, the Kinesis mock LocalStack uses. */
  public static final NpmPackage KINESIS_LOCAL =
      new NpmPackage("kinesis-local", "0.6.2", "/dev/shardline/testkit/npm/kinesis-local");

  /** kinesalite, a faster Kinesis server without enhanced fan-out. */
  public static final NpmPackage KINESALITE =
      new NpmPackage("kinesalite", "3.3.3", "/dev/shardline/testkit/npm/kinesalite");

  public NpmPackage {
    Objects.requireNonNull(name, "name cannot be null");
    Objects.requireNonNull(version, "version cannot be null");
    Objects.requireNonNull(resourceFolder, "resourceFolder cannot be null");
    if (!name.matches("[a-z0-9][a-z0-9._-]*") || !version.matches("[0-9A-Za-z.+-]+")) {
      throw new IllegalArgumentException(
          "npm package name and version must be plain (no scope, no range): "
              + name
              + "@"
              + version);
    }
  }

  /** The folder name of its installation: {@code <name>-<version>}. */
  public String folderName() {
    return name + "-" + version;
  }

  /** The {@code package.json} that pins it. */
  public byte[] packageJson() {
    return resource("package.json");
  }

  /** The {@code package-lock.json} that pins its transitive dependencies. */
  public byte[] packageLock() {
    return resource("package-lock.json");
  }

  /**
   * A digest of the pinning files: an installation made from other pins is stale and is replaced.
   */
  public String pinDigest() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(packageJson());
      digest.update((byte) 0);
      digest.update(packageLock());
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private byte[] resource(String file) {
    String path = resourceFolder + "/" + file;
    try (InputStream in = NpmPackage.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            "Classpath resource " + path + " is missing: the testkit jar is incomplete");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read classpath resource " + path, e);
    }
  }
}
