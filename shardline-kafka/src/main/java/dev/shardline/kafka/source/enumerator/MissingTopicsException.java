package dev.shardline.kafka.source.enumerator;

import dev.shardline.api.UnrecoverableException;
import java.util.List;

/**
 * Topics the source was told to read do not exist on the cluster. Unrecoverable: the runner fails
 * at once (no restart loop) with this message, which names the topics, the cluster and the fix.
 */
public final class MissingTopicsException extends UnrecoverableException {
  private static final long serialVersionUID = 1L;

  private final List<String> topics;

  public MissingTopicsException(List<String> topics, String bootstrapServers) {
    super(
        "Topic"
            + (topics.size() == 1 ? " " : "s ")
            + String.join(", ", topics)
            + (topics.size() == 1 ? " does" : " do")
            + " not exist on the Kafka cluster at "
            + bootstrapServers
            + "; create "
            + (topics.size() == 1 ? "it" : "them")
            + " or fix the option topics");
    this.topics = List.copyOf(topics);
  }

  /** The missing topics. */
  public List<String> topics() {
    return topics;
  }
}
