package dev.shardline.kinesis.config.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kinesis stream consumer ARN taken apart: {@code
 * arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<creation timestamp>},
 * e.g. {@code arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1767225600}.
 * Immutable.
 *
 * @param partition e.g. {@code aws}, {@code aws-cn}
 * @param region e.g. {@code us-east-1}
 * @param account the 12-digit account id
 * @param stream the stream's name
 * @param consumerName the consumer's name
 */
public record ConsumerArn(
    String partition, String region, String account, String stream, String consumerName) {

  /** The form, for error messages. */
  public static final String FORM =
      "arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<creation"
          + " timestamp>";

  private static final Pattern ARN =
      Pattern.compile(
          "arn:(aws[a-z-]*):kinesis:([a-z0-9-]+):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})"
              + "/consumer/([a-zA-Z0-9_.-]{1,128}):(\\d+)");

  /** The parts of {@code arn}, or empty when it is not a stream consumer ARN. */
  public static Optional<ConsumerArn> parse(String arn) {
    Matcher m = ARN.matcher(arn);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new ConsumerArn(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
  }
}
