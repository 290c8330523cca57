package dev.shardline.runtime.status;

import dev.shardline.api.ShardlineException;

/** What a failure was, in words an operator reads on a status line or page. Stateless. */
public final class FailureCause {
  private FailureCause() {}

  /**
   * The most telling message in {@code e}'s causes, in one line: the deepest Shardline error that
   * says more than the error below it (a connector's "Cannot reach Kinesis at http://...: ..."
   * rather than the "Connection refused" under it), else the root cause's type and message.
   */
  public static String describe(Throwable e) {
    Throwable root = e;
    ShardlineException deepest = null;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 64; depth++) {
      root = root.getCause();
      if (root instanceof ShardlineException s) {
        deepest = s;
      }
    }
    if (root instanceof ShardlineException && root.getMessage() != null) {
      return oneLine(root.getMessage());
    }
    if (root.getMessage() == null) {
      // a bare ConnectException says nothing: the Shardline error above it says what and where
      return deepest != null && deepest.getMessage() != null
          ? oneLine(deepest.getMessage())
          : root.getClass().getSimpleName();
    }
    // a wrapper that only repeats its cause ("Worker 0 ... failed: java.lang...") says no more
    if (deepest != null
        && deepest.getMessage() != null
        && !deepest.getMessage().contains(root.getClass().getName())) {
      return oneLine(deepest.getMessage());
    }
    return root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
  }

  /**
   * The type of the failure's root cause (simple name, e.g. {@code ServerUnreachableException}):
   * few distinct values, fit for a meter tag.
   */
  public static String type(Throwable e) {
    Throwable root = e;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 64; depth++) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  /**
   * {@code text} as one line for a person: its first line, without the location note a Jackson
   * parser error carries ({@code at [Source: REDACTED ...; line: 1, column: 4]}) when a wrapper put
   * it on the same line; "" for null.
   */
  public static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String first = text.lines().findFirst().orElse("");
    return JACKSON_LOCATION.matcher(first).replaceAll("").strip();
  }

  private static final java.util.regex.Pattern JACKSON_LOCATION =
      java.util.regex.Pattern.compile("\\s*at \\[Source: [^\\]]*\\]");
}
