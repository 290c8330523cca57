package dev.shardline.testkit.proxy.internal;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The proxy only ever talks to servers on this machine's IPv4 loopback network: {@code
 * http://127.x.x.x:<port>} (any address of 127.0.0.0/8, each part 0 to 255) or {@code
 * http://localhost:<port>}.
 */
public final class LoopbackUris {
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\." + OCTET + "){3}");

  private LoopbackUris() {}

  /**
   * {@code uri} as an {@code http://127.x.x.x:port} URI to connect to ({@code localhost} becomes
   * {@code 127.0.0.1}, so that no name resolution can lead elsewhere).
   *
   * @throws IllegalArgumentException for any other scheme or host (IPv6 {@code [::1]} included, and
   *     a "127." name that is no address, which would need a name lookup), or a missing port
   */
  public static URI requireLoopback(URI uri) {
    if (uri == null) {
      throw new IllegalArgumentException("upstream cannot be null");
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean loopback = host.equals("localhost") || LOOPBACK_IPV4.matcher(host).matches();
    if (!"http".equalsIgnoreCase(uri.getScheme()) || !loopback || uri.getPort() <= 0) {
      throw new IllegalArgumentException(
          "The upstream of a KinesisQuotaProxy must be http://127.x.x.x:<port> (such as"
              + " http://127.0.0.1:<port>) or http://localhost:<port>: a local Kinesis server on"
              + " this machine, not "
              + uri);
    }
    return URI.create(
        "http://" + (host.equals("localhost") ? "127.0.0.1" : host) + ":" + uri.getPort());
  }
}
