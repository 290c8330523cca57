package dev.shardline.bench.chaos;

import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import dev.shardline.testkit.proxy.Operation;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The chaos run of issue 10: a Kinesis → Kafka (exactly-once) and a Kinesis → file pipeline, both
 * run with the real {@code shardline run} command, read one Kinesis stream at once through a {@link
 * KinesisQuotaProxy} at AWS's quotas (two pipelines on the same shards: their GetRecords calls are
 * throttled), while
 *
 * <ul>
 *   <li>a writer puts keyed records with per-key counters into the stream ({@link KeyedWriter});
 *   <li>the stream is resharded: SplitShard, MergeShards and UpdateShardCount ({@link Resharder});
 *   <li>each pipeline is killed -9 at random moments and started again with another parallelism;
 *   <li>the Kafka broker is stopped (or killed) and started again;
 *   <li>the proxy fails a GetRecords call now and then (500, 503, expired iterator, dropped
 *       connection).
 * </ul>
 *
 * Then the writer stops, each pipeline is killed once more and run a last time until it has
 * delivered every record in the stream (or the drain timeout passes), and is stopped with SIGTERM.
 * The outputs (the topic read with read_committed from the beginning, the committed part files) are
 * checked against the stream read back: written, delivered, lost, duplicated, order violations per
 * key ({@link DeliveryCheck}). Every random choice comes from {@code --seed}.
 *
 * <p>Run it with {@code shardline-bench/run-chaos.sh} (see the module's README); {@code main} exits
 * 1 when a must-be-zero count is not zero.
 */
public final class ChaosRun {
  static final String STREAM = "chaos";
  static final String TOPIC = "chaos";
  private static final int TOPIC_PARTITIONS = 4;
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

  private final ChaosOptions options;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final List<String> chaos = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> notes = new ArrayList<>();
  // markers the broker skipped and the harness wrote (endHangingTransactions)
  private int markersWritten;

  public ChaosRun(ChaosOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    // the harness's own Kafka clients warn at every broker restart; the run logs say what matters
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    ChaosOptions options;
    try {
      options = ChaosOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ChaosReport report = new ChaosRun(options, System.out).run();
    System.exit(report.passed() ? 0 : 1);
  }

  /** Runs the chaos, the drain and the checks; returns the report (also printed). */
  public ChaosReport run() throws Exception {
    Path directory =
        options.directory().isPresent()
            ? Files.createDirectories(options.directory().get())
            : Files.createTempDirectory("shardline-chaos-");
    if (!Files.isRegularFile(options.jar())) {
      throw new IllegalArgumentException(
          "No shardline jar at "
              + options.jar().toAbsolutePath()
              + ": build it (mvn -pl shardline-cli -am -DskipTests package) or give --jar");
    }
    say(
        "chaos run, seed %d, work directory %s%n  replay the same choices with: run-chaos.sh %s",
        options.seed(), directory, options.commandLine());
    // one random per concern, so that one's draws do not shift another's
    Random seeds = new Random(options.seed());
    Randoms randoms =
        new Randoms(
            new Random(seeds.nextLong()),
            new Random(seeds.nextLong()),
            new Random(seeds.nextLong()),
            new Random(seeds.nextLong()));
    Random reshardRandom = new Random(seeds.nextLong());
    Map<String, Random> parallelismRandoms = new HashMap<>();
    for (String pipeline : List.of("kafka", "file")) {
      parallelismRandoms.put(pipeline, new Random(seeds.nextLong()));
    }

    try (LocalKinesis kinesis =
            LocalKinesis.builder()
                .initialStream(STREAM, options.shards())
                .shardLimit(10_000)
                .logLevel("WARN")
                .start();
        KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesis).start();
        // a restart of the broker takes 10-40 s on a loaded 2-core machine: room beyond that
        LocalKafka kafka =
            LocalKafka.builder().childJvm().startTimeout(Duration.ofMinutes(3)).start()) {
      kafka.createTopic(TOPIC, TOPIC_PARTITIONS);
      say(
          "servers up: kinesis-local %s behind the quota proxy %s, Kafka %s",
          kinesis.endpoint(), proxy.endpoint(), kafka.bootstrapServers());
      AwsCredentials credentials = proxy.credentials().resolveCredentials();
      Map<String, PipelineProcess> pipelines = new LinkedHashMap<>();
      for (String kind : options.pipelines()) {
        Path pipelineDirectory = directory.resolve(kind);
        pipelines.put(
            kind,
            new PipelineProcess(
                kind,
                pipelineDirectory,
                options.jar().toAbsolutePath(),
                options.pipelineJavaOptions(),
                p -> pipelineFile(kind, p, pipelineDirectory, proxy, credentials, kafka),
                options.maxParallelism(),
                parallelismRandoms.get(kind)));
      }
      KeyedWriter writer =
          new KeyedWriter(
              proxy.client(), STREAM, options.keys(), options.writeRate(), options.recordBytes());
      Thread writerThread = new Thread(writer, "chaos-writer");
      Resharder resharder =
          new Resharder(kinesis, STREAM, options.minShards(), options.maxShards(), reshardRandom);
      try {
        writerThread.start();
        chaosPhase(pipelines, writer, resharder, proxy, kafka, randoms);
        writer.stop();
        writerThread.join();
        say(
            "chaos over: %,d records written (%,d refused by the quota and sent again, %d"
                + " ambiguous calls)",
            writer.acknowledged(), writer.refused(), writer.ambiguousCalls());
        return drainAndCheck(pipelines, writer, resharder, kinesis, proxy, kafka, directory);
      } finally {
        writer.stop();
        writerThread.join(10_000);
        pipelines.values().forEach(PipelineProcess::close);
      }
    }
  }

  private void chaosPhase(
      Map<String, PipelineProcess> pipelines,
      KeyedWriter writer,
      Resharder resharder,
      KinesisQuotaProxy proxy,
      LocalKafka kafka,
      Randoms randoms)
      throws Exception {
    Random killRandom = randoms.kills();
    Random faultRandom = randoms.faults();
    long chaosStart = System.nanoTime(); // the servers' start-up does not count
    long deadline = chaosStart + options.duration().toNanos();
    Map<String, Long> killAt = new HashMap<>();
    Map<String, Long> restartAt = new HashMap<>();
    pipelines.keySet().forEach(p -> restartAt.put(p, System.nanoTime()));
    long nextReshard =
        System.nanoTime()
            + between(randoms.reshards(), options.reshardEveryMin(), options.reshardEveryMax());
    List<Long> brokerEvents = new ArrayList<>();
    for (int i = 0; i < options.brokerRestarts(); i++) {
      double at = 0.2 + 0.6 * randoms.broker().nextDouble();
      brokerEvents.add(chaosStart + (long) (options.duration().toNanos() * at));
    }
    brokerEvents.sort(null);
    int brokerEventsDone = 0;
    Future<?> brokerRestart = null;
    long nextFault =
        System.nanoTime() + between(faultRandom, Duration.ofSeconds(10), Duration.ofSeconds(30));
    long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
    while (System.nanoTime() < deadline) {
      long now = System.nanoTime();
      for (PipelineProcess pipeline : pipelines.values()) {
        String name = pipeline.name();
        if (pipeline.isRunning()) {
          if (now >= killAt.get(name)) {
            pipeline.kill();
            say("%s: %s", name, lastRun(pipeline));
            restartAt.put(name, now + between(killRandom, Duration.ZERO, Duration.ofSeconds(2)));
          }
        } else if (pipeline.exitedByItself()) {
          String end = pipeline.recordExit();
          note(name, pipeline, end);
          restartAt.put(name, now + Duration.ofSeconds(2).toNanos());
        } else if (now >= restartAt.get(name)) {
          pipeline.start();
          killAt.put(
              name,
              System.nanoTime()
                  + between(killRandom, options.killAfterMin(), options.killAfterMax()));
          say(
              "%s: run %d started, parallelism %d",
              name, pipeline.runs().size(), pipeline.parallelism());
        }
      }
      if (now >= nextReshard) {
        say("reshard: %s", resharder.step());
        nextReshard =
            System.nanoTime()
                + between(randoms.reshards(), options.reshardEveryMin(), options.reshardEveryMax());
      }
      if (brokerEventsDone < brokerEvents.size()
          && now >= brokerEvents.get(brokerEventsDone)
          && (brokerRestart == null || brokerRestart.isDone())) {
        boolean kill = brokerEventsDone % 2 == 1;
        brokerEventsDone++;
        brokerRestart = brokerRestart(kafka, kill);
      }
      if (options.faults() && now >= nextFault) {
        say("proxy: %s", injectFault(proxy, faultRandom));
        nextFault =
            System.nanoTime()
                + between(faultRandom, Duration.ofSeconds(10), Duration.ofSeconds(30));
      }
      if (now >= nextProgress) {
        progress(pipelines, writer, resharder, proxy);
        nextProgress = now + PROGRESS_EVERY.toNanos();
      }
      Thread.sleep(100);
    }
    if (brokerRestart != null) {
      brokerRestart.get(); // the broker is up again (or the failure to start it is thrown)
    }
    proxy.faults().clear();
  }

  /**
   * Takes the broker down (a graceful stop, or kill -9) and brings it back after the downtime, on a
   * thread of its own: stopping and starting take seconds to tens of seconds on a loaded machine,
   * and the kills and resharding go on meanwhile.
   */
  private Future<?> brokerRestart(LocalKafka kafka, boolean kill) {
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              String what = kill ? "killed -9" : "stopped";
              long down = System.nanoTime();
              chaos.add(
                  "Kafka broker "
                      + what
                      + " at "
                      + elapsed()
                      + ", down for "
                      + ChaosOptions.text(options.brokerDowntime()));
              if (kill) {
                kafka.kill();
              } else {
                kafka.stop();
              }
              say(
                  "Kafka broker %s, down for %s",
                  what, ChaosOptions.text(options.brokerDowntime()));
              Thread.sleep(options.brokerDowntime().toMillis());
              kafka.start();
              say(
                  "Kafka broker up again (ready in %d ms; down %s in all)",
                  kafka.lastStartTime().toMillis(), seconds(System.nanoTime() - down));
              return null;
            });
    Thread thread = new Thread(task, "chaos-broker-restart");
    thread.setDaemon(true);
    thread.start();
    return task;
  }

  /** The random choices of the chaos loop, each from its own generator. */
  private record Randoms(Random kills, Random reshards, Random faults, Random broker) {}

  private ChaosReport drainAndCheck(
      Map<String, PipelineProcess> pipelines,
      KeyedWriter writer,
      Resharder resharder,
      LocalKinesis kinesis,
      KinesisQuotaProxy proxy,
      LocalKafka kafka,
      Path directory)
      throws Exception {
    // the last crash: every pipeline is killed once more, then runs until it has delivered all
    for (PipelineProcess pipeline : pipelines.values()) {
      if (pipeline.isRunning()) {
        pipeline.kill();
        say("%s: %s (the last kill)", pipeline.name(), lastRun(pipeline));
      } else if (pipeline.exitedByItself()) {
        note(pipeline.name(), pipeline, pipeline.recordExit());
      }
    }
    Map<String, Long> acknowledged = new HashMap<>();
    for (int k = 0; k < writer.keys(); k++) {
      acknowledged.put(KeyedWriter.key(k), writer.acknowledged(k));
    }
    DeliveryCheck.Expected expected =
        new DeliveryCheck.Expected(StreamReadBack.read(kinesis.client(), STREAM), acknowledged);
    long owed = new DeliveryCheck().against(expected).lost(); // every record, none delivered
    say("stream read back: %,d distinct records owed to each pipeline", owed);

    for (PipelineProcess pipeline : pipelines.values()) {
      pipeline.start();
      say(
          "%s: run %d started for the drain, parallelism %d",
          pipeline.name(), pipeline.runs().size(), pipeline.parallelism());
    }
    long drainStart = System.nanoTime();
    long drainDeadline = drainStart + options.drainTimeout().toNanos();
    Map<String, Long> drained = new HashMap<>();
    long nextProgress = 0;
    long nextRepair = 0;
    try (KafkaOutput topic =
        pipelines.containsKey("kafka") ? new KafkaOutput(kafka.bootstrapServers(), TOPIC) : null) {
      while (drained.size() < pipelines.size() && System.nanoTime() < drainDeadline) {
        Map<String, Long> delivered = new TreeMap<>();
        for (PipelineProcess pipeline : pipelines.values()) {
          String name = pipeline.name();
          if (drained.containsKey(name)) {
            continue;
          }
          if (pipeline.exitedByItself()) {
            note(name, pipeline, pipeline.recordExit());
            Thread.sleep(2000);
            pipeline.start();
            say(
                "%s: run %d started, parallelism %d",
                name, pipeline.runs().size(), pipeline.parallelism());
          }
          long distinct;
          if (name.equals("kafka")) {
            if (System.nanoTime() >= nextRepair) {
              endHangingTransactions(kafka);
              nextRepair = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            }
            topic.catchUp(Duration.ofSeconds(5));
            distinct = topic.check().distinct();
          } else {
            distinct = FileOutput.read(directory.resolve("file").resolve("out")).distinct();
          }
          delivered.put(name, distinct);
          if (distinct >= owed) {
            drained.put(name, System.nanoTime() - drainStart);
            say(
                "%s: delivered all %,d records after %s of drain",
                name, owed, seconds(System.nanoTime() - drainStart));
          }
        }
        if (System.nanoTime() >= nextProgress) {
          say("drain: delivered (distinct) %s of %,d", delivered, owed);
          nextProgress = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        }
        Thread.sleep(1000);
      }
    }
    Map<String, List<String>> facts = new LinkedHashMap<>();
    for (PipelineProcess pipeline : pipelines.values()) {
      String name = pipeline.name();
      if (!drained.containsKey(name)) {
        notes.add(
            name
                + ": did not deliver every record within the drain timeout of "
                + ChaosOptions.text(options.drainTimeout())
                + "; last lines of its run:\n"
                + pipeline.logTail(15));
      }
      long stopStart = System.nanoTime();
      String stop;
      if (pipeline.isRunning()) {
        int code = pipeline.terminate(STOP_TIMEOUT);
        stop =
            (code == 0 ? "stopped, exit 0" : code < 0 ? "did not stop" : "exit " + code)
                + " in "
                + seconds(System.nanoTime() - stopStart);
        if (code != 0) {
          notes.add(
              name
                  + ": the final SIGTERM ended with "
                  + stop
                  + "; last lines:\n"
                  + pipeline.runs().get(pipeline.runs().size() - 1).lastLines());
        }
      } else {
        stop = "not running";
      }
      List<String> f = new ArrayList<>();
      f.add("runs: " + pipeline.runs().size());
      f.add("kill -9: " + pipeline.kills());
      f.add("exits by itself: " + pipeline.exits());
      f.add("runs at parallelism 1/2/3/...: " + parallelismCounts(pipeline));
      chaos.add(
          name
              + " runs' parallelism, in order: "
              + pipeline.runs().stream()
                  .map(r -> Integer.toString(r.parallelism()))
                  .collect(Collectors.joining(",")));
      f.add(
          "drain (final run until all delivered): "
              + (drained.containsKey(name) ? seconds(drained.get(name)) : "timed out"));
      f.add("final SIGTERM: " + stop);
      facts.put(name, f);
    }

    Map<String, DeliveryCheck.Counts> counts = new LinkedHashMap<>();
    for (String name : pipelines.keySet()) {
      DeliveryCheck check;
      if (name.equals("kafka")) {
        try (KafkaOutput topic = new KafkaOutput(kafka.bootstrapServers(), TOPIC)) {
          if (!topic.catchUp(Duration.ofSeconds(60))) {
            notes.add("kafka: the final read of the topic did not reach the end within 60 s");
          }
          check = topic.check();
        }
        openTransactions(kafka.adminClient());
      } else {
        check = FileOutput.read(directory.resolve("file").resolve("out"));
      }
      DeliveryCheck.Counts c = check.against(expected);
      counts.put(name, c);
      c.examples().forEach(e -> notes.add(name + ": " + e));
    }

    chaos.add(
        0,
        String.format(
            Locale.ROOT,
            "%s of chaos, seed %d; writer %,d records/s over %d keys (%,.0f/s achieved), %d-byte"
                + " records, %,d refused by the write quota and sent again, %d ambiguous calls%s",
            ChaosOptions.text(options.duration()),
            options.seed(),
            options.writeRate(),
            options.keys(),
            writer.acknowledged() / (double) options.duration().toSeconds(),
            options.recordBytes(),
            writer.refused(),
            writer.ambiguousCalls(),
            writer.ambiguousCalls() > 0 ? " (last: " + writer.lastError() + ")" : ""));
    chaos.add(
        1,
        "resharding: "
            + resharder.done()
            + ", refused "
            + resharder.refused().size()
            + "; open shards "
            + options.shards()
            + " at the start, "
            + resharder.openShards().size()
            + " at the end, "
            + resharder.allShards()
            + " shards in all");
    resharder.refused().forEach(r -> notes.add("resharding refused: " + r));
    chaos.add(
        String.format(
            Locale.ROOT,
            "quota proxy: %,d GetRecords calls throttled, %,d records throttled, %d faults injected",
            proxy.counters().throttledGetRecordsCalls(),
            proxy.counters().throttledRecords(),
            proxy.counters().injectedFaults()));
    if (pipelines.containsKey("kafka")) {
      chaos.add(
          "Kafka transaction markers the broker skipped and the harness wrote: "
              + markersWritten
              + (markersWritten > 0 ? " (see Notes)" : ""));
    }
    Map<String, String> titles = new LinkedHashMap<>();
    titles.put(
        "kafka",
        "Kinesis -> Kafka ("
            + (options.kafkaDelivery().equals("exactly-once") ? "EO" : options.kafkaDelivery())
            + ")");
    titles.put("file", "Kinesis -> file (EO)");
    titles.keySet().retainAll(counts.keySet());
    ChaosReport report = new ChaosReport(titles, counts, facts, chaos, notes);
    out.println();
    out.print(report.render());
    out.println("work directory (pipeline files, run logs, checkpoints, part files): " + directory);
    out.flush();
    return report;
  }

  /**
   * Ends the transactions the broker left hanging on the topic ({@link HangingMarkers}), and notes
   * and counts each one.
   */
  private void endHangingTransactions(LocalKafka kafka) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < TOPIC_PARTITIONS; p++) {
      partitions.add(new TopicPartition(TOPIC, p));
    }
    List<String> written;
    try {
      written = HangingMarkers.write(kafka, partitions);
    } catch (Exception e) { // the broker restarting, say: the drain goes on, the next look retries
      say("kafka: cannot look for hanging transactions now: %s", e);
      return;
    }
    for (String what : written) {
      markersWritten++;
      say("kafka: %s", what);
      notes.add("kafka: " + what);
    }
  }

  /**
   * Notes partitions whose last stable offset is behind their end (a transaction left open, which
   * holds back every read_committed consumer), with the producer holding it and what the
   * transaction coordinator knows of that producer's transactional id.
   */
  private void openTransactions(Admin admin) throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < TOPIC_PARTITIONS; p++) {
      partitions.add(new TopicPartition(TOPIC, p));
    }
    Map<TopicPartition, OffsetSpec> latest =
        partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
    var committed =
        admin
            .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get();
    var uncommitted =
        admin
            .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
            .all()
            .get();
    Map<Long, String> transactionalIds = new HashMap<>();
    for (TransactionListing listing : admin.listTransactions().all().get()) {
      transactionalIds.put(
          listing.producerId(), listing.transactionalId() + " (" + listing.state() + ")");
    }
    var producers = admin.describeProducers(partitions).all().get();
    for (TopicPartition partition : partitions) {
      long stable = committed.get(partition).offset();
      long end = uncommitted.get(partition).offset();
      if (stable >= end) {
        continue;
      }
      StringBuilder holders = new StringBuilder();
      for (ProducerState producer : producers.get(partition).activeProducers()) {
        if (producer.currentTransactionStartOffset().isPresent()) {
          long producerId = producer.producerId();
          String id =
              transactionalIds.getOrDefault(producerId, "an id the coordinator does not list");
          holders.append(
              String.format(
                  Locale.ROOT,
                  "%n  producer %d epoch %d, transaction open since offset %d, transactional id %s",
                  producerId,
                  producer.producerEpoch(),
                  producer.currentTransactionStartOffset().getAsLong(),
                  id));
          String bare = id.contains(" (") ? id.substring(0, id.indexOf(" (")) : null;
          if (bare != null) {
            TransactionDescription description =
                admin.describeTransactions(List.of(bare)).description(bare).get();
            holders.append(
                String.format(
                    Locale.ROOT,
                    "; coordinator: state %s, producer %d epoch %d, started %s, timeout %d ms,"
                        + " partitions %s",
                    description.state(),
                    description.producerId(),
                    description.producerEpoch(),
                    description.transactionStartTimeMs().isPresent()
                        ? java.time.Instant.ofEpochMilli(
                            description.transactionStartTimeMs().getAsLong())
                        : "-",
                    description.transactionTimeoutMs(),
                    description.topicPartitions()));
          }
        }
      }
      notes.add(
          String.format(
              Locale.ROOT,
              "kafka: %s has a transaction left open after the final stop: last stable offset %d,"
                  + " end %d (read_committed consumers cannot read past it)%s",
              partition,
              stable,
              end,
              holders));
    }
  }

  private String pipelineFile(
      String kind,
      int parallelism,
      Path directory,
      KinesisQuotaProxy proxy,
      AwsCredentials credentials,
      LocalKafka kafka) {
    String sink =
        kind.equals("kafka")
            ? String.join(
                "\n",
                "  - type: kafka",
                "    bootstrapServers: " + kafka.bootstrapServers(),
                "    topic: " + TOPIC,
                "    key: metadata.partitionKey",
                "    deliveryGuarantee: " + options.kafkaDelivery(),
                "    format: string")
            : String.join(
                "\n",
                "  - type: file",
                "    path: " + directory.resolve("out"),
                "    format: lines");
    return String.join(
            "\n",
            "# written by the chaos run (dev.shardline.bench.chaos.ChaosRun)",
            "name: chaos-" + kind,
            "parallelism: " + parallelism,
            "checkpoint:",
            "  interval: " + ChaosOptions.text(options.checkpointInterval()),
            "  directory: " + directory.resolve("checkpoints"),
            "source:",
            "  type: kinesis",
            "  streams: [" + STREAM + "]",
            "  awsRegion:",
            "    type: custom-endpoint",
            "    endpoint: " + proxy.endpoint(),
            "    id: " + proxy.region().id(),
            "  awsCredentials:",
            "    type: basic",
            "    accessKeyId: " + credentials.accessKeyId(),
            "    secretAccessKey: " + credentials.secretAccessKey(),
            "  startupPosition:",
            "    type: earliest",
            "  format: string",
            "sinks:",
            sink)
        + "\n";
  }

  private static String injectFault(KinesisQuotaProxy proxy, Random random) {
    Fault[] faults = {
      Fault.INTERNAL_ERROR, Fault.SERVICE_UNAVAILABLE, Fault.EXPIRED_ITERATOR, Fault.DROP_CONNECTION
    };
    Fault fault = faults[random.nextInt(faults.length)];
    int times = 1 + random.nextInt(3);
    proxy.faults().failNext(Operation.GET_RECORDS, times, fault);
    return "the next " + times + " GetRecords calls get " + fault;
  }

  private void progress(
      Map<String, PipelineProcess> pipelines,
      KeyedWriter writer,
      Resharder resharder,
      KinesisQuotaProxy proxy) {
    StringBuilder line = new StringBuilder();
    line.append(
        String.format(
            Locale.ROOT,
            "progress: written %,d; open shards %d; GetRecords throttled %,d",
            writer.acknowledged(),
            resharder.openShards().size(),
            proxy.counters().throttledGetRecordsCalls()));
    for (PipelineProcess pipeline : pipelines.values()) {
      line.append(
          String.format(
              Locale.ROOT,
              "; %s: %d runs, %d kills, %d exits",
              pipeline.name(),
              pipeline.runs().size(),
              pipeline.kills(),
              pipeline.exits()));
    }
    say("%s", line);
  }

  private void note(String name, PipelineProcess pipeline, String end) {
    PipelineProcess.Run run = pipeline.runs().get(pipeline.runs().size() - 1);
    say("%s: %s", name, end);
    notes.add(name + ": " + end + " at " + elapsed() + "; its last lines:\n" + run.lastLines());
  }

  /** How many runs had each parallelism, e.g. "7/9/10/4" for 1 to 4. */
  private String parallelismCounts(PipelineProcess pipeline) {
    int[] counts = new int[options.maxParallelism() + 1];
    pipeline.runs().forEach(r -> counts[r.parallelism()]++);
    List<String> parts = new ArrayList<>();
    for (int p = 1; p < counts.length; p++) {
      parts.add(Integer.toString(counts[p]));
    }
    return String.join("/", parts);
  }

  private static String lastRun(PipelineProcess pipeline) {
    PipelineProcess.Run run = pipeline.runs().get(pipeline.runs().size() - 1);
    return "run " + run.number() + " (parallelism " + run.parallelism() + ") " + run.end();
  }

  private static long between(Random random, Duration min, Duration max) {
    long low = min.toNanos();
    long high = max.toNanos();
    return high <= low ? low : low + (long) (random.nextDouble() * (high - low));
  }

  private String elapsed() {
    long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
    return String.format(Locale.ROOT, "t+%02d:%02d", seconds / 60, seconds % 60);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private void say(String format, Object... args) {
    out.println(elapsed() + " " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
