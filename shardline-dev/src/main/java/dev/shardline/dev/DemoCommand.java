package dev.shardline.dev;

import dev.shardline.cli.ExitCodes;
import dev.shardline.dev.demo.Demo;
import dev.shardline.dev.demo.DemoSettings;
import dev.shardline.dev.demo.DemoSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shardline demo}: the whole path on this machine, with a crash and a resume. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Shows Shardline end to end on this machine, with nothing to set up: starts a local Kinesis"
          + " server and a local Kafka broker, writes sample events into Kinesis with Shardline's"
          + " Kinesis sink, runs a Kinesis -> Kafka pipeline (shardline run, exactly once into"
          + " Kafka) with checkpoints, kills it mid-way and restarts it from its checkpoint, then"
          + " reads the topic back and prints what was written, read, delivered, lost and"
          + " duplicated, and the throughput. Stops everything it started.",
      "Needs Node.js 18+ with npm (the Kinesis server, kinesis-local, is installed from npm on"
          + " first use). About a minute on 2 cores."
          + " Exit code 0 when every event arrived exactly once."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--records",
      defaultValue = "3000",
      description = "How many events to write (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(
      names = "--kill-at",
      defaultValue = "0.4",
      description =
          "Kill the pipeline once it has read this fraction of the events (default:"
              + " ${DEFAULT-VALUE}).")
  double killAt;

  @Option(
      names = "--dir",
      defaultValue = "shardline-demo",
      description =
          "Where the demo's pipeline files and checkpoints go; emptied first (default:"
              + " ${DEFAULT-VALUE}).")
  Path directory;

  @Override
  public Integer call() throws Exception {
    if (records < 10 || killAt <= 0 || killAt >= 1) {
      throw new IllegalArgumentException(
          "--records must be at least 10 and --kill-at between 0 and 1");
    }
    PrintStream out = System.out;
    out.println("Shardline demo: Kinesis -> Kafka with checkpoints, a crash and a resume");
    DemoSummary summary = new Demo(new DemoSettings(records, killAt, directory), out).run();
    out.println();
    out.print(summary.render());
    out.println();
    out.println(
        summary.exactlyOnce()
            ? "Every event arrived exactly once, across a crash. The pipeline file and its"
                + " checkpoints are in "
                + directory
                + " (try: ./shardline checkpoints show "
                + directory.resolve("checkpoints/kinesis-to-kafka")
                + ")."
            : "Some events were lost or duplicated (see above): this is a bug, please report it"
                + " with the output above.");
    out.flush();
    return summary.exactlyOnce() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
