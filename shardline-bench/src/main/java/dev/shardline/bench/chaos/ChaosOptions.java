package dev.shardline.bench.chaos;

import dev.shardline.config.internal.DurationFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a chaos run does and for how long: every option of {@code run-chaos.sh}, with its default.
 * Immutable; the {@code with*} methods return changed copies.
 *
 * @param duration how long the chaos phase lasts (writing, kills, resharding, broker restarts)
 * @param seed the seed of every random choice (kill moments, parallelisms, resharding operations,
 *     faults); the same seed makes the same choices, though not at the same instants of the
 *     pipelines' progress
 * @param writeRate records per second the writer puts into the stream
 * @param keys how many partition keys the records spread over
 * @param recordBytes the length of each record (key, counter and padding)
 * @param shards open shards of the stream at the start
 * @param minShards fewest open shards resharding goes down to
 * @param maxShards most open shards resharding goes up to
 * @param maxParallelism each run's parallelism is drawn from 1 to this, never the previous run's
 * @param killAfterMin the shortest time a run lives before its kill -9
 * @param killAfterMax the longest time a run lives before its kill -9
 * @param reshardEveryMin the shortest time between two resharding operations
 * @param reshardEveryMax the longest time between two resharding operations
 * @param brokerRestarts how many times the Kafka broker goes down (alternately stopped and killed)
 *     and comes back, at random moments between 20% and 80% of the duration
 * @param brokerDowntime how long the broker stays down each time
 * @param faults whether the quota proxy injects a GetRecords fault (500, 503, expired iterator,
 *     dropped connection) now and then
 * @param checkpointInterval the pipelines' {@code checkpoint.interval}
 * @param drainTimeout after the chaos, how long the final runs may take to deliver every record
 * @param pipelines which pipelines run: "kafka", "file" or both
 * @param kafkaDelivery the Kafka sink's deliveryGuarantee: exactly-once; at-least-once only to see
 *     the checks catch duplicates
 * @param directory where pipeline files, checkpoints, part files and logs go; a new temp directory
 *     when empty
 * @param jar the shardline command's jar
 * @param pipelineJavaOptions JVM options of each pipeline run
 */
