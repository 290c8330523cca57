package dev.shardline.testkit.proxy.internal;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Copies end-to-end headers between hops; connection-level (hop-by-hop) ones stay behind. */
final class HttpHeadersCopy {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "expect",
          "content-length");

  private HttpHeadersCopy() {}

  /** Copies {@code from} into {@code to} without hop-by-hop headers, and sets Content-Length. */
  static void copyEndToEnd(HttpHeaders from, HttpHeaders to, int contentLength) {
    copyEndToEnd(from, to);
    to.set("Content-Length", contentLength);
  }

  /** Copies {@code from} into {@code to} without hop-by-hop headers (nor Content-Length). */
  static void copyEndToEnd(HttpHeaders from, HttpHeaders to) {
    for (Map.Entry<String, String> header : from) {
      if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        to.add(header.getKey(), header.getValue());
      }
    }
  }
}
