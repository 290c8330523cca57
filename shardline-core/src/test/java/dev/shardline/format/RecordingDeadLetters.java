package dev.shardline.format;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import java.util.ArrayList;
import java.util.List;

/** A dead-letter output that keeps what it is sent, or one that is not configured. */
final class RecordingDeadLetters implements DeadLetterOutput {
  private final boolean configured;
  final List<DeadLetter> sent = new ArrayList<>();

  RecordingDeadLetters(boolean configured) {
    this.configured = configured;
  }

  @Override
  public boolean isConfigured() {
    return configured;
  }

  @Override
  public void send(DeadLetter deadLetter) {
    if (!configured) {
      throw new ShardlineException("no dead-letter sink");
    }
    sent.add(deadLetter);
  }
}
