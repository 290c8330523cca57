package dev.shardline.runtime;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.Sink;
import dev.shardline.api.Source;
import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.runtime.internal.PipelineSpec;
import dev.shardline.runtime.internal.RecordOp;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a {@link Pipeline}, from {@link Flow#to}. The settings a YAML pipeline file can
 * hold are the options declared in {@link PipelineOptions}: the fluent methods here set those
 * options' values, and {@link #configure(Configuration)} sets them from a parsed YAML section, so
 * both pass the same rules and share the same defaults. Each value is checked when it is set (a bad
 * one fails with a {@link ConfigException} naming the key, the value and the fix); the rules across
 * values are checked by {@link #build()}. The objects a file cannot hold (sinks, the dead-letter
 * sink, a checkpoint store, a meter registry, a clock) have methods of their own. Not thread-safe;
 * {@link #build()} returns an independent pipeline each time.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>option</th><th>default</th></tr>
 *   <tr><td>{@link #name}</td><td>{@code name}</td><td>{@value #DEFAULT_NAME}</td></tr>
 *   <tr><td>{@link #parallelism}</td><td>{@code parallelism}</td><td>1</td></tr>
 *   <tr><td>{@link #checkpointInterval}</td><td>{@code checkpoint.interval}</td><td>10 s</td></tr>
 *   <tr><td>{@link #checkpointDirectory}</td><td>{@code checkpoint.directory}</td><td>{@code
 *       checkpoints/<name>} under the working directory</td></tr>
 *   <tr><td>{@link #retainedCheckpoints}</td><td>{@code checkpoint.retained}</td><td>3</td></tr>
 *   <tr><td>{@link #checkpointTimeout}</td><td>{@code checkpoint.timeout}</td><td>10 min</td></tr>
 *   <tr><td>{@link #tolerableCheckpointFailures}</td><td>{@code
 *       checkpoint.tolerableFailures}</td><td>0</td></tr>
 *   <tr><td>{@link #restartPolicy}</td><td>{@code restart.*}</td><td>{@link RestartPolicy#DEFAULT}
 *       (3 restarts, 1 s doubling to 30 s)</td></tr>
 *   <tr><td>{@link #metrics}</td><td></td><td>a new {@link SimpleMeterRegistry}</td></tr>
 *   <tr><td>{@link #time}</td><td></td><td>{@link Time#SYSTEM}</td></tr>
 *   <tr><td>{@link #stopOnJvmShutdown}</td><td></td><td>false</td></tr>
 *   <tr><td>{@link #statusServer}</td><td></td><td>none: no status page</td></tr>
 *   <tr><td>{@link #deadLetterTo}</td><td></td><td>none: {@code DeadLetterOutput.isConfigured()}
 *       is false</td></tr>
 * </table>
 *
 * <pre>{@code
 * Pipeline pipeline = Pipeline.from(source)
 *     .to(FileSink.jsonLines(Path.of("out")).build())
 *     .name("orders-archive")
 *     .parallelism(4)
 *     .checkpointInterval(Duration.ofSeconds(5))
 *     .checkpointDirectory(Path.of("/var/lib/shardline/orders-archive"))
 *     .build();
 *
 * // the same settings from a parsed YAML section
 * Pipeline fromYaml = Pipeline.from(source)
 *     .to(FileSink.jsonLines(Path.of("out")).build())
 *     .configure(Configuration.fromMap(Map.of(
 *         "name", "orders-archive",
 *         "parallelism", 4,
 *         "checkpoint", Map.of("interval", "5s", "directory", "/var/lib/shardline/orders-archive"))))
 *     .build();
 * }</pre>
 *
 * @param <T> the records reaching the sinks
 */
public final class PipelineBuilder<T> {
  /** The pipeline name unless {@link #name} is called. */
  public static final String DEFAULT_NAME = "pipeline";

  private final Source<?, ?, ?> source;
  private final List<RecordOp> ops;
  private final List<Sink<?>> sinks = new ArrayList<>();
  // the values of PipelineOptions; what is not set reads as the option's default
  private final Configuration.Builder options = Configuration.builder();
  private Sink<DeadLetter> deadLetterSink;
  private CheckpointStore checkpointStore;
  private MeterRegistry metrics;
  private Time time = Time.SYSTEM;
  private boolean stopOnJvmShutdown;
  private InetSocketAddress statusServer;

  PipelineBuilder(Source<?, ?, ?> source, List<RecordOp> ops) {
    this.source = source;
    this.ops = List.copyOf(ops);
  }

  /** Sends every record to {@code sink} as well (each sink gets every record). */
  public PipelineBuilder<T> to(Sink<? super T> sink) {
    sinks.add(checkNotNull(sink, "sink"));
    return this;
  }

  /**
   * Where readers and writers send records they cannot process when their bad-data policy is {@code
   * dead-letter} ({@link dev.shardline.api.DeadLetterOutput}). Flushed and checkpointed with the
   * other sinks.
   */
  public PipelineBuilder<T> deadLetterTo(Sink<DeadLetter> sink) {
    this.deadLetterSink = checkNotNull(sink, "sink");
    return this;
  }

  /**
   * The pipeline's name (option {@code name}): letters, digits, {@code .}, {@code _}, {@code -}, up
   * to 100 characters. Keep it stable across restarts: sinks build durable names from it (part
   * files, transactional ids), and it tags every metric. Default {@value #DEFAULT_NAME}.
   *
   * @throws ConfigException when the name breaks the rule
   */
  public PipelineBuilder<T> name(String name) {
    options.set(PipelineOptions.NAME, checkNotNull(name, "name"));
    return this;
  }

  /**
   * How many worker threads (each with one reader and one writer per sink); option {@code
   * parallelism}. Default 1.
   *
   * @throws ConfigException when {@code parallelism} is below 1
   */
  public PipelineBuilder<T> parallelism(int parallelism) {
    options.set(PipelineOptions.PARALLELISM, parallelism);
    return this;
  }

  /**
   * How often a checkpoint is taken (one more is taken at a graceful stop and at the end of a
   * bounded source); option {@code checkpoint.interval}. Shorter means less to replay after a crash
   * and, with transactional sinks, output visible sooner. Default 10 s.
   *
   * @throws ConfigException when {@code interval} is not longer than zero
   */
  public PipelineBuilder<T> checkpointInterval(Duration interval) {
    options.set(PipelineOptions.CHECKPOINT_INTERVAL, checkNotNull(interval, "interval"));
    return this;
  }

  /**
   * The directory for checkpoint files (option {@code checkpoint.directory}); see {@link
   * DirectoryCheckpointStore}. One pipeline per directory. Default {@code checkpoints/<name>} under
   * the working directory.
   */
  public PipelineBuilder<T> checkpointDirectory(Path directory) {
    options.set(PipelineOptions.CHECKPOINT_DIRECTORY, checkNotNull(directory, "directory"));
    return this;
  }

  /**
   * How many checkpoint files the directory keeps; option {@code checkpoint.retained}. Default 3.
   *
   * @throws ConfigException when {@code retained} is below 1
   */
  public PipelineBuilder<T> retainedCheckpoints(int retained) {
    options.set(PipelineOptions.CHECKPOINT_RETAINED, retained);
    return this;
  }

  /**
   * How long a checkpoint may take from its start until every worker has answered (flushed its
   * writers, snapshotted its reader); option {@code checkpoint.timeout}. One that takes longer (a
   * sink's flush waiting on a server it cannot reach, a worker stuck in a slow function or read) is
   * aborted: not stored, nothing committed for it, logged at WARN and counted in {@code
   * shardline.pipeline.checkpoints.failed}; {@link #tolerableCheckpointFailures} says how many in a
   * row the run survives. Measured with the pipeline's {@link #time clock}. Default 10 min.
   *
   * @throws ConfigException when {@code timeout} is not longer than zero
   */
  public PipelineBuilder<T> checkpointTimeout(Duration timeout) {
    options.set(PipelineOptions.CHECKPOINT_TIMEOUT, checkNotNull(timeout, "timeout"));
    return this;
  }

  /**
   * How many checkpoints in a row may fail (time out, or not be stored) and be skipped before the
   * run fails and restarts from the last complete checkpoint as the {@link #restartPolicy} allows;
   * option {@code checkpoint.tolerableFailures}. A completed checkpoint resets the count. During a
   * graceful stop or at the end of input none is tolerated. Default 0: the first failure fails the
   * run.
   *
   * @throws ConfigException when {@code failures} is below 0
   */
  public PipelineBuilder<T> tolerableCheckpointFailures(int failures) {
    options.set(PipelineOptions.CHECKPOINT_TOLERABLE_FAILURES, failures);
    return this;
  }

  /**
   * A checkpoint store to use instead of a directory (then {@link #checkpointDirectory} and {@link
   * #retainedCheckpoints} are ignored). The pipeline closes it when it ends.
   */
  public PipelineBuilder<T> checkpointStore(CheckpointStore store) {
    this.checkpointStore = checkNotNull(store, "store");
    return this;
  }

  /**
   * What happens when something fails; options {@code restart.maxRestarts} and {@code
   * restart.backoff.*}. Default {@link RestartPolicy#DEFAULT}.
   */
  public PipelineBuilder<T> restartPolicy(RestartPolicy policy) {
    PipelineOptions.setRestartPolicy(options, checkNotNull(policy, "policy"));
    return this;
  }

  /**
   * Sets every {@link PipelineOptions} option that {@code config} holds, as a parsed YAML section
   * gives them (nested or dotted keys, values as text or numbers); the others keep their values.
   * {@code config} is checked as a whole first: unknown keys (with the closest declared key when
   * one is close), bad values, and the rules across values.
   *
   * <pre>{@code
   * builder.configure(Configuration.fromMap(Map.of(
   *     "parallelism", 4,
   *     "checkpoint", Map.of("interval", "5s"),
   *     "restart", Map.of("maxRestarts", 0))));
   * }</pre>
   *
   * @throws ConfigException naming the key, the value and the fix
   */
  public PipelineBuilder<T> configure(Configuration config) {
    Configuration valid = PipelineOptions.OPTIONS.validate(checkNotNull(config, "config"));
    for (ConfigOption<?> option : PipelineOptions.OPTIONS.options()) {
      copy(option, valid);
    }
    return this;
  }

  private <V> void copy(ConfigOption<V> option, Configuration from) {
    if (from.contains(option)) {
      options.set(option, from.get(option));
    }
  }

  /** Where the pipeline's and its connectors' metrics go. Default a new SimpleMeterRegistry. */
  public PipelineBuilder<T> metrics(MeterRegistry registry) {
    this.metrics = checkNotNull(registry, "registry");
    return this;
  }

  /** The clock handed to connectors and used for measurements. Default {@link Time#SYSTEM}. */
  public PipelineBuilder<T> time(Time time) {
    this.time = checkNotNull(time, "time");
    return this;
  }

  /**
   * Whether a JVM shutdown (SIGTERM, SIGINT, {@code System.exit}) stops the pipeline gracefully: a
   * final checkpoint, then a clean exit; the JVM waits for it. Turn it on when the pipeline is the
   * program. Default false.
   */
  public PipelineBuilder<T> stopOnJvmShutdown(boolean stop) {
    this.stopOnJvmShutdown = stop;
    return this;
  }

  /**
   * Serves the pipeline's status page ({@code /}) and its JSON ({@code /api/status}) on {@code
   * host:port} while it runs: records in and out per second, each split's lag and throughput,
   * checkpoints, restarts, health ({@link dev.shardline.runtime.status.StatusServer}). Port 0: any
   * free port ({@link Pipeline#statusUrl()} tells which). Default: off. Use 127.0.0.1 unless the
   * page must be reachable from other machines: it has no authentication.
   */
  public PipelineBuilder<T> statusServer(String host, int port) {
    checkNotNull(host, "host");
    checkArgument(
        port >= 0 && port <= 65535,
        "statusServer port " + port + " is outside 0 to 65535; give 0 for any free port");
    this.statusServer = new InetSocketAddress(host, port);
    return this;
  }

  /**
   * A pipeline with these settings, not yet started.
   *
   * @throws IllegalArgumentException when there is no sink
   * @throws ConfigException when the settings break a rule across values (e.g. {@code
   *     restart.backoff.max} below {@code restart.backoff.initial})
   */
  public Pipeline build() {
    checkArgument(!sinks.isEmpty(), "a pipeline needs at least one sink");
    Configuration config = PipelineOptions.OPTIONS.validate(options.build());
    return new Pipeline(
        new PipelineSpec(
            source,
            ops,
            List.copyOf(sinks),
            deadLetterSink,
            config.get(PipelineOptions.NAME),
            config.get(PipelineOptions.PARALLELISM),
            config.get(PipelineOptions.CHECKPOINT_INTERVAL),
            config.get(PipelineOptions.CHECKPOINT_TIMEOUT),
            config.get(PipelineOptions.CHECKPOINT_TOLERABLE_FAILURES),
            PipelineOptions.checkpointDirectory(config),
            config.get(PipelineOptions.CHECKPOINT_RETAINED),
            checkpointStore,
            PipelineOptions.restartPolicy(config),
            metrics != null ? metrics : new SimpleMeterRegistry(),
            time,
            stopOnJvmShutdown),
        statusServer);
  }
}
