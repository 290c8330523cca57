package dev.shardline.cli.status;

/** How {@code run} reports progress. */
public enum StatusMode {
  /** A live line on a terminal, log lines otherwise. */
  AUTO,
  /** One status line redrawn in place every second. */
  LINE,
  /** A status log line every {@code --status-interval}. */
  LOG,
  /** Nothing but the start, the end and warnings. */
  OFF
}
