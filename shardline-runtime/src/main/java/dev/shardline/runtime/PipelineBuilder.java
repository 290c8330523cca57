package dev.shardline.runtime;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;
import static dev.shardline.util.Preconditions.checkPositive;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.Sink;
import dev.shardline.api.Source;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.runtime.internal.PipelineSpec;
import dev.shardline.runtime.internal.RecordOp;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings of a {@link Pipeline}, from {@link Flow#to}. Not thread-safe; {@link #build()}
 * returns an independent pipeline each time.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #name}</td><td>{@value #DEFAULT_NAME}</td></tr>
 *   <tr><td>{@link #parallelism}</td><td>1</td></tr>
 *   <tr><td>{@link #checkpointInterval}</td><td>10 s</td></tr>
 *   <tr><td>{@link #checkpointDirectory}</td><td>{@code checkpoints/<name>} under the working
 *       directory</td></tr>
 *   <tr><td>{@link #retainedCheckpoints}</td><td>3</td></tr>
 *   <tr><td>{@link #restartPolicy}</td><td>{@link RestartPolicy#DEFAULT} (3 restarts, 1 s doubling
 *       to 30 s)</td></tr>
 *   <tr><td>{@link #metrics}</td><td>a new {@link SimpleMeterRegistry}</td></tr>
 *   <tr><td>{@link #time}</td><td>{@link Time#SYSTEM}</td></tr>
 *   <tr><td>{@link #stopOnJvmShutdown}</td><td>false</td></tr>
 *   <tr><td>{@link #deadLetterTo}</td><td>none: {@code DeadLetterOutput.isConfigured()} is
 *       false</td></tr>
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
 * }</pre>
 *
 * @param <T> the records reaching the sinks
 */
public final class PipelineBuilder<T> {
  /** The pipeline name unless {@link #name} is called. */
  public static final String DEFAULT_NAME = "pipeline";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private final Source<?, ?, ?> source;
  private final List<RecordOp> ops;
  private final List<Sink<?>> sinks = new ArrayList<>();
  private Sink<DeadLetter> deadLetterSink;
  private String name = DEFAULT_NAME;
  private int parallelism = 1;
  private Duration checkpointInterval = Duration.ofSeconds(10);
  private Path checkpointDirectory;
  private int retainedCheckpoints = DirectoryCheckpointStore.DEFAULT_RETAINED;
  private CheckpointStore checkpointStore;
  private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;
  private MeterRegistry metrics;
  private Time time = Time.SYSTEM;
  private boolean stopOnJvmShutdown;

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
   * The pipeline's name: letters, digits, {@code .}, {@code _}, {@code -}, up to 100 characters.
   * Keep it stable across restarts: sinks build durable names from it (part files, transactional
   * ids), and it tags every metric. Default {@value #DEFAULT_NAME}.
   */
  public PipelineBuilder<T> name(String name) {
    checkNotNull(name, "name");
    checkArgument(
        NAME.matcher(name).matches(),
        "name must be 1 to 100 letters, digits, '.', '_' or '-' (starting with a letter or digit),"
            + " was '"
            + name
            + "'");
    this.name = name;
    return this;
  }

  /** How many worker threads (each with one reader and one writer per sink). Default 1. */
  public PipelineBuilder<T> parallelism(int parallelism) {
    checkArgument(parallelism >= 1, "parallelism must be 1 or more, was " + parallelism);
    this.parallelism = parallelism;
    return this;
  }

  /**
   * How often a checkpoint is taken (one more is taken at a graceful stop and at the end of a
   * bounded source). Shorter means less to replay after a crash and, with transactional sinks,
   * output visible sooner. Default 10 s.
   */
  public PipelineBuilder<T> checkpointInterval(Duration interval) {
    this.checkpointInterval = checkPositive(interval, "checkpointInterval");
    return this;
  }

  /**
   * The directory for checkpoint files; see {@link DirectoryCheckpointStore}. One pipeline per
   * directory. Default {@code checkpoints/<name>} under the working directory.
   */
  public PipelineBuilder<T> checkpointDirectory(Path directory) {
    this.checkpointDirectory = checkNotNull(directory, "directory");
    return this;
  }

  /** How many checkpoint files the directory keeps. Default 3. */
  public PipelineBuilder<T> retainedCheckpoints(int retained) {
    checkArgument(retained >= 1, "retainedCheckpoints must be 1 or more, was " + retained);
    this.retainedCheckpoints = retained;
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

  /** What happens when something fails. Default {@link RestartPolicy#DEFAULT}. */
  public PipelineBuilder<T> restartPolicy(RestartPolicy policy) {
    this.restartPolicy = checkNotNull(policy, "policy");
    return this;
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

  /** A pipeline with these settings, not yet started. */
  public Pipeline build() {
    checkArgument(!sinks.isEmpty(), "a pipeline needs at least one sink");
    Path directory =
        checkpointDirectory != null ? checkpointDirectory : Path.of("checkpoints", name);
    return new Pipeline(
        new PipelineSpec(
            source,
            ops,
            List.copyOf(sinks),
            deadLetterSink,
            name,
            parallelism,
            checkpointInterval,
            directory,
            retainedCheckpoints,
            checkpointStore,
            restartPolicy,
            metrics != null ? metrics : new SimpleMeterRegistry(),
            time,
            stopOnJvmShutdown));
  }
}
