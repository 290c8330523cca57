package dev.shardline.testkit.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The one address every testkit server binds and every client of one connects to: 127.0.0.1.
 *
 * <p>Not {@link InetAddress#getLoopbackAddress()}: that is {@code ::1} in a JVM started with {@code
 * -Djava.net.preferIPv6Addresses=true}, while the testkit hands out {@code http://127.0.0.1:<port>}
 * endpoints; a server bound to {@code ::1} would not answer there.
 */
public final class Loopback {
  /** 127.0.0.1, without a name lookup. */
  public static final InetAddress IPV4 = ipv4();

  private Loopback() {}

  private static InetAddress ipv4() {
    try {
      return Inet4Address.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("A four-byte address is always valid", e);
    }
  }
}
