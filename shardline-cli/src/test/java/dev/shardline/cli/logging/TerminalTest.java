package dev.shardline.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The live status line shares the terminal with log lines and printed records. */
class TerminalTest {

  @Test
  void aLogLineGoesAboveTheStatusLineWhichStaysLast() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Terminal terminal = new Terminal(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

    terminal.showStatus("status");
    terminal.printLine("a log line");
    terminal.clearStatus();
    terminal.printLine("after");

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "\r\u001b[Kstatus"
                + "\r\u001b[Ka log line"
                + System.lineSeparator()
                + "\r\u001b[Kstatus"
                + "\r\u001b[K"
                + "after"
                + System.lineSeparator());
  }

  @Test
  void recordsPrintedToStandardOutputGoAboveTheStatusLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Terminal terminal = new Terminal(new PrintStream(err, true, StandardCharsets.UTF_8), true);
    PrintStream records = terminal.statusAware(new PrintStream(out, true, StandardCharsets.UTF_8));

    terminal.showStatus("status");
    records.print("record-1\nrecord-2\n");

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("record-1\nrecord-2\n");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("\r\u001b[Kstatus\r\u001b[K\r\u001b[Kstatus");
  }
}
