package dev.shardline.cli.connect;

import dev.shardline.api.Sink;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import java.util.List;

/**
 * One {@code type} of a pipeline file's {@code sinks} (and {@code deadLetter}): its options (the
 * connector's {@code *Options} declarations, plus the key options the command adds), and how to
 * build it. Implementations are stateless and thread-safe.
 */
public interface SinkType {

  /** The {@code type} value, e.g. {@code kafka}. */
  String name();

  /** One sentence for the reference page. */
  String summary();

  /** Every option of the section besides {@code type}. */
  OptionSet options();

  /**
   * The options holding a {@link KeyExpression}; their {@code metadata.<field>} must be a field of
   * the pipeline's source.
   */
  default List<ConfigOption<String>> keyOptions() {
    return List.of();
  }

  /**
   * Builds the sink from its section, already checked against {@link #options()}. Must not connect
   * anywhere: {@code validate} calls it to check what only the factory checks.
   */
  Sink<PipelineRecord> create(Configuration config);

  /** Takes a typed option: a connector builder's {@code option(ConfigOption, value)}. */
  interface OptionTaker {
    <V> void take(ConfigOption<V> option, V value);
  }

  /**
   * Hands {@code to} each of {@code options} that {@code from} sets, typed, so that a builder
   * checks and documents them as it does in Java.
   */
  static void copyOptions(List<ConfigOption<?>> options, Configuration from, OptionTaker to) {
    for (ConfigOption<?> option : options) {
      copyOption(option, from, to);
    }
  }

  private static <V> void copyOption(ConfigOption<V> option, Configuration from, OptionTaker to) {
    if (from.contains(option)) {
      to.take(option, from.get(option));
    }
  }
}
