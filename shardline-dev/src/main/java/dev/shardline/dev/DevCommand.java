package dev.shardline.dev;

import dev.shardline.dev.local.LocalServers;
import dev.shardline.dev.local.NameAndCount;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardline dev}: the local Kinesis server and Kafka broker of the tests, on 127.0.0.1, for
 * trying pipelines by hand. Runs until Ctrl-C or SIGTERM, then stops them.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Starts local Kinesis and Kafka servers on 127.0.0.1 for trying pipelines (the examples run"
          + " against them): kinesis-local (from npm) on port 4567 and an Apache Kafka broker (KRaft)"
          + " on port 9092, the servers Shardline's tests use. Prints their endpoints and the YAML"
          + " lines that point a pipeline at them, and runs until Ctrl-C or SIGTERM, which stops"
          + " both; nothing is kept. Listens on 127.0.0.1 only.",
      "By default it creates what the examples use: streams "
          + LocalServers.EXAMPLE_STREAMS_TEXT
          + " and topic "
          + LocalServers.EXAMPLE_TOPICS_TEXT
          + ". Needs Node.js 18+ with npm (kinesis-local is installed from npm on first use).",
      "shardline dev kinesis / shardline dev kafka start one of the two."
    },
    subcommands = {DevCommand.Kinesis.class, DevCommand.Kafka.class})
final class DevCommand implements Callable<Integer> {
  @Option(
      names = "--kinesis-port",
      defaultValue = "4567",
      description = "The Kinesis server's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int kinesisPort;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "The Kafka broker's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--stream",
      paramLabel = "NAME:SHARDS",
      converter = NameAndCount.Converter.class,
      description =
          "A Kinesis stream to create, repeatable (default: the examples' streams, "
              + LocalServers.EXAMPLE_STREAMS_TEXT
              + ").")
  List<NameAndCount> streams = new ArrayList<>();

  @Option(
      names = "--topic",
      paramLabel = "NAME:PARTITIONS",
      converter = NameAndCount.Converter.class,
      description =
          "A Kafka topic to create, repeatable (default: the examples' topic, "
              + LocalServers.EXAMPLE_TOPICS_TEXT
              + ").")
  List<NameAndCount> topics = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    return LocalServers.builder()
        .kinesis(kinesisPort, streams)
        .kafka(kafkaPort, topics)
        .runUntilStopped(System.out);
  }

  /** {@code shardline dev kinesis}: the Kinesis server alone. */
  @Command(
      name = "kinesis",
      mixinStandardHelpOptions = true,
      description = {
        "Starts a local Kinesis server (kinesis-local, from npm) on 127.0.0.1 and runs until Ctrl-C"
            + " or SIGTERM. Supports resharding and enhanced fan-out; enforces no throughput limit."
            + " It is for trying pipelines, not for volume: it handles tens to a few hundred records"
            + " per second (a generator-to-Kinesis pipeline wrote 54 records/s on a busy 2-core"
            + " machine), so a stop can wait minutes for a Kinesis sink to flush what it holds."
      })
  static final class Kinesis implements Callable<Integer> {
    @Option(
        names = "--port",
        defaultValue = "4567",
        description = "Its port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--stream",
        paramLabel = "NAME:SHARDS",
        converter = NameAndCount.Converter.class,
        description =
            "A stream to create, repeatable (default: the examples' streams, "
                + LocalServers.EXAMPLE_STREAMS_TEXT
                + ").")
    List<NameAndCount> streams = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return LocalServers.builder().kinesis(port, streams).runUntilStopped(System.out);
    }
  }

  /** {@code shardline dev kafka}: the Kafka broker alone. */
  @Command(
      name = "kafka",
      mixinStandardHelpOptions = true,
      description = {
        "Starts a local Apache Kafka broker (KRaft, one node, in this process) on 127.0.0.1 and"
            + " runs until Ctrl-C or SIGTERM. Transactions and consumer groups work; topics are"
            + " also created on first use."
      })
  static final class Kafka implements Callable<Integer> {
    @Option(
        names = "--port",
        defaultValue = "9092",
        description = "Its port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--topic",
        paramLabel = "NAME:PARTITIONS",
        converter = NameAndCount.Converter.class,
        description =
            "A topic to create, repeatable (default: the examples' topic, "
                + LocalServers.EXAMPLE_TOPICS_TEXT
                + ").")
    List<NameAndCount> topics = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return LocalServers.builder().kafka(port, topics).runUntilStopped(System.out);
    }
  }
}
