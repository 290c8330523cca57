package dev.shardline.cli.logging;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Where the command's messages go: log lines and the live status line to standard error, with the
 * status line redrawn in place ({@code \r} and erase-to-end-of-line) when standard error is a
 * terminal. Every line printed here is scrubbed of {@link Secrets}. A log line, or a record a
 * stdout sink prints, first erases the status line and then draws it again below, so the status
 * line stays the last line of the terminal and never mixes with other output. Thread-safe: one lock
 * orders all output.
 */
public final class Terminal {
  private static final String ERASE_LINE = "\r\u001b[K";
  private static final Terminal INSTANCE = new Terminal(System.err, System.console() != null);

  private final PrintStream err;
  private final boolean interactive;
  private boolean statusShown;
  private String lastStatus;

  Terminal(PrintStream err, boolean interactive) {
    this.err = err;
    this.interactive = interactive;
  }

  /** The terminal of this process. */
  public static Terminal get() {
    return INSTANCE;
  }

  /** Whether standard input and output are a terminal (a person is watching). */
  public boolean isInteractive() {
    return interactive;
  }

  /**
   * Prints one line (a log line, an error) to standard error; a live status line moves below it.
   */
  public synchronized void printLine(String line) {
    boolean wasShown = statusShown;
    eraseStatus();
    err.println(Secrets.mask(line));
    if (wasShown) {
      redrawStatus();
    }
    err.flush();
  }

  /** Shows {@code line} as the live status line, replacing the previous one (terminals only). */
  public synchronized void showStatus(String line) {
    lastStatus = Secrets.mask(line);
    redrawStatus();
    err.flush();
  }

  /** Removes the status line, if one is shown, until the next {@link #showStatus}. */
  public synchronized void clearStatus() {
    eraseStatus();
    lastStatus = null;
  }

  private void eraseStatus() {
    if (statusShown) {
      err.print(ERASE_LINE);
      err.flush();
      statusShown = false;
    }
  }

  private void redrawStatus() {
    if (lastStatus != null) {
      err.print(ERASE_LINE + lastStatus);
      statusShown = true;
    }
  }

  /**
   * A stream over {@code out} (standard output) that erases the status line before anything is
   * written, for records printed by a stdout sink while the status line is live.
   */
  public PrintStream statusAware(PrintStream out) {
    OutputStream guarded =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (Terminal.this) {
              eraseStatus();
              out.write(b);
              if (b == '\n') {
                out.flush();
                redrawStatus();
              }
            }
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            synchronized (Terminal.this) {
              eraseStatus();
              out.write(bytes, offset, length);
              if (length > 0 && bytes[offset + length - 1] == '\n') {
                out.flush();
                redrawStatus();
              }
            }
          }

          @Override
          public void flush() {
            out.flush();
          }
        };
    return new PrintStream(guarded, true, Charset.defaultCharset());
  }
}
