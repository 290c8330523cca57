package dev.shardline.util;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What connectors share about futures' failures. */
public final class Futures {
  private Futures() {}

  /**
   * The error inside the wrappers a future's failure comes in ({@link CompletionException}, {@link
   * ExecutionException}, nested), or {@code error} itself when it is not one of them.
   */
  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
