package dev.shardline.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Counts the open TCP connections to a local port, from the kernel's tables ({@code /proc/net/tcp}
 * and {@code /proc/net/tcp6}, Linux only): how tests show that restarts close the clients they
 * opened. Counts client sides only (the remote port is {@code port}) in the ESTABLISHED state, of
 * every process on the machine, so give each test server a port of its own (the testkit's servers
 * take free ones). Stateless and thread-safe.
 *
 * <pre>{@code
 * int before = TcpConnections.establishedTo(kinesis.endpoint().getPort());
 * }</pre>
 */
public final class TcpConnections {
  private static final String ESTABLISHED = "01";

  private TcpConnections() {}

  /** How many connections to {@code port} are established now. */
  public static int establishedTo(int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    int count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(path);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + table, e);
      }
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st ...
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 3 && fields[2].endsWith(hexPort) && fields[3].equals(ESTABLISHED)) {
          count++;
        }
      }
    }
    return count;
  }
}
