package dev.shardline.cli;

import dev.shardline.cli.logging.CliLogging;
import dev.shardline.cli.logging.Secrets;
import dev.shardline.cli.logging.Terminal;
import dev.shardline.cli.logging.Verbosity;
import picocli.CommandLine;

/**
 * The {@code shardline} command's entry point: runs the command line and exits with its code (0
 * done, 1 failed or invalid, 2 wrong usage). When the JVM is already shutting down (Ctrl-C during
 * {@code run}), it returns instead of calling {@code System.exit}, which would block.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = execute(args);
    if (!ShutdownSignal.isShuttingDown()) {
      System.exit(code);
    }
  }

  /** Runs the command line in this JVM and returns its exit code (tests call this). */
  public static int execute(String... args) {
    CommandLine commandLine = commandLine();
    return commandLine.execute(args);
  }

  /** The command line, with its error handling. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new ShardlineCommand());
    commandLine.setExecutionExceptionHandler(
        (e, cl, parseResult) -> {
          Terminal.get().clearStatus();
          String message = e.getMessage() == null ? e.toString() : e.getMessage();
          cl.getErr().println(Secrets.mask("shardline: " + message));
          if (CliLogging.verbosity() == Verbosity.DEBUG) {
            e.printStackTrace(cl.getErr());
          }
          cl.getErr().flush();
          return ExitCodes.FAILED;
        });
    return commandLine;
  }
}
