package dev.shardline.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs pinned npm packages into a cache folder, once per machine: {@code
 * <npmRoot>/<name>-<version>/node_modules/<name>}. The install runs {@code npm ci} (exact versions
 * from the shipped lockfile; no install scripts, no optional dependencies, no audit) in a temporary
 * folder that is then moved into place atomically, so a reader never sees half an install. A file
 * lock ({@code <name>-<version>.lock}) keeps concurrent JVMs from installing the same package at
 * once, and an in-JVM lock does the same for threads. An installation carries a marker with the
 * digest of the pins it came from; one from other pins, or without a marker, is replaced.
 * Thread-safe.
 */
public final class NpmInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(NpmInstaller.class);
  private static final String MARKER = ".shardline-installed";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path npmRoot;
  private final List<String> npmCommand;
  private final Duration timeout;

  /**
   * @param npmRoot the folder installations go into
   * @param npmCommand the npm executable (and leading arguments, if any)
   * @param timeout how long one {@code npm ci} may take
   */
  public NpmInstaller(Path npmRoot, List<String> npmCommand, Duration timeout) {
    this.npmRoot = Objects.requireNonNull(npmRoot, "npmRoot cannot be null").toAbsolutePath();
    this.npmCommand = List.copyOf(Objects.requireNonNull(npmCommand, "npmCommand cannot be null"));
    this.timeout = Objects.requireNonNull(timeout, "timeout cannot be null");
    if (this.npmCommand.isEmpty()) {
      throw new IllegalArgumentException("npmCommand cannot be empty");
    }
  }

  /** An installer into {@link TestkitCache#npmRoot()} with the {@code npm} on the PATH. */
  public static NpmInstaller usingDefaults() {
    return new NpmInstaller(TestkitCache.npmRoot(), List.of(NodeJs.npm()), DEFAULT_TIMEOUT);
  }

  /** The folder {@code pkg} is (or would be) installed in: {@code <npmRoot>/<name>-<version>}. */
  public Path installationOf(NpmPackage pkg) {
    return npmRoot.resolve(pkg.folderName());
  }

  /** The package's own folder inside its installation: {@code .../node_modules/<name>}. */
  public Path packageFolderOf(NpmPackage pkg) {
    return installationOf(pkg).resolve("node_modules").resolve(pkg.name());
  }

  /** Whether {@code pkg} is installed from its current pins. */
  public boolean isInstalled(NpmPackage pkg) {
    Path marker = installationOf(pkg).resolve(MARKER);
    try {
      return Files.isRegularFile(packageFolderOf(pkg).resolve("package.json"))
          && Files.isRegularFile(marker)
          && Files.readString(marker, StandardCharsets.UTF_8).strip().equals(pkg.pinDigest());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Installs {@code pkg} unless it is already installed from its current pins, and returns its own
   * folder ({@code .../node_modules/<name>}).
   *
   * @throws IllegalStateException if npm is missing or the install fails, with npm's output
   */
  public Path install(NpmPackage pkg) {
    if (isInstalled(pkg)) {
      return packageFolderOf(pkg);
    }
    Path installation = installationOf(pkg);
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(installation, path -> new ReentrantLock());
    jvmLock.lock();
    try {
      Files.createDirectories(npmRoot);
      Path lockFile = npmRoot.resolve(pkg.folderName() + ".lock");
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        // another JVM may have installed it while this one waited for the lock
        if (!isInstalled(pkg)) {
          installLocked(pkg, installation);
        }
      }
      return packageFolderOf(pkg);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot install npm package "
              + pkg.name()
              + "@"
              + pkg.version()
              + " into "
              + installation,
          e);
    } finally {
      jvmLock.unlock();
    }
  }

  private void installLocked(NpmPackage pkg, Path installation) throws IOException {
    LOG.info(
        "Installing npm package {}@{} into {} (once per machine)",
        pkg.name(),
        pkg.version(),
        installation);
    Path temp = Files.createTempDirectory(npmRoot, ".install-" + pkg.folderName() + "-");
    try {
      Files.write(temp.resolve("package.json"), pkg.packageJson());
      Files.write(temp.resolve("package-lock.json"), pkg.packageLock());
      CommandLine.Result result = runNpmCi(pkg, temp);
      if (result.exitCode() != 0) {
        throw new IllegalStateException(
            "npm ci for "
                + pkg.name()
                + "@"
                + pkg.version()
                + " failed with exit code "
                + result.exitCode()
                + " (npm must reach its registry on the first run; the install goes to "
                + installation
                + "). npm's output ends with:"
                + System.lineSeparator()
                + result.outputTail(40));
      }
      if (!Files.isRegularFile(
          temp.resolve("node_modules").resolve(pkg.name()).resolve("package.json"))) {
        throw new IllegalStateException(
            "npm ci for "
                + pkg.name()
                + "@"
                + pkg.version()
                + " succeeded but left no node_modules/"
                + pkg.name()
                + "; npm's output ends with:"
                + System.lineSeparator()
                + result.outputTail(40));
      }
      Files.writeString(temp.resolve(MARKER), pkg.pinDigest(), StandardCharsets.UTF_8);
      if (Files.exists(installation)) {
        // stale (other pins, or an interrupted install of an older testkit): move it out of the
        // way first, so the move below stays a single atomic rename
        Path stale = Files.createTempDirectory(npmRoot, ".stale-" + pkg.folderName() + "-");
        Files.delete(stale);
        move(installation, stale);
        deleteRecursively(stale);
      }
      move(temp, installation);
      LOG.info("Installed npm package {}@{}", pkg.name(), pkg.version());
    } finally {
      deleteRecursively(temp);
    }
  }

  private CommandLine.Result runNpmCi(NpmPackage pkg, Path directory) {
    List<String> command = new ArrayList<>(npmCommand);
    command.addAll(
        List.of(
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--omit=optional",
            "--omit=dev",
            "--no-update-notifier",
            "--loglevel=warn"));
    try {
      return CommandLine.run(command, directory, Map.of(), timeout);
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(
          "Cannot run npm to install "
              + pkg.name()
              + "@"
              + pkg.version()
              + ": '"
              + npmCommand.get(0)
              + "' is not on the PATH; install Node.js "
              + NodeJs.MIN_MAJOR_VERSION
              + "+ with npm",
          e);
    }
  }

  /** Renames {@code from} to {@code to} atomically where the file system can. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes {@code root} and everything under it, if it exists. */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteIfExists(Path path) throws IOException {
    try {
      Files.deleteIfExists(path);
    } catch (NoSuchFileException ignored) {
      // already gone
    }
  }
}
