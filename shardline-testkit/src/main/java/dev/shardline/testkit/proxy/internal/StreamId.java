package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The stream a request addresses, by {@code StreamName} or {@code StreamARN} ({@code
 * arn:aws:kinesis:us-east-1:000000000000:stream/orders}). The proxy keys shards by name.
 *
 * @param name the stream name, also when the request gave only the ARN
 * @param arn the ARN, or null when the request gave only the name
 */
public record StreamId(String name, String arn) {

  /** The stream a request body names; empty when it names none. */
  public static Optional<StreamId> of(JsonNode request) {
    String name = text(request.get("StreamName"));
    String arn = text(request.get("StreamARN"));
    if (arn != null) {
      int slash = arn.indexOf(":stream/");
      String fromArn = slash < 0 ? null : arn.substring(slash + ":stream/".length());
      if (name == null) {
        name = fromArn;
      }
    }
    return name == null || name.isEmpty() ? Optional.empty() : Optional.of(new StreamId(name, arn));
  }

  /** The account in the ARN, or {@code fallback} when the request gave no (valid) ARN. */
  public String account(String fallback) {
    if (arn != null) {
      String[] parts = arn.split(":", 6);
      if (parts.length == 6 && !parts[4].isEmpty()) {
        return parts[4];
      }
    }
    return fallback;
  }

  static String text(JsonNode node) {
    return node != null && node.isTextual() ? node.textValue() : null;
  }
}
