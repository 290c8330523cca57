package dev.shardline.dev.demo;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.cli.checkpoint.CheckpointInspector;
import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.cli.spec.PipelineAssembler;
import dev.shardline.cli.spec.PipelineFileReader;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kinesis.LocalKinesis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The demo: a local Kinesis server and Kafka broker, events written into Kinesis with Shardline's
 * Kinesis sink, a Kinesis → Kafka pipeline ({@code shardline run} in a child JVM) killed mid-way
 * and restarted from its checkpoint, and a summary computed from what the systems hold. Everything
 * it starts is stopped before it returns, also when it fails.
 */
public final class Demo {
  static final String STREAM = "demo-events";
  static final String TOPIC = "demo-events";
  private static final int SHARDS = 2;
  private static final int PARTITIONS = 2;
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);
  private static final String CHILD_PREFIX = "    | ";

  /**
   * About how many GetRecords calls a shard's events take in the Kinesis -> Kafka pipeline. At one
   * call per shard every 200 ms (the source's pacing) reading takes about 6 s whatever the number
   * of events, so the first run is killed mid-way: at the default 40%, about 2.4 s in, after its
   * first checkpoint (1 s interval) and seconds before its last read. With 250 records a call,
   * 3,000 events took about 1.2 s, and the kill often came after the last one.
   */
  private static final int GET_RECORDS_CALLS_PER_SHARD = 30;

  private final DemoSettings settings;
  private final PrintStream out;

  public Demo(DemoSettings settings, PrintStream out) {
    this.settings = checkNotNull(settings, "settings");
    this.out = checkNotNull(out, "out");
  }

  /** Runs the demo and returns what it measured. */
  public DemoSummary run() throws Exception {
    Path dir = fresh(settings.directory());
    List<String> childJvm = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    step(
        1,
        "Starting a local Kinesis server (kinesis-local, from npm) with stream "
            + STREAM
            + " ("
            + SHARDS
            + " shards), and a Kafka broker (KRaft) with topic "
            + TOPIC
            + " ("
            + PARTITIONS
            + " partitions)");
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream(STREAM, SHARDS).start();
        LocalKafka kafka = LocalKafka.builder().start()) {
      kafka.createTopic(TOPIC, PARTITIONS);
      DemoPipelines pipelines =
          new DemoPipelines(dir, kinesis.endpoint().toString(), kafka.bootstrapServers());
      Path writerFile = pipelines.writeWriter(settings.records());
      Path pipelineFile = pipelines.writeKinesisToKafka(maxRecordsPerCall(settings.records()));
      out.println(
          "    Kinesis at " + kinesis.endpoint() + ", Kafka at " + kafka.bootstrapServers());

      step(
          2,
          String.format(
              Locale.ROOT,
              "Writing %,d JSON events into Kinesis with Shardline's Kinesis sink (pipeline %s)",
              settings.records(),
              writerFile));
      long writeStart = System.nanoTime();
      PipelineAssembler.assemble(
              new PipelineFileReader(ConnectorRegistry.get(), System::getenv).read(writerFile))
          .metrics(new SimpleMeterRegistry())
          .build()
          .run();
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      Set<Long> written = StreamScanner.events(kinesis.client(), STREAM);
      out.println(
          String.format(
              Locale.ROOT,
              "    %,d events in the stream after %.1fs (counted with plain GetRecords calls)",
              written.size(),
              writeSeconds));

      step(3, "Running the Kinesis -> Kafka pipeline: shardline run " + pipelineFile);
      long killAt = Math.max(1, (long) (written.size() * settings.killAt()));
      long readFirstRun;
      double firstRunSeconds;
      try (ChildRun first = ChildRun.start(pipelineFile, childJvm, out, CHILD_PREFIX)) {
        first.awaitMetrics(STEP_TIMEOUT);
        long started = System.nanoTime();
        awaitReadAndCheckpoint(first, killAt);
        readFirstRun = first.counter("shardline_pipeline_records_in_total");
        first.kill();
        firstRunSeconds = (System.nanoTime() - started) / 1e9;
      }
      long checkpoint = latestCheckpoint(pipelines.checkpoints());
      step(
          4,
          String.format(
              Locale.ROOT,
              readFirstRun < written.size()
                  ? "Killed it (SIGKILL) mid-way, after it had read %,d of %,d events; its last"
                      + " checkpoint is %d"
                  : "Killed it (SIGKILL) after it had read %,d of %,d events; its last checkpoint"
                      + " is %d",
              readFirstRun,
              written.size(),
              checkpoint));

      step(5, "Restarting the same pipeline: it resumes from checkpoint " + checkpoint);
      long readSecondRun;
      double secondRunSeconds;
      try (ChildRun second = ChildRun.start(pipelineFile, childJvm, out, CHILD_PREFIX);
          TopicReader topic = new TopicReader(kafka.bootstrapServers(), TOPIC)) {
        second.awaitMetrics(STEP_TIMEOUT);
        long started = System.nanoTime();
        awaitDelivered(topic, second, written.size());
        secondRunSeconds = (System.nanoTime() - started) / 1e9;
        readSecondRun = second.counter("shardline_pipeline_records_in_total");
        int exit = second.terminate(Duration.ofSeconds(60));
        if (exit != 0) {
          throw new IllegalStateException(
              "The restarted pipeline exited with " + exit + " after SIGTERM; its output is above");
        }
      }

      step(
          6,
          "Checking every event in Kinesis against what a read_committed consumer finds in Kafka");
      try (TopicReader topic = new TopicReader(kafka.bootstrapServers(), TOPIC)) {
        drain(topic);
        Set<Long> delivered = new HashSet<>(topic.counts().keySet());
        Set<Long> lost = new HashSet<>(written);
        lost.removeAll(delivered);
        long duplicated = topic.records() - topic.unreadable() - topic.distinct();
        return new DemoSummary(
            written.size(),
            writeSeconds,
            readFirstRun,
            readSecondRun,
            checkpoint,
            delivered.size(),
            lost.size(),
            duplicated,
            topic.unreadable(),
            firstRunSeconds + secondRunSeconds);
      }
    } finally {
      out.println("    Stopped the Kinesis server and the Kafka broker.");
    }
  }

  /** The source's GetRecords batch size: a shard's share of the events in about 30 calls. */
  static int maxRecordsPerCall(long records) {
    long perShard = (records + SHARDS - 1) / SHARDS;
    long batch = (perShard + GET_RECORDS_CALLS_PER_SHARD - 1) / GET_RECORDS_CALLS_PER_SHARD;
    return (int) Math.max(1, Math.min(10_000, batch));
  }

  /** Until the pipeline read {@code records} and completed a checkpoint, from its metrics. */
  private static void awaitReadAndCheckpoint(ChildRun run, long records) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (run.counter("shardline_pipeline_records_in_total") < records
        || run.counter("shardline_pipeline_checkpoints_total") < 1) {
      if (System.nanoTime() > deadline || !run.isAlive()) {
        throw new IllegalStateException(
            "The pipeline did not read "
                + records
                + " records and complete a checkpoint within "
                + STEP_TIMEOUT.toMinutes()
                + " minutes; its output is above");
      }
      Thread.sleep(100); // a metrics endpoint offers nothing to wait on
    }
  }

  /** Until {@code events} distinct events are in the topic (committed), or the pipeline failed. */
  private static void awaitDelivered(TopicReader topic, ChildRun run, long events)
      throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (topic.distinct() < events) {
      if (System.nanoTime() > deadline || !run.isAlive()) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "Only %,d of %,d events reached Kafka within %d minutes; the pipeline's output is"
                    + " above",
                topic.distinct(),
                events,
                STEP_TIMEOUT.toMinutes()));
      }
      topic.poll(Duration.ofMillis(200));
    }
  }

  /** Reads the topic to its end: two polls in a row that bring nothing. */
  private static void drain(TopicReader topic) {
    int empty = 0;
    long before = -1;
    while (empty < 2) {
      topic.poll(Duration.ofMillis(500));
      empty = topic.records() == before ? empty + 1 : 0;
      before = topic.records();
    }
  }

  private static long latestCheckpoint(Path directory) throws IOException {
    return new CheckpointInspector(ConnectorRegistry.get())
        .list(directory).stream()
            .filter(e -> e.checkpoint().isPresent())
            .mapToLong(CheckpointInspector.Entry::id)
            .max()
            .orElseThrow(() -> new IllegalStateException("No checkpoint in " + directory));
  }

  private void step(int number, String text) {
    out.println();
    out.println(number + "/6 " + text);
  }

  private static Path fresh(Path directory) throws IOException {
    Path dir = directory.toAbsolutePath().normalize();
    if (Files.exists(dir)) {
      if (!Files.exists(dir.resolve(DemoPipelines.MARKER))) {
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException(
                dir + " exists and is not a demo directory; choose another with --dir");
          }
        }
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve(DemoPipelines.MARKER),
        "Made by shardline demo; emptied by the next run.\n",
        StandardCharsets.UTF_8);
    return dir;
  }
}
