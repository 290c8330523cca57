package dev.shardline.runtime;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.PathType;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The pipeline-level settings: what a YAML pipeline file holds besides its source and sinks, and
 * what the fluent methods of {@link PipelineBuilder} set. Declared once here; {@link
 * PipelineBuilder#configure(Configuration)} reads them from a parsed YAML section, and the
 * reference table in the module README is generated from them. Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * name: orders-archive
 * parallelism: 4
 * checkpoint:
 *   interval: 5s
 *   directory: /var/lib/shardline/orders-archive
 *   timeout: 10m
 *   tolerableFailures: 0
 * restart:
 *   maxRestarts: 5
 *   backoff: {initial: 1s, multiplier: 2, max: 1m, jitter: 0.2}
 * }</pre>
 *
 * <p>Defaults: {@code name: pipeline}, {@code parallelism: 1}, {@code checkpoint.interval: 10s},
 * {@code checkpoint.directory}: {@code checkpoints/<name>} under the working directory (derived
 * from the name, so it has no fixed default), {@code checkpoint.retained: 3}, {@code
 * checkpoint.timeout: 10m}, {@code checkpoint.tolerableFailures: 0}, {@code restart.maxRestarts:
 * 3}, {@code restart.backoff}: 1s doubling up to 30s, jitter 0.2 (that is {@link
 * RestartPolicy#DEFAULT}).
 */
public final class PipelineOptions {
  private PipelineOptions() {}

  private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  public static final ConfigOption<String> NAME =
      ConfigOptions.key("name")
          .stringType()
          .defaultValue(PipelineBuilder.DEFAULT_NAME)
          .withValidator(
              Validator.of(
                  "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or"
                      + " digit",
                  name -> NAME_PATTERN.matcher(name).matches()))
          .withDescription(
              "The pipeline's name. Keep it stable across restarts: sinks build durable names"
                  + " from it (part files, transactional ids), the default checkpoint directory"
                  + " is named after it, and it tags every metric.");

  public static final ConfigOption<Integer> PARALLELISM =
      ConfigOptions.key("parallelism")
          .intType()
          .defaultValue(1)
          .withValidator(Validators.atLeast(1))
          .withDescription(
              "How many worker threads; each has one source reader and one writer per sink.");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("checkpoint.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "Time between checkpoints (fixed delay). One more is taken at a graceful stop and"
                  + " at the end of a bounded source. Shorter means less to replay after a crash"
                  + " and, with transactional sinks, output visible sooner.");

  public static final ConfigOption<Path> CHECKPOINT_DIRECTORY =
      ConfigOptions.key("checkpoint.directory")
          .pathType(PathType.Use.WRITES_DIRECTORY)
          .noDefaultValue()
          .withDescription(
              "Where the checkpoint files go; one pipeline per directory (it is locked). When"
                  + " not set: checkpoints/{name} under the working directory, {name} being the"
                  + " pipeline's name.");

  public static final ConfigOption<Integer> CHECKPOINT_RETAINED =
      ConfigOptions.key("checkpoint.retained")
          .intType()
          .defaultValue(DirectoryCheckpointStore.DEFAULT_RETAINED)
          .withValidator(Validators.atLeast(1))
          .withDescription("How many checkpoint files the directory keeps.");

  /** The default of {@link #CHECKPOINT_TIMEOUT}: 10 minutes, as Flink's. */
  public static final Duration DEFAULT_CHECKPOINT_TIMEOUT = Duration.ofMinutes(10);

  public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT =
      ConfigOptions.key("checkpoint.timeout")
          .durationType()
          .defaultValue(DEFAULT_CHECKPOINT_TIMEOUT)
          .withValidator(
              Validator.of(
                  "must be greater than 0ms; for checkpoints that may take long, set a long one"
                      + " such as 1h (there is no \"never\")",
                  timeout -> timeout.compareTo(Duration.ZERO) > 0))
          .withDescription(
              "How long a checkpoint may take from its start until every worker has answered"
                  + " (flushed its writers, snapshotted its reader). One that takes longer (a"
                  + " sink's flush waiting on a server it cannot reach, a worker stuck in a slow"
                  + " function or read) is aborted: it is not stored, nothing is committed for it"
                  + " (a transactional sink's output of it is committed with the next checkpoint"
                  + " that completes), and it counts against checkpoint.tolerableFailures."
                  + " Measured with the pipeline's clock.");

  public static final ConfigOption<Integer> CHECKPOINT_TOLERABLE_FAILURES =
      ConfigOptions.key("checkpoint.tolerableFailures")
          .intType()
          .defaultValue(0)
          .withValidator(Validators.atLeast(0))
          .withDescription(
              "How many checkpoints in a row may fail (time out, or not be stored because the"
                  + " store failed) and be skipped; the next failure fails the run, which restarts"
                  + " from the last complete checkpoint as the restart policy allows. A completed"
                  + " checkpoint resets the count. 0 fails at the first. During a graceful stop or"
                  + " at the end of input no failure is tolerated.");

  public static final ConfigOption<Integer> RESTART_MAX_RESTARTS =
      ConfigOptions.key("restart.maxRestarts")
          .intType()
          .defaultValue(RestartPolicy.DEFAULT.maxRestarts())
          .withValidator(Validators.atLeast(0))
          .withDescription(
              "How many restarts in a row are tried after a failure, each from the last"
                  + " checkpoint; a run that makes progress (completes a checkpoint after reading"
                  + " a record or assigning a split) resets the count. Errors no restart can fix"
                  + " (a missing stream, an unwritable path, a poison record under"
                  + " badData.policy fail) fail at once. 0 fails at the first error.");

  public static final ConfigOption<Duration> RESTART_BACKOFF_INITIAL =
      ConfigOptions.key("restart.backoff.initial")
          .durationType()
          .defaultValue(RestartPolicy.DEFAULT_BACKOFF.initial())
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription("The wait before the first restart.");

  public static final ConfigOption<Double> RESTART_BACKOFF_MULTIPLIER =
      ConfigOptions.key("restart.backoff.multiplier")
          .doubleType()
          .defaultValue(RestartPolicy.DEFAULT_BACKOFF.multiplier())
          .withValidator(Validators.atLeast(1.0))
          .withDescription(
              "How much longer each further wait is than the one before (1 keeps it constant).");

  public static final ConfigOption<Duration> RESTART_BACKOFF_MAX =
      ConfigOptions.key("restart.backoff.max")
          .durationType()
          .defaultValue(RestartPolicy.DEFAULT_BACKOFF.max())
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription("The longest wait before a restart; at least restart.backoff.initial.");

  public static final ConfigOption<Double> RESTART_BACKOFF_JITTER =
      ConfigOptions.key("restart.backoff.jitter")
          .doubleType()
          .defaultValue(RestartPolicy.DEFAULT_BACKOFF.jitter())
          .withValidator(Validators.between(0.0, 1.0))
          .withDescription(
              "Each wait is spread at random by up to this fraction of itself, so pipelines that"
                  + " failed together do not restart together. 0 for none.");

  /** The cross-field rules of these options. */
  public static final ConfigValidator RULES = PipelineOptions::checkConsistent;

  /** These options and their rules. Declared last: it reads the fields above. */
  public static final OptionSet OPTIONS = OptionSet.of(PipelineOptions.class);

  /**
   * The checkpoint directory {@code config} chooses: {@code checkpoint.directory}, or {@code
   * checkpoints/<name>} (relative to the working directory) when it is not set.
   */
  public static Path checkpointDirectory(Configuration config) {
    return config
        .getOptional(CHECKPOINT_DIRECTORY)
        .orElseGet(() -> Path.of("checkpoints", config.get(NAME)));
  }

  /** The restart policy {@code config} chooses ({@link RestartPolicy#DEFAULT} when none is set). */
  public static RestartPolicy restartPolicy(Configuration config) {
    checkConsistent(config);
    return RestartPolicy.of(
        config.get(RESTART_MAX_RESTARTS),
        new Backoff(
            config.get(RESTART_BACKOFF_INITIAL),
            config.get(RESTART_BACKOFF_MULTIPLIER),
            config.get(RESTART_BACKOFF_MAX),
            config.get(RESTART_BACKOFF_JITTER)));
  }

  /** Sets the options that {@code policy} stands for. */
  static void setRestartPolicy(Configuration.Builder options, RestartPolicy policy) {
    options
        .set(RESTART_MAX_RESTARTS, policy.maxRestarts())
        .set(RESTART_BACKOFF_INITIAL, policy.backoff().initial())
        .set(RESTART_BACKOFF_MULTIPLIER, policy.backoff().multiplier())
        .set(RESTART_BACKOFF_MAX, policy.backoff().max())
        .set(RESTART_BACKOFF_JITTER, policy.backoff().jitter());
  }

  private static void checkConsistent(Configuration config) {
    Duration initial = config.get(RESTART_BACKOFF_INITIAL);
    Duration max = config.get(RESTART_BACKOFF_MAX);
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(
          RESTART_BACKOFF_MAX.key(),
          max,
          false,
          "must be at least restart.backoff.initial ("
              + RESTART_BACKOFF_INITIAL.display(initial)
              + "); raise restart.backoff.max or lower restart.backoff.initial");
    }
  }
}
