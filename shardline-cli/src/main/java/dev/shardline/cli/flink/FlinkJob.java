package dev.shardline.cli.flink;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.Sink;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.cli.connect.DeadLetterRecords;
import dev.shardline.cli.connect.MappedSinks;
import dev.shardline.cli.connect.PipelineRecord;
import dev.shardline.cli.connect.SinkType;
import dev.shardline.cli.connect.SourceType.ConfiguredSource;
import dev.shardline.cli.spec.PipelineDefinition;
import dev.shardline.cli.spec.PipelineDefinition.Section;
import dev.shardline.cli.transform.RecordStep;
import dev.shardline.cli.transform.TransformType;
import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import dev.shardline.runtime.PipelineOptions;
import dev.shardline.runtime.RestartPolicy;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A checked {@link PipelineDefinition} as a Flink job: the same source, transforms ({@link
 * RecordStep}s), sinks and dead-letter sink the embedded runner assembles ({@code
 * PipelineAssembler}), through {@link FlinkSource} and {@link FlinkSink}. Operator uids are fixed
 * ({@value #SOURCE_UID}, {@code transform-<i>}, {@code sink-<i>}), so a job resubmitted from the
 * same file restores from the previous run's checkpoint or savepoint. Stateless.
 */
public final class FlinkJob {
  /** The source operator's uid. */
  public static final String SOURCE_UID = "source";

  /** The uid of the operator that turns the source's records into {@link PipelineRecord}s. */
  public static final String TO_RECORD_UID = "to-record";

  private static final TypeInformation<PipelineRecord> RECORDS =
      new GenericTypeInfo<>(PipelineRecord.class);

  private FlinkJob() {}

  /**
   * The pipeline name a Flink job's sinks see, {@code <name>-flink}: file part names and Kafka
   * transactional ids are made from it and from checkpoint ids, which start again from 1 on Flink,
   * so they must differ from those the embedded runner wrote for the same file (the migration
   * runbook of shardline-flink), and stay the same across Flink runs.
   */
  public static String sinkPipelineName(PipelineDefinition definition) {
    return definition.name() + "-flink";
  }

  /** The uid of the {@code index}th transform (from 0, in file order). */
  public static String transformUid(int index) {
    return "transform-" + index;
  }

  /** The uid (and sink id, as on the embedded runner) of the {@code index}th sink. */
  public static String sinkUid(int index) {
    return "sink-" + index;
  }

  /**
   * The job's Flink settings from the pipeline's: checkpoint interval, timeout, tolerable failures
   * and retention; checkpoint and savepoint storage under {@code <checkpoint.directory>/flink} (a
   * file:// URI: on a real cluster, give a checkpoint.directory every JobManager and TaskManager
   * reads and writes at the same path); checkpoints retained on cancellation; a restart strategy
   * after {@code restart.*}; object reuse (records are immutable, so chained operators hand them on
   * without copies).
   *
   * @param restoreFrom a Flink checkpoint or savepoint to restore from, or empty
   */
  public static Configuration configuration(
      PipelineDefinition definition, Optional<Path> restoreFrom) {
    org.apache.flink.configuration.Configuration conf = new Configuration();
    dev.shardline.config.Configuration settings = definition.settings();
    Path directory = definition.checkpointDirectory().toAbsolutePath().normalize();
    conf.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        settings.get(PipelineOptions.CHECKPOINT_INTERVAL));
    conf.set(
        CheckpointingOptions.CHECKPOINTING_TIMEOUT,
        settings.get(PipelineOptions.CHECKPOINT_TIMEOUT));
    conf.set(
        CheckpointingOptions.TOLERABLE_FAILURE_NUMBER,
        settings.get(PipelineOptions.CHECKPOINT_TOLERABLE_FAILURES));
    conf.set(
        CheckpointingOptions.MAX_RETAINED_CHECKPOINTS,
        settings.get(PipelineOptions.CHECKPOINT_RETAINED));
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        FlinkCheckpoints.flinkDirectory(directory).toUri().toString());
    conf.set(
        CheckpointingOptions.SAVEPOINT_DIRECTORY,
        FlinkCheckpoints.savepointDirectory(directory).toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(org.apache.flink.configuration.PipelineOptions.OBJECT_REUSE, true);
    setRestartStrategy(conf, PipelineOptions.restartPolicy(settings));
    restoreFrom.ifPresent(
        path -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    return conf;
  }

  private static void setRestartStrategy(Configuration conf, RestartPolicy policy) {
    if (policy.maxRestarts() == 0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
      return;
    }
    if (policy.backoff().multiplier() <= 1.0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, policy.maxRestarts());
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, policy.backoff().initial());
      return;
    }
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, policy.maxRestarts());
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
        policy.backoff().initial());
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
        policy.backoff().max());
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
        policy.backoff().multiplier());
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR,
        policy.backoff().jitter());
  }

  /**
   * Adds the pipeline to {@code env} at the pipeline's parallelism.
   *
   * @param embeddedSeed an embedded checkpoint directory to start from when the job has no Flink
   *     state of its own ({@link FlinkSource#startingFromCheckpoint}), or empty
   * @throws UnrecoverableException when a connector cannot run on Flink (a two-phase dead-letter
   *     sink, a function that cannot be serialized), naming the section of the file
   */
  public static void build(
      StreamExecutionEnvironment env, PipelineDefinition definition, Optional<Path> embeddedSeed) {
    env.setParallelism(definition.settings().get(PipelineOptions.PARALLELISM));
    String name = definition.name();
    Optional<Sink<DeadLetter>> deadLetters =
        definition.deadLetter().map(section -> checked(section, () -> deadLetterSink(section)));
    DataStream<PipelineRecord> records = source(env, definition, deadLetters, embeddedSeed);
    int index = 0;
    for (Section<TransformType> transform : definition.transforms()) {
      RecordStep step = transform.type().step(transform.config());
      String label = transform.path() + " " + transform.type().name();
      if (step instanceof RecordStep.Keep keep) {
        records = records.filter(new Keep(keep)).uid(transformUid(index)).name(label);
      } else {
        records =
            records
                .map(new Change<>(((RecordStep.Change) step).function()))
                .returns(RECORDS)
                .uid(transformUid(index))
                .name(label);
      }
      index++;
    }
    for (int i = 0; i < definition.sinks().size(); i++) {
      Section<SinkType> section = definition.sinks().get(i);
      String sinkId = sinkUid(i);
      FlinkSink<PipelineRecord> sink =
          checked(
              section,
              () -> {
                FlinkSink<PipelineRecord> s =
                    FlinkSink.<PipelineRecord>of(section.type().create(section.config()))
                        .pipelineName(sinkPipelineName(definition))
                        .sinkId(sinkId);
                return deadLetters.isPresent() ? s.deadLetterTo(deadLetters.get()) : s;
              });
      records.sinkTo(sink).uid(sinkId).name(section.path() + " " + section.type().name());
    }
  }

  private static <T> DataStream<PipelineRecord> source(
      StreamExecutionEnvironment env,
      PipelineDefinition definition,
      Optional<Sink<DeadLetter>> deadLetters,
      Optional<Path> embeddedSeed) {
    Section<dev.shardline.cli.connect.SourceType> section = definition.source();
    @SuppressWarnings("unchecked")
    ConfiguredSource<T> configured =
        (ConfiguredSource<T>) checked(section, () -> section.type().create(section.config()));
    FlinkSource<T, ?, ?> source =
        checked(
            section,
            () -> {
              FlinkSource<T, ?, ?> s =
                  FlinkSource.of(configured.source()).pipelineName(definition.name());
              if (deadLetters.isPresent()) {
                s = s.deadLetterTo(deadLetters.get());
              }
              return embeddedSeed.isPresent() ? s.startingFromCheckpoint(embeddedSeed.get()) : s;
            });
    return env.fromSource(
            source, WatermarkStrategy.noWatermarks(), section.path() + " " + section.type().name())
        .uid(SOURCE_UID)
        .map(new Change<>(configured.toRecord()))
        .returns(RECORDS)
        .uid(TO_RECORD_UID)
        .name("to records");
  }

  // Named classes, not method references: javac's $deserializeLambda$ can hand a deserialized
  // "f::apply" the cast of another "g::apply" of this class (a ClassCastException on the cluster).

  /** A {@link RecordStep.Keep} as a Flink filter. */
  private static final class Keep implements FilterFunction<PipelineRecord> {
    private static final long serialVersionUID = 1L;
    private final RecordStep.Keep step;

    Keep(RecordStep.Keep step) {
      this.step = step;
    }

    @Override
    public boolean filter(PipelineRecord record) {
      return step.predicate().test(record);
    }
  }

  /** A serializable function (a {@link RecordStep.Change}, a source's conversion) as a map. */
  private static final class Change<T> implements MapFunction<T, PipelineRecord> {
    private static final long serialVersionUID = 1L;
    private final SerializableFunction<T, PipelineRecord> function;

    Change(SerializableFunction<T, PipelineRecord> function) {
      this.function = function;
    }

    @Override
    public PipelineRecord map(T record) {
      return function.apply(record);
    }
  }

  private static Sink<DeadLetter> deadLetterSink(Section<SinkType> section) {
    Sink<DeadLetter> sink =
        MappedSinks.map(section.type().create(section.config()), DeadLetterRecords::toRecord);
    return sink;
  }

  /** {@code build}'s result, its refusal prefixed with the section of the file it is about. */
  private static <R> R checked(Section<?> section, java.util.function.Supplier<R> build) {
    try {
      return build.get();
    } catch (RuntimeException e) {
      throw new UnrecoverableException(
          section.path() + " (line " + section.location().line() + "): " + e.getMessage(), e);
    }
  }
}
