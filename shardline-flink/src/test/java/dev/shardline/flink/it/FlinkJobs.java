package dev.shardline.flink.it;

import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Job set-up and output reading shared by the Flink integration tests. */
final class FlinkJobs {
  private FlinkJobs() {}

  /**
   * An environment on the test's MiniCluster: checkpoints every {@code checkpointMillis}, a
   * fixed-delay restart strategy (so an injected failure restarts from the last checkpoint), and
   * the savepoint to restore from, if any.
   */
  static StreamExecutionEnvironment environment(
      int parallelism, long checkpointMillis, String savepoint) {
    Configuration config = new Configuration();
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    if (savepoint != null) {
      config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpointMillis);
    return env;
  }

  /** Every line of every part the file sink committed in {@code directory}. */
  static List<String> committedLines(Path directory) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return lines;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  /** Every value of {@code topic}, partition by partition in offset order, as UTF-8 text. */
  static List<String> topicValues(LocalKafka kafka, String topic, boolean readCommitted) {
    List<String> values = new ArrayList<>();
    KafkaTestData.readAll(kafka, topic, readCommitted)
        .values()
        .forEach(records -> values.addAll(KafkaTestData.values(records)));
    return values;
  }
}
