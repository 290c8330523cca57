package dev.shardline.cli;

import dev.shardline.cli.logging.CliLogging;
import dev.shardline.cli.logging.Secrets;
import dev.shardline.cli.logging.Terminal;
import dev.shardline.cli.logging.Verbosity;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

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

  /**
   * The commands of the {@code shardline-dev} module, with the first line of their descriptions:
   * listed in the usage whether or not that module is on the class path.
   */
  private static final List<List<String>> DEV_MODULE_COMMANDS =
      List.of(
          List.of(
              "demo",
              "Shows Shardline end to end on this machine: local Kinesis and Kafka, a pipeline"
                  + " crash and resume."),
          List.of(
              "dev",
              "Starts local Kinesis and Kafka servers on 127.0.0.1 for trying pipelines (the"
                  + " examples run against them)."));

  /** The command line, with its error handling. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new ShardlineCommand());
    for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
      provider.subcommands().forEach(commandLine::addSubcommand);
    }
    for (List<String> command : DEV_MODULE_COMMANDS) {
      if (!commandLine.getSubcommands().containsKey(command.get(0))) {
        commandLine.addSubcommand(command.get(0), devModuleMissing(command.get(0), command.get(1)));
      }
    }
    commandLine.addSubcommand(new HelpCommand());
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

  /**
   * Stands in for a command of the {@code shardline-dev} module when that module is not on the
   * class path (the jar run with {@code java -jar}): listed in the usage, it says how to get the
   * command.
   */
  private static CommandSpec devModuleMissing(String name, String description) {
    Callable<Integer> missing =
        () -> {
          System.err.println(
              "shardline: '"
                  + name
                  + "' comes with the shardline-dev module, which is not on the class path: run"
                  + " it through the launcher (./shardline "
                  + name
                  + " in the repository, bin/shardline "
                  + name
                  + " in the distribution), which adds it");
          return ExitCodes.FAILED;
        };
    CommandSpec spec = CommandSpec.wrapWithoutInspection(missing);
    spec.name(name);
    spec.usageMessage().description(description);
    spec.parser().unmatchedOptionsArePositionalParams(true);
    spec.addPositional(PositionalParamSpec.builder().arity("0..*").type(String[].class).build());
    return spec;
  }
}
