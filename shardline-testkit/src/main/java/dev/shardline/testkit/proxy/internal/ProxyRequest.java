package dev.shardline.testkit.proxy.internal;

import dev.shardline.testkit.proxy.Operation;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Optional;

/**
 * An HTTP request as the proxy received it (or rewrote it): method, request target, headers, body.
 * The body array is not copied; nobody changes it.
 */
public record ProxyRequest(String method, String uri, HttpHeaders headers, byte[] body) {
  public static final String TARGET = "X-Amz-Target";

  public Operation operation() {
    return Operation.fromTarget(headers.get(TARGET));
  }

  public Optional<WireProtocol> protocol() {
    return WireProtocol.fromContentType(headers.get("Content-Type"));
  }

  /**
   * The same request, asking for an answer the proxy can read: without {@code Accept-Encoding} (no
   * SDK client sends one, but a compressed answer could not be parsed).
   */
  public ProxyRequest uncompressedAnswer() {
    if (!headers.contains("Accept-Encoding")) {
      return this;
    }
    HttpHeaders copy = headers.copy();
    copy.remove("Accept-Encoding");
    return new ProxyRequest(method, uri, copy, body);
  }

  /** The same request with another body (and a matching Content-Length). */
  public ProxyRequest withBody(byte[] newBody) {
    HttpHeaders copy = headers.copy();
    copy.set("Content-Length", newBody.length);
    return new ProxyRequest(method, uri, copy, newBody);
  }
}
