package dev.shardline.bench.kinesis.source;

import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A cold {@code shardline run}: time from the process's start to the first record on its standard
 * output, and from SIGTERM (or SIGINT) to its exit, against a pre-filled kinesalite stream.
 *
 * <p>The parent starts kinesalite with a 4-shard stream {@code cold} of {@code records} 100-byte
 * records (and an empty stream {@code cold-out} for the Kinesis-sink stops), writes a pipeline file
 * (polling Kinesis source from TRIM_HORIZON, parallelism 2, stdout sink, a fresh checkpoint
 * directory per run), then {@code runs} times starts the real command in a fresh JVM exactly as the
 * launcher does ({@code java [SHARDLINE_JAVA_OPTS] -jar shardline-cli/target/shardline.jar run FILE
 * --status off}) and reads its standard output and error live, stamping each line as it arrives.
 * The stdout sink prints once it holds 8 KiB, so a first GetRecords answer of many records reaches
 * the pipe at once (with a small {@code reader.getRecords.maxRecords} the first line may wait for a
 * checkpoint: use at least 100). Once the first record is seen it waits 2 s, sends the signal and
 * times the exit; exit code 0 is required.
 *
 * <p>Phases come from the command's own log lines (run with {@code -v}), stamped on arrival: the
 * first line (JVM and CLI up), the pipeline's start, and the first record. For the floor, a bare
 * SDK program in a fresh JVM on the same class path (build a client, ListShards, GetShardIterator,
 * one GetRecords of up to {@code maxRecords}, synchronous client and the asynchronous one as the
 * source sets it up) prints when each step is done.
 *
 * <p>A harness, not a test: {@code shardline-bench/run-kinesis-source-bench.sh cold [runs [records
 * [maxRecords [stops]]]]}; {@code SHARDLINE_JAVA_OPTS} goes to the command's JVMs, as the launcher
 * passes it (see README.md).
 */
public final class KinesisColdStartBench {
  private static final String STREAM = "cold";
  private static final String OUT_STREAM = "cold-out";
  private static final long WAIT_BEFORE_STOP_MILLIS = 2_000;

