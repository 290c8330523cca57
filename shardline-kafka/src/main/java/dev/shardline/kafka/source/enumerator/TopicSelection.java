package dev.shardline.kafka.source.enumerator;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which topics a source reads: a fixed list of names, or every topic whose whole name matches a
 * pattern. Immutable and serializable.
 */
public final class TopicSelection implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> topics;
  private final Pattern pattern;

  private TopicSelection(List<String> topics, Pattern pattern) {
    this.topics = topics;
    this.pattern = pattern;
  }

  /** These topics; each must exist. */
  public static TopicSelection topics(List<String> topics) {
    checkNotNull(topics, "topics");
    checkArgument(!topics.isEmpty(), "topics cannot be empty");
    return new TopicSelection(List.copyOf(topics), null);
  }

  /** Every topic whose whole name matches {@code regex}, now and later. */
  public static TopicSelection pattern(String regex) {
    return new TopicSelection(null, Pattern.compile(checkNotNull(regex, "regex")));
  }

  /** Whether this is a pattern. */
  public boolean isPattern() {
    return pattern != null;
  }

  /** The topic names; empty for a pattern. */
  public List<String> topics() {
    return topics == null ? List.of() : topics;
  }

  /** Whether {@code topic} is selected. */
  public boolean matches(String topic) {
    return pattern != null ? pattern.matcher(topic).matches() : topics.contains(topic);
  }

  /** {@code [orders, payments]} or {@code pattern orders-.*}. */
  @Override
  public String toString() {
    return pattern != null ? "pattern " + pattern.pattern() : topics.toString();
  }
}
