package dev.shardline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * What one in-process run of the command printed and returned.
 *
 * @param exitCode the exit code
 * @param out standard output of the command
 * @param err its error output (picocli's; log lines go to the terminal)
 */
public record CommandResult(int exitCode, String out, String err) {

  /** Runs the command line in this JVM. */
  public static CommandResult run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new CommandResult(code, out.toString(), err.toString());
  }
}
