package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The two wire protocols of the Kinesis API: JSON 1.1 (blobs as base64 strings) and CBOR 1.1 (blobs
 * as byte strings; the SDK v2's default for Kinesis). The proxy answers in the protocol the client
 * used.
 */
public enum WireProtocol {
  JSON("application/x-amz-json-1.1", new ObjectMapper()),
  CBOR("application/x-amz-cbor-1.1", new CBORMapper());

  private final String contentType;
  private final ObjectMapper mapper;

  WireProtocol(String contentType, ObjectMapper mapper) {
    this.contentType = contentType;
    this.mapper = mapper;
  }

  public String contentType() {
    return contentType;
  }

  public JsonFactory factory() {
    return mapper.getFactory();
  }

  public ObjectNode newObject() {
    return mapper.createObjectNode();
  }

  /** The protocol a {@code Content-Type} names; empty for anything else. */
  public static Optional<WireProtocol> fromContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String mime = contentType.split(";", 2)[0].trim();
    for (WireProtocol protocol : values()) {
      if (protocol.contentType.equalsIgnoreCase(mime)) {
        return Optional.of(protocol);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses a body that must be an object.
   *
   * @throws IOException when it is not
   */
  public ObjectNode readObject(byte[] body) throws IOException {
    JsonNode node = mapper.readTree(body);
    if (node == null || !node.isObject()) {
      throw new IOException("Expected a " + name() + " object, got " + node);
    }
    return (ObjectNode) node;
  }

  public byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode " + name() + " body", e);
    }
  }

  /**
   * The decoded size of a blob field ({@code Data}): a CBOR byte string's length, or what a JSON
   * base64 string decodes to. -1 when the node is no blob.
   */
  public static long blobLength(JsonNode node) {
    if (node == null) {
      return -1;
    }
    if (node.isBinary()) {
      try {
        return node.binaryValue().length;
      } catch (IOException e) {
        return -1;
      }
    }
    if (node.isTextual()) {
      return base64DecodedLength(node.textValue());
    }
    return -1;
  }

  /** What a standard base64 text decodes to, in bytes, without decoding it. */
  public static long base64DecodedLength(String base64) {
    return base64DecodedLength(base64, 0, base64.length());
  }

  static long base64DecodedLength(CharSequence text, int offset, int length) {
    int end = offset + length;
    while (end > offset && text.charAt(end - 1) == '=') {
      end--;
    }
    return (long) (end - offset) * 3 / 4;
  }
}
