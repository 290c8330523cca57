package dev.shardline.cli.logging;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Where the command's messages go: log lines and the live status line to standard error, with the
 * status line redrawn in place ({@code \r} and erase-to-end-of-line) when standard error is a
 * terminal. Every line printed here is scrubbed of {@link Secrets}. A log line, or a record a
 * stdout sink prints, first erases the status line, so the two never mix on one line; the status
 * line comes back at its next refresh. Thread-safe: one lock orders all output.
 */
public final class Terminal {
  private static final String ERASE_LINE = "\r\u001b[K";
  private static final Terminal INSTANCE = new Terminal(System.err, System.console() != null);

  private final PrintStream err;
  private final boolean interactive;
  private boolean statusShown;

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

  /** Prints one line (a log line, an error) to standard error, below any status line. */
  public synchronized void printLine(String line) {
    eraseStatus();
    err.println(Secrets.mask(line));
    err.flush();
  }

  /** Shows {@code line} as the live status line, replacing the previous one (terminals only). */
  public synchronized void showStatus(String line) {
    err.print(ERASE_LINE + Secrets.mask(line));
    err.flush();
    statusShown = true;
  }

  /** Removes the status line, if one is shown. */
  public synchronized void eraseStatus() {
    if (statusShown) {
      err.print(ERASE_LINE);
      err.flush();
      statusShown = false;
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
            }
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            synchronized (Terminal.this) {
              eraseStatus();
              out.write(bytes, offset, length);
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
