package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  @Test
  void noCommandIsAUsageErrorWithTheUsageOnStandardError() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));

    int exit = commandLine.execute();

    assertThat(exit).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Usage: shardline").contains("run").contains("dev");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void demoAndDevWithoutTheirModuleSayHowToGetThem() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Main.execute("dev", "kinesis", "--port", "4567");
    } finally {
      System.setErr(original);
    }

    assertThat(exit).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("'dev' comes with the shardline-dev module")
        .contains("./shardline dev");
  }
}
