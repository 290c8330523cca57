package dev.shardline.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FuturesTest {

  @Test
  void unwrapSeesThroughNestedFutureWrappersOnly() {
    IOException cause = new IOException("connection reset");
    RuntimeException other = new RuntimeException("wrapping", cause);

    assertThat(Futures.unwrap(new CompletionException(new ExecutionException(cause))))
        .isSameAs(cause);
    // another wrapper is an error of its own: kept
    assertThat(Futures.unwrap(new CompletionException(other))).isSameAs(other);
    assertThat(Futures.unwrap(cause)).isSameAs(cause);
    CompletionException empty = new CompletionException("no cause", null);
    assertThat(Futures.unwrap(empty)).isSameAs(empty);
  }
}
