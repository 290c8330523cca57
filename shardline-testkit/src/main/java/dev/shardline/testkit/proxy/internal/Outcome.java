package dev.shardline.testkit.proxy.internal;

import java.time.Duration;
import java.util.Objects;

/** What the proxy does with a client's request once it has decided. */
public sealed interface Outcome {

  /** Answer with {@code response}, {@code delay} from now. */
  record Respond(ProxyResponse response, Duration delay) implements Outcome {
    public Respond {
      Objects.requireNonNull(response, "response cannot be null");
      Objects.requireNonNull(delay, "delay cannot be null");
    }
  }

  /** Relay the SubscribeToShard event stream of {@code key} (the request is admitted). */
  record Subscribe(SubscriptionKey key) implements Outcome {
    public Subscribe {
      Objects.requireNonNull(key, "key cannot be null");
    }
  }

  /** Close the connection without an answer. */
  record Drop() implements Outcome {}

  /** Never answer; keep the connection open until the client or the proxy closes it. */
  record Hold() implements Outcome {}

  static Outcome respond(ProxyResponse response) {
    return new Respond(response, Duration.ZERO);
  }
}
