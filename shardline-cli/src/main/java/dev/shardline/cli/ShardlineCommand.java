package dev.shardline.cli;

import dev.shardline.cli.logging.CliLogging;
import dev.shardline.cli.logging.Verbosity;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code shardline}: the top-level command; its subcommands do the work. */
@Command(
    name = "shardline",
    mixinStandardHelpOptions = true,
    version = "shardline 0.1.0-SNAPSHOT",
    description = {
      "Moves streaming data in and out of Amazon Kinesis and Apache Kafka with checkpointed"
          + " offsets, on the embedded runner.",
      ""
    },
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      CheckpointsCommand.class,
      StatusCommand.class
      // demo and dev come from the shardline-dev module (Main adds them), then help
    },
    footer = {
      "",
      "Start with: shardline demo    (local Kinesis and Kafka, a pipeline crash and resume)",
      "Pipeline file reference: shardline-cli/docs/pipeline-reference.md"
    })
final class ShardlineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log more: -v debug lines of Shardline, -vv everything with stack traces.")
  void verbose(boolean[] flags) {
    CliLogging.setVerbosity(Verbosity.of(flags.length));
  }

  /** No command given: a usage error, like a wrong option (the usage on stderr, exit 2). */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
