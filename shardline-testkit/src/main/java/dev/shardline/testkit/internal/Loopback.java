package dev.shardline.testkit.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The one address every testkit server binds and every client of one connects to: 127.0.0.1, and
 * the one probe of whether a port there is served.
 *
 * <p>Not {@link InetAddress#getLoopbackAddress()}: that is {@code ::1} in a JVM started with {@code
 * -Djava.net.preferIPv6Addresses=true}, while the testkit hands out {@code http://127.0.0.1:<port>}
 * endpoints; a server bound to {@code ::1} would not answer there.
 */
public final class Loopback {
  /** 127.0.0.1, without a name lookup. */
  public static final InetAddress IPV4 = ipv4();

  private Loopback() {}

  /**
   * Whether something accepts TCP connections on 127.0.0.1:{@code port}: connects, waiting {@code
   * timeout} at most, and closes at once.
   */
  public static boolean accepts(int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(IPV4, port), Math.toIntExact(timeout.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress ipv4() {
    try {
      return Inet4Address.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("A four-byte address is always valid", e);
    }
  }
}
