package dev.shardline.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Counts the open TCP connections to a local port, from the kernel's tables ({@code /proc/net/tcp}
 * and {@code /proc/net/tcp6}, Linux only): how tests show that restarts close the clients they
 * opened. Counts client sides only (the remote port is {@code port}) in the ESTABLISHED state, of
 * every process on the machine, so give each test server a port of its own (the testkit's servers
 * take free ones). Also lists the addresses a process listens on ({@link #listening(long)}).
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * int before = TcpConnections.establishedTo(kinesis.endpoint().getPort());
 * List<InetSocketAddress> bound = TcpConnections.listening(child.pid());
 * }</pre>
 */
public final class TcpConnections {
  private static final String ESTABLISHED = "01";
  private static final String LISTEN = "0A";
  private static final List<String> TABLES = List.of("/proc/net/tcp", "/proc/net/tcp6");

  private TcpConnections() {}

  /** How many connections to {@code port} are established now. */
  public static int establishedTo(int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    int count = 0;
    for (String table : TABLES) {
      for (String[] fields : rows(Path.of(table))) {
        // sl local_address rem_address st ...
        if (fields.length > 3 && fields[2].endsWith(hexPort) && fields[3].equals(ESTABLISHED)) {
          count++;
        }
      }
    }
    return count;
  }

  /**
   * The addresses process {@code pid} listens on (TCP, IPv4 and IPv6; an IPv4-mapped IPv6 address
   * reads as IPv4): for tests that check a server binds 127.0.0.1 only, and frees its ports. Empty
   * once the process is gone.
   */
  public static List<InetSocketAddress> listening(long pid) {
    Set<String> inodes = socketInodes(pid);
    List<InetSocketAddress> addresses = new ArrayList<>();
    if (inodes.isEmpty()) {
      return addresses;
    }
    for (String table : TABLES) {
      for (String[] fields : rows(Path.of(table))) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        if (fields.length > 9 && fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
          addresses.add(address(fields[1]));
        }
      }
    }
    return addresses;
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (NoSuchFileException e) {
      return inodes; // the process is gone
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the open files of process " + pid, e);
    }
    return inodes;
  }

  private static List<String[]> rows(Path table) {
    if (!Files.exists(table)) {
      return List.of();
    }
    try {
      List<String> lines = Files.readAllLines(table);
      return lines.subList(1, lines.size()).stream().map(l -> l.trim().split("\\s+")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + table, e);
    }
  }

  // "0100007F:1F90" (IPv4) or 32 hex digits (IPv6), each 32-bit word in host (little-endian) order
  private static InetSocketAddress address(String hex) {
    String[] parts = hex.split(":");
    String host = parts[0];
    byte[] bytes = new byte[host.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(host.substring(at, at + 2), 16);
      }
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(parts[1], 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("A 4- or 16-byte address is always valid", e);
    }
  }
}
