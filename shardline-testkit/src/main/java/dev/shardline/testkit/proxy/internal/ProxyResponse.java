package dev.shardline.testkit.proxy.internal;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Optional;

/** An HTTP response: status, headers, body. The body array is not copied; nobody changes it. */
public record ProxyResponse(int status, HttpHeaders headers, byte[] body) {

  public Optional<WireProtocol> protocol() {
    return WireProtocol.fromContentType(headers.get("Content-Type"));
  }

  /** The same response with another body (and a matching Content-Length). */
  public ProxyResponse withBody(byte[] newBody) {
    HttpHeaders copy = headers.copy();
    copy.set("Content-Length", newBody.length);
    // A checksum of the old body would now be wrong; Kinesis clients do not require one.
    copy.remove("x-amz-crc32");
    return new ProxyResponse(status, copy, newBody);
  }
}