public record ChaosOptions(
    Duration duration,
    long seed,
    int writeRate,
    int keys,
    int recordBytes,
    int shards,
    int minShards,
    int maxShards,
    int maxParallelism,
    Duration killAfterMin,
    Duration killAfterMax,
    Duration reshardEveryMin,
    Duration reshardEveryMax,
    int brokerRestarts,
    Duration brokerDowntime,
    boolean faults,
    Duration checkpointInterval,
    Duration drainTimeout,
    List<String> pipelines,
    String kafkaDelivery,
    Optional<Path> directory,
    Path jar,
    List<String> pipelineJavaOptions) {

  /** The jar the reactor builds: {@code shardline-cli/target/shardline.jar}. */
  public static final Path DEFAULT_JAR = Path.of("shardline-cli", "target", "shardline.jar");

  /** A pipeline run's JVM: small, serial GC, C1 only (runs are short; the machine is shared). */
  public static final List<String> DEFAULT_PIPELINE_JAVA_OPTIONS =
      List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  public ChaosOptions {
    Objects.requireNonNull(duration, "duration");
    pipelines = List.copyOf(pipelines);
    pipelineJavaOptions = List.copyOf(pipelineJavaOptions);
    require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
    require(writeRate >= 1, "--write-rate must be at least 1");
    require(keys >= 1 && keys <= 500, "--keys must be from 1 to 500");
    require(recordBytes >= 16 && recordBytes <= 100_000, "--record-bytes must be 16 to 100000");
    require(minShards >= 1, "--min-shards must be at least 1");
    require(
        minShards <= shards && shards <= maxShards,
        "--shards must be from --min-shards to --max-shards");
    require(maxShards > minShards, "--max-shards must be above --min-shards (or nothing reshards)");
    require(maxParallelism >= 2, "--max-parallelism must be at least 2 (it changes every run)");
    require(
        killAfterMin.compareTo(killAfterMax) <= 0 && !killAfterMin.isNegative(),
        "--kill-after-min must be from 0 to --kill-after-max");
    require(
        reshardEveryMin.compareTo(reshardEveryMax) <= 0 && !reshardEveryMin.isZero(),
        "--reshard-every-min must be positive and at most --reshard-every-max");
    require(brokerRestarts >= 0, "--broker-restarts must be at least 0");
    require(!pipelines.isEmpty(), "--pipelines must name kafka, file or both");
    require(
        kafkaDelivery.equals("exactly-once") || kafkaDelivery.equals("at-least-once"),
        "--kafka-delivery takes exactly-once or at-least-once");
    for (String pipeline : pipelines) {
      require(
          pipeline.equals("kafka") || pipeline.equals("file"),
          "--pipelines takes kafka and file, not " + pipeline);
    }
  }

  /** Every default: 10 minutes, a seed from the clock, 200 records/s over 100 keys, ... */
  public static ChaosOptions defaults() {
    return new ChaosOptions(
        Duration.ofMinutes(10),
        System.nanoTime(),
        200,
        100,
        100,
        4,
        2,
        8,
        4,
        Duration.ofSeconds(5),
        Duration.ofSeconds(40),
        Duration.ofSeconds(15),
        Duration.ofSeconds(40),
        2,
        Duration.ofSeconds(5),
        true,
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        List.of("kafka", "file"),
        "exactly-once",
        Optional.empty(),
        DEFAULT_JAR,
        DEFAULT_PIPELINE_JAVA_OPTIONS);
  }

  /**
   * The 1-minute form the test suite runs: the defaults with 1 minute of chaos, kills every 5 to 20
   * s, a reshard every 8 to 15 s (so each of split, merge and UpdateShardCount happens), one broker
   * restart, and a drain of up to 5 minutes (a loaded CI machine is slow to catch up).
   */
  public static ChaosOptions oneMinute(long seed, Path jar, Path directory) {
    ChaosOptions d = defaults();
    return new ChaosOptions(
        Duration.ofMinutes(1),
        seed,
        d.writeRate,
        d.keys,
        d.recordBytes,
        d.shards,
        d.minShards,
        d.maxShards,
        d.maxParallelism,
        Duration.ofSeconds(5),
        Duration.ofSeconds(20),
        Duration.ofSeconds(8),
        Duration.ofSeconds(15),
        1,
        d.brokerDowntime,
        d.faults,
        d.checkpointInterval,
        Duration.ofMinutes(5),
        d.pipelines,
        d.kafkaDelivery,
        Optional.of(directory),
        jar,
        d.pipelineJavaOptions);
  }

  /** The usage text of {@code run-chaos.sh}. */
  public static String usage() {
    ChaosOptions d = defaults();
    return String.join(
        "\n",
        "usage: run-chaos.sh [options]",
        "  --duration D            chaos phase length (default " + text(d.duration) + ")",
        "  --seed N                seed of every random choice (default: from the clock, printed)",
        "  --write-rate N          records/s written into the stream (default " + d.writeRate + ")",
        "  --keys N                partition keys (default " + d.keys + ")",
        "  --record-bytes N        bytes per record (default " + d.recordBytes + ")",
        "  --shards N              open shards at the start (default " + d.shards + ")",
        "  --min-shards N          fewest open shards (default " + d.minShards + ")",
        "  --max-shards N          most open shards (default " + d.maxShards + ")",
        "  --max-parallelism N     runs use 1..N, never the previous run's (default "
            + d.maxParallelism
            + ")",
        "  --kill-after MIN..MAX   a run is killed -9 after a random time in this range (default "
            + text(d.killAfterMin)
            + ".."
            + text(d.killAfterMax)
            + ")",
        "  --reshard-every MIN..MAX  time between resharding operations (default "
            + text(d.reshardEveryMin)
            + ".."
            + text(d.reshardEveryMax)
            + ")",
        "  --broker-restarts N     Kafka broker restarts (default " + d.brokerRestarts + ")",
        "  --broker-downtime D     how long the broker stays down (default "
            + text(d.brokerDowntime)
            + ")",
        "  --faults on|off         GetRecords faults from the quota proxy (default on)",
        "  --checkpoint-interval D the pipelines' checkpoint interval (default "
            + text(d.checkpointInterval)
            + ")",
        "  --drain-timeout D       time the final runs get to deliver everything (default "
            + text(d.drainTimeout)
            + ")",
        "  --pipelines LIST        kafka,file (default), kafka or file",
        "  --kafka-delivery G      the Kafka sink's guarantee: exactly-once (default); at-least-once",
        "                          shows the checks catch duplicates (the run must then FAIL)",
        "  --dir DIR               work directory (default: a new temp directory; kept)",
        "  --jar PATH              the shardline jar (default " + d.jar + ")",
        "  --pipeline-java-opts S  JVM options of each run (default \""
            + String.join(" ", d.pipelineJavaOptions)
            + "\")",
        "Durations: 90s, 10m, 500ms.");
  }

  /**
   * Parses {@code run-chaos.sh}'s arguments over the defaults.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  public static ChaosOptions parse(String... args) {
    ChaosOptions d = defaults();
    Duration duration = d.duration;
    long seed = d.seed;
    int writeRate = d.writeRate;
    int keys = d.keys;
    int recordBytes = d.recordBytes;
    int shards = d.shards;
    int minShards = d.minShards;
    int maxShards = d.maxShards;
    int maxParallelism = d.maxParallelism;
    Duration killMin = d.killAfterMin;
    Duration killMax = d.killAfterMax;
    Duration reshardMin = d.reshardEveryMin;
    Duration reshardMax = d.reshardEveryMax;
    int brokerRestarts = d.brokerRestarts;
    Duration brokerDowntime = d.brokerDowntime;
    boolean faults = d.faults;
    Duration checkpointInterval = d.checkpointInterval;
    Duration drainTimeout = d.drainTimeout;
    List<String> pipelines = d.pipelines;
    String kafkaDelivery = d.kafkaDelivery;
    Optional<Path> directory = d.directory;
    Path jar = d.jar;
    List<String> javaOptions = d.pipelineJavaOptions;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("-h") || option.equals("--help")) {
        throw new IllegalArgumentException(usage());
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value\n" + usage());
      }
      String value = args[++i];
      switch (option) {
        case "--duration" -> duration = duration(option, value);
        case "--seed" -> seed = number(option, value);
        case "--write-rate" -> writeRate = (int) number(option, value);
        case "--keys" -> keys = (int) number(option, value);
        case "--record-bytes" -> recordBytes = (int) number(option, value);
        case "--shards" -> shards = (int) number(option, value);
        case "--min-shards" -> minShards = (int) number(option, value);
        case "--max-shards" -> maxShards = (int) number(option, value);
        case "--max-parallelism" -> maxParallelism = (int) number(option, value);
        case "--kill-after" -> {
          Duration[] range = range(option, value);
          killMin = range[0];
          killMax = range[1];
        }
        case "--reshard-every" -> {
          Duration[] range = range(option, value);
          reshardMin = range[0];
          reshardMax = range[1];
        }
        case "--broker-restarts" -> brokerRestarts = (int) number(option, value);
        case "--broker-downtime" -> brokerDowntime = duration(option, value);
        case "--faults" -> faults = onOff(option, value);
        case "--checkpoint-interval" -> checkpointInterval = duration(option, value);
        case "--drain-timeout" -> drainTimeout = duration(option, value);
        case "--pipelines" -> pipelines = List.of(value.split(","));
        case "--kafka-delivery" -> kafkaDelivery = value;
        case "--dir" -> directory = Optional.of(Path.of(value));
        case "--jar" -> jar = Path.of(value);
        case "--pipeline-java-opts" ->
            javaOptions =
                value.isBlank()
                    ? List.of()
                    : new ArrayList<>(Arrays.asList(value.trim().split("\\s+")));
        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + usage());
      }
    }
    return new ChaosOptions(
        duration,
        seed,
        writeRate,
        keys,
        recordBytes,
        shards,
        minShards,
        maxShards,
        maxParallelism,
        killMin,
        killMax,
        reshardMin,
        reshardMax,
        brokerRestarts,
        brokerDowntime,
        faults,
        checkpointInterval,
        drainTimeout,
        pipelines,
        kafkaDelivery,
        directory,
        jar,
        javaOptions);
  }

  /** The options as one line, for the report: what to pass to replay the run's choices. */
  public String commandLine() {
    return String.join(
        " ",
        "--duration",
        text(duration),
        "--seed",
        Long.toString(seed),
        "--write-rate",
        Integer.toString(writeRate),
        "--keys",
        Integer.toString(keys),
        "--record-bytes",
        Integer.toString(recordBytes),
        "--shards",
        Integer.toString(shards),
        "--min-shards",
        Integer.toString(minShards),
        "--max-shards",
        Integer.toString(maxShards),
        "--max-parallelism",
        Integer.toString(maxParallelism),
        "--kill-after",
        text(killAfterMin) + ".." + text(killAfterMax),
        "--reshard-every",
        text(reshardEveryMin) + ".." + text(reshardEveryMax),
        "--broker-restarts",
        Integer.toString(brokerRestarts),
        "--broker-downtime",
        text(brokerDowntime),
        "--faults",
        faults ? "on" : "off",
        "--checkpoint-interval",
        text(checkpointInterval),
        "--pipelines",
        String.join(",", pipelines),
        "--kafka-delivery",
        kafkaDelivery);
  }

  /** A duration as the options write it: 10m, 90s, 500ms. */
  static String text(Duration duration) {
    return DurationFormat.format(duration);
  }

  private static Duration duration(String option, String value) {
    try {
      return DurationFormat.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + value + ": " + e.getMessage());
    }
  }

  private static Duration[] range(String option, String value) {
    int dots = value.indexOf("..");
    if (dots < 0) {
      throw new IllegalArgumentException(option + " takes MIN..MAX, e.g. 5s..40s, not " + value);
    }
    return new Duration[] {
      duration(option, value.substring(0, dots)), duration(option, value.substring(dots + 2))
    };
  }

  private static long number(String option, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a whole number, not " + value);
    }
  }

  private static boolean onOff(String option, String value) {
    return switch (value) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new IllegalArgumentException(option + " takes on or off, not " + value);
    };
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
