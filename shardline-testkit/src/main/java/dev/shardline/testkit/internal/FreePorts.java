package dev.shardline.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
}
