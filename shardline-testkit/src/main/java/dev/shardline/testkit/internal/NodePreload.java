package dev.shardline.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node preload script ({@code node --require <script>}) every testkit node server runs with. It
 * makes every TCP server of the process listen on 127.0.0.1 only, whatever host (or none) the
 * server asks for (kinesis-local and kinesalite have no host option and would listen on every
 * interface), reports each listen in the process's output ({@link Listens}), and makes SIGTERM end
 * the process at once (kinesis-local ignores it). The script ships as a classpath resource and is
 * written to the cache under a name carrying its digest, so a changed script never meets an old
 * copy. Thread-safe.
 */
public final class NodePreload {
  private static final String RESOURCE = "/dev/shardline/testkit/node/preload.js";
  private static final Pattern LISTENING =
      Pattern.compile("shardline-listening pid=(\\d+) port=(\\d+)");
  private static final Pattern LISTEN_ERROR =
      Pattern.compile("shardline-listen-error pid=(\\d+) port=(\\S+) code=(\\S+)");

  /**
   * What the preload of one node process reported about its listens.
   *
   * @param ports the ports it listens on
   * @param errors the listens that failed, as {@code "<port> <code>"} ({@code "4567 EADDRINUSE"})
   */
  public record Listens(Set<Integer> ports, List<String> errors) {

    /**
     * The listens the process {@code pid} reported in {@code output}; lines of other processes (its
     * children, say) do not count.
     */
    public static Listens in(List<String> output, long pid) {
      Set<Integer> ports = new LinkedHashSet<>();
      List<String> errors = new ArrayList<>();
      String self = Long.toString(pid);
      for (String line : output) {
        Matcher listening = LISTENING.matcher(line);
        if (listening.find() && listening.group(1).equals(self)) {
          ports.add(Integer.parseInt(listening.group(2)));
        }
        Matcher error = LISTEN_ERROR.matcher(line);
        if (error.find() && error.group(1).equals(self)) {
          errors.add(error.group(2) + " " + error.group(3));
        }
      }
      return new Listens(Set.copyOf(ports), List.copyOf(errors));
    }
  }

  private NodePreload() {}

  /** Writes the script under {@code <cacheRoot>/node} if it is not there yet and returns it. */
  public static Path install(Path cacheRoot) {
    byte[] script = script();
    Path folder = cacheRoot.resolve("node");
    Path target = folder.resolve("preload-" + digest(script).substring(0, 16) + ".js");
    try {
      if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), script)) {
        return target;
      }
      Files.createDirectories(folder);
      Path temp = Files.createTempFile(folder, ".preload-", ".tmp");
      try {
        Files.write(temp, script);
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the node preload script to " + target, e);
    }
  }

  static byte[] script() {
    try (InputStream in = NodePreload.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "Classpath resource " + RESOURCE + " is missing: the testkit jar is incomplete");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read classpath resource " + RESOURCE, e);
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
