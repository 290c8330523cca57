package dev.shardline.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.IntSupplier;

/** Finds free TCP ports on 127.0.0.1 for servers the testkit starts. */
public final class FreePorts {
  private FreePorts() {}

  /**
   * Returns a port that was free on 127.0.0.1 a moment ago. Another process may take it before the
   * caller binds it; callers that start a server on it retry with a new port when the bind fails.
   */
  public static int pick() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(Loopback.IPV4, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
    }
  }

  /**
   * Ports for a server asked to listen on {@code port}: that port first, then free ones (for a
   * server's further ports: kinesis-local's TLS port, a broker's controller port). A new supplier
   * for each start.
   */
  public static IntSupplier fixedFirst(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, but was " + port);
    }
    boolean[] given = {false};
    return () -> {
      if (!given[0]) {
        given[0] = true;
        return port;
      }
      return pick();
    };
  }
}