  private KinesisColdStartBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--bare")) {
      bare(args[1], URI.create(args[2]), Integer.parseInt(args[3]));
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int records = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int maxRecords = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    String stops = args.length > 3 ? args[3] : "all";
    Path jar = Path.of("shardline-cli/target/shardline.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it first (mvn -pl shardline-cli -am -DskipTests package)");
    }
    BenchSupport.jsonProtocol();
    System.out.printf(
        Locale.ROOT,
        "Cold shardline run: kinesalite, 4 shards, %,d records of 100 bytes, parallelism 2, stdout"
            + " sink, reader.getRecords.maxRecords %d, SHARDLINE_JAVA_OPTS=\"%s\"; %s%n",
        records,
        maxRecords,
        System.getenv().getOrDefault("SHARDLINE_JAVA_OPTS", ""),
        BenchSupport.machine());
    Path dir = BenchSupport.tempDirectory();
    try (LocalKinesalite kinesalite = LocalKinesalite.builder().start()) {
      kinesalite.createStream(STREAM, 4);
      kinesalite.createStream(OUT_STREAM, 4);
      StreamFiller.fill(kinesalite.asyncClient(), STREAM, records, 100);

      // variants, run in turn (run i of each, then run i+1), so a change of the machine's load
      // falls on all of them alike
      Map<String, Variant> variants = variants(maxRecords);
      Map<String, List<Run>> results = new LinkedHashMap<>();
      for (int i = 1; i <= runs; i++) {
        for (Variant variant : variants.values()) {
          Run run =
              runCommand(jar, dir, kinesalite, variant, false, "TERM", i == 1 && results.isEmpty());
          results.computeIfAbsent(variant.label(), v -> new ArrayList<>()).add(run);
          System.out.println("  " + variant.label() + " run " + i + ": " + run);
        }
      }
      results.forEach(
          (label, list) ->
              summary("shardline run [" + variants.get(label) + "], stdout sink, SIGTERM", list));
      Variant first = variants.values().iterator().next();
      if (stops.equals("all")) {
        List<Run> interrupted = new ArrayList<>();
        List<Run> kinesisSink = new ArrayList<>();
        for (int i = 1; i <= Math.max(1, runs / 2); i++) {
          interrupted.add(runCommand(jar, dir, kinesalite, first, false, "INT", false));
          kinesisSink.add(runCommand(jar, dir, kinesalite, first, true, "TERM", false));
        }
        summary("shardline run [" + first + "], stdout sink, SIGINT (Ctrl-C)", interrupted);
        summary("shardline run [" + first + "], Kinesis sink (cold-out), SIGTERM", kinesisSink);
      }
      for (String client : stops.equals("run") ? List.<String>of() : List.of("sync", "async")) {
        List<Map<String, Double>> bare = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
          bare.add(runBare(client, kinesalite.endpoint(), maxRecords));
        }
        bareSummary(client, bare);
      }
    } finally {
      BenchSupport.deleteRecursively(dir);
    }
  }

  // ------------------------------------------------------------------ the command

  /** One cold run: milliseconds from the process's start to each phase, and the stop. */
  record Run(
      Map<String, Double> phases, double firstRecord, double stop, int exitCode, String signal) {
    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      phases.forEach(
          (phase, ms) -> s.append(String.format(Locale.ROOT, "%s %.0f ms, ", phase, ms)));
      return s.append(
              String.format(
                  Locale.ROOT,
                  "first record %.0f ms; SIG%s -> exit %.0f ms (exit code %d)",
                  firstRecord,
                  signal,
                  stop,
                  exitCode))
          .toString();
    }
  }

  private static Run runCommand(
      Path jar,
      Path dir,
      KinesisEndpoint kinesalite,
      Variant variant,
      boolean kinesisSink,
      String signal,
      boolean echoLog)
      throws Exception {
    Path checkpoints = Files.createTempDirectory(dir, "checkpoints-");
    Path pipeline = dir.resolve("cold-" + checkpoints.getFileName() + ".yaml");
    Files.writeString(
        pipeline, pipelineFile(kinesalite, checkpoints, variant.maxRecords(), kinesisSink));
    List<String> command = new ArrayList<>();
    ProcessBuilder builder = new ProcessBuilder(command);
    if (variant.launcher()) {
      // as a user runs it: the launcher, its class-data archive, SHARDLINE_JAVA_OPTS
      command.add(Path.of("shardline").toAbsolutePath().toString());
      builder.environment().put("SHARDLINE_JAVA_OPTS", variant.javaOptions());
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      if (!variant.javaOptions().isBlank()) {
        command.addAll(List.of(variant.javaOptions().trim().split("\\s+")));
      }
      command.addAll(List.of("-jar", jar.toString()));
    }
    command.addAll(List.of("run", pipeline.toString(), "--status", "off", "-v"));

    long start = System.nanoTime();
    Process process = builder.start();
    Map<String, Double> phases = Collections.synchronizedMap(new LinkedHashMap<>());
    CompletableFuture<Double> firstLine = new CompletableFuture<>();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Thread err =
        drain(
            process.getErrorStream(),
            line -> {
              double at = (System.nanoTime() - start) / 1e6;
              log.add(String.format(Locale.ROOT, "%6.0f ms  %s", at, line));
              phases.putIfAbsent("first log line", at);
              for (Map.Entry<String, String> p : PHASES.entrySet()) {
                if (line.contains(p.getValue())) {
                  phases.putIfAbsent(p.getKey(), at);
                }
              }
            });
    Thread out =
        drain(
            process.getInputStream(),
            line -> {
              // a record (StreamFiller's letters), not what the JVM prints (JFR's start message)
              if (!firstLine.isDone() && line.contains("klmnopqrstuvwxyz")) {
                firstLine.complete((System.nanoTime() - start) / 1e6);
              }
            });
    double first;
    try {
      first = firstLine.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      log.forEach(System.err::println);
      throw new IllegalStateException("no record on the command's standard output within 60 s", e);
    }
    Thread.sleep(WAIT_BEFORE_STOP_MILLIS);
    long signalled = System.nanoTime();
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the command did not exit within 60 s of SIG" + signal);
    }
    double stop = (System.nanoTime() - signalled) / 1e6;
    err.join();
    out.join();
    if (echoLog || process.exitValue() != 0) {
      System.out.println("  the command's log (ms after its start):");
      log.forEach(line -> System.out.println("    " + line));
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("the command exited with " + process.exitValue());
    }
    return new Run(new LinkedHashMap<>(phases), first, stop, process.exitValue(), signal);
  }

  /** JVM options (as SHARDLINE_JAVA_OPTS) and the source's first-call size of one variant. */
  record Variant(String label, String javaOptions, int maxRecords) {
    /** A label starting with {@code launcher}: through {@code ./shardline}, options in its env. */
    boolean launcher() {
      return label.startsWith("launcher");
    }

    @Override
    public String toString() {
      return label + ": \"" + javaOptions + "\", maxRecords " + maxRecords;
    }
  }

  /**
   * {@code SHARDLINE_JAVA_OPTS} and {@code maxRecords} as one variant, or the variants of {@code
   * COLD_VARIANTS}: {@code label|java options|maxRecords} separated by {@code ;}, e.g. {@code
   * plain||10000;cds|-XX:SharedArchiveFile=/tmp/a.jsa|10000} (an empty maxRecords: {@code
   * maxRecords}). A label that starts with {@code launcher} runs the command through the launcher
   * {@code ./shardline} (with its class-data archive, which it makes when missing) and passes the
   * options as {@code SHARDLINE_JAVA_OPTS}; the others run {@code java OPTIONS -jar shardline.jar}.
   */
  private static Map<String, Variant> variants(int maxRecords) {
    Map<String, Variant> variants = new LinkedHashMap<>();
    String spec = System.getenv("COLD_VARIANTS");
    if (spec == null || spec.isBlank()) {
      String opts = System.getenv().getOrDefault("SHARDLINE_JAVA_OPTS", "");
      variants.put("default", new Variant("default", opts, maxRecords));
      return variants;
    }
    for (String one : spec.split(";")) {
      String[] parts = one.split("\\|", -1);
      int max = parts.length > 2 && !parts[2].isBlank() ? Integer.parseInt(parts[2]) : maxRecords;
      variants.put(parts[0], new Variant(parts[0], parts.length > 1 ? parts[1] : "", max));
    }
    return variants;
  }

  /** Phase name -> a piece of the command's log line that marks it (at -v). */
  private static final Map<String, String> PHASES = new LinkedHashMap<>();

  static {
    PHASES.put("pipeline start", "Starting pipeline");
    PHASES.put("shards discovered", "shard(s) of stream");
    PHASES.put("final checkpoint", "final checkpoint");
  }

  private static String pipelineFile(
      KinesisEndpoint kinesalite, Path checkpoints, int maxRecords, boolean kinesisSink) {
    String sink =
        kinesisSink
            ? """
              sinks:
                - type: kinesis
                  stream: %s
                  awsRegion: {type: custom-endpoint, endpoint: "%s", id: us-east-1}
                  awsCredentials: {type: basic, accessKeyId: testkit, secretAccessKey: testkit}
                  clientConfigProperties: {cborEnabled: "false"}
                  format: string
                - type: stdout
              """
                .formatted(OUT_STREAM, kinesalite.endpoint())
            : """
              sinks:
                - type: stdout
              """;
    return """
        name: cold-start
        parallelism: 2
        checkpoint:
          directory: "%s"
        source:
          type: kinesis
          streams: [%s]
          awsRegion: {type: custom-endpoint, endpoint: "%s", id: us-east-1}
          awsCredentials: {type: basic, accessKeyId: testkit, secretAccessKey: testkit}
          clientConfigProperties: {cborEnabled: "false"}
          startupPosition: {type: earliest}
          reader.getRecords.maxRecords: %d
          format: string
        """
            .formatted(checkpoints, STREAM, kinesalite.endpoint(), maxRecords)
        + sink;
  }

  private static Thread drain(InputStream stream, Consumer<String> lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.accept(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void summary(String label, List<Run> runs) {
    System.out.printf(
        Locale.ROOT, "%s, %d cold runs (min / median / max ms):%n", label, runs.size());
    List<String> phaseNames = new ArrayList<>();
    runs.forEach(
        r ->
            r.phases()
                .keySet()
                .forEach(
                    p -> {
                      if (!phaseNames.contains(p)) {
                        phaseNames.add(p);
                      }
                    }));
    for (String phase : phaseNames) {
      if (phase.equals("final checkpoint")) {
        continue;
      }
      print(
          "  " + phase,
          runs.stream()
              .filter(r -> r.phases().containsKey(phase))
              .map(r -> r.phases().get(phase))
              .toList());
    }
    print("  first record", runs.stream().map(Run::firstRecord).toList());
    print("  signal -> exit", runs.stream().map(Run::stop).toList());
  }

  private static void print(String label, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    if (sorted.isEmpty()) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%-34s %6.0f / %6.0f / %6.0f%n",
        label,
        sorted.get(0),
        sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1));
  }

  // ------------------------------------------------------------------ the floor

  private static Map<String, Double> runBare(String client, URI endpoint, int maxRecords)
      throws Exception {
    Map<String, Double> phases = new LinkedHashMap<>();
    long start = System.nanoTime();
    BenchSupport.runChild(
        KinesisColdStartBench.class,
        List.of(),
        List.of("--bare", client, endpoint.toString(), Integer.toString(maxRecords)),
        line -> {
          // "  bare: <phase> at <uptime> ms" ; stamp the arrival from the parent's side
          if (line.startsWith("  bare ") && line.contains(": ")) {
            String phase = line.substring(line.indexOf(": ") + 2, line.lastIndexOf(" at "));
            phases.put(phase, (System.nanoTime() - start) / 1e6);
          }
        });
    return phases;
  }

  private static void bareSummary(String client, List<Map<String, Double>> runs) {
    System.out.printf(
        Locale.ROOT,
        "bare SDK program (%s client), %d fresh JVMs (min / median / max ms after the process"
            + " start):%n",
        client,
        runs.size());
    for (String phase : runs.get(0).keySet()) {
      print("  " + phase, runs.stream().map(r -> r.get(phase)).toList());
    }
  }

  /** In a fresh JVM: the fewest calls that reach a first record, each step's end printed. */
  private static void bare(String client, URI endpoint, int maxRecords) throws Exception {
    BenchSupport.jsonProtocol();
    KinesisEndpoint kinesalite = new BenchSupport.ParentEndpoint(endpoint);
    step(client, "main() reached");
    if (client.equals("sync")) {
      try (KinesisClient kinesis =
          KinesisClient.builder()
              .endpointOverride(endpoint)
              .region(kinesalite.region())
              .credentialsProvider(kinesalite.credentials())
              .build()) {
        step(client, "client built");
        List<Shard> shards = kinesis.listShards(b -> b.streamName(STREAM)).shards();
        step(client, "ListShards answered");
        String iterator =
            kinesis
                .getShardIterator(
                    b ->
                        b.streamName(STREAM)
                            .shardId(shards.get(0).shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        step(client, "GetShardIterator answered");
        GetRecordsResponse records =
            kinesis.getRecords(b -> b.shardIterator(iterator).limit(maxRecords));
        step(client, "first GetRecords answered");
        System.out.println("  (" + records.records().size() + " records)");
      }
    } else {
      KinesisAsyncClient kinesis = BenchSupport.asyncClient(kinesalite, http -> http);
      step(client, "client built");
      List<Shard> shards = kinesis.listShards(b -> b.streamName(STREAM)).join().shards();
      step(client, "ListShards answered");
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(STREAM)
                          .shardId(shards.get(0).shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .join()
              .shardIterator();
      step(client, "GetShardIterator answered");
      GetRecordsResponse records =
          kinesis.getRecords(b -> b.shardIterator(iterator).limit(maxRecords)).join();
      step(client, "first GetRecords answered");
      System.out.println("  (" + records.records().size() + " records)");
      kinesis.close();
    }
  }

  private static void step(String client, String phase) {
    System.out.printf(
        Locale.ROOT,
        "  bare %s: %s at %d ms%n",
        client,
        phase,
        ManagementFactory.getRuntimeMXBean().getUptime());
  }
}
