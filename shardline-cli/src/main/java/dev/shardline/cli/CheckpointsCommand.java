package dev.shardline.cli;

import dev.shardline.cli.checkpoint.CheckpointInspector;
import dev.shardline.cli.connect.ConnectorRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardline checkpoints list|show DIR}: what a checkpoint directory holds. */
@Command(
    name = "checkpoints",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what a pipeline's checkpoint directory holds, for operators. Reads the files"
          + " without locking the directory, so it works while the pipeline runs."
    },
    subcommands = {CheckpointsCommand.ListCommand.class, CheckpointsCommand.ShowCommand.class})
final class CheckpointsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code checkpoints list DIR}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Lists the checkpoints of DIR, oldest first: id, time, pipeline, source, parallelism,"
              + " number of splits, size; corrupt files with the reason.")
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "DIR",
        description = "A checkpoint directory, e.g. checkpoints/orders.")
    Path directory;

    @Override
    public Integer call() throws IOException {
      spec.commandLine()
          .getOut()
          .print(new CheckpointInspector(ConnectorRegistry.get()).listing(directory));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  /** {@code checkpoints show DIR [--id N]}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Shows one checkpoint of DIR (the newest readable one by default): its time, pipeline,"
              + " source, and per reader each split's position (shard and sequence number,"
              + " partition and offset, ...), and per sink its writer states and committables.")
  static final class ShowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "DIR",
        description = "A checkpoint directory, e.g. checkpoints/orders.")
    Path directory;

    @Option(names = "--id", paramLabel = "N", description = "The checkpoint to show.")
    Long id;

    @Override
    public Integer call() throws IOException {
      spec.commandLine()
          .getOut()
          .print(
              new CheckpointInspector(ConnectorRegistry.get())
                  .show(directory, Optional.ofNullable(id)));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
