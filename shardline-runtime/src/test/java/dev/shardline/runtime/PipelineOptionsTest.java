package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {

  private static PipelineBuilder<Long> builder() {
    return Pipeline.from(GeneratorSource.sequence().count(10).build()).to(new CollectingSink<>());
  }

  private static void configure(Map<String, Object> yaml) {
    builder().configure(Configuration.fromMap(yaml));
  }

  @Test
  void badValuesFromYamlNameTheKeyTheValueAndTheFix() {
    assertThatThrownBy(() -> configure(Map.of("parallelism", "four")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"four\" for option \"parallelism\": not a whole number; use digits"
                + " only, such as 10");
    assertThatThrownBy(() -> configure(Map.of("parallelism", 0)))
        .hasMessage("Invalid value \"0\" for option \"parallelism\": must be at least 1");
    assertThatThrownBy(() -> configure(Map.of("checkpoint", Map.of("interval", 10))))
        .hasMessage(
            "Invalid value \"10\" for option \"checkpoint.interval\": not a duration; use a number"
                + " with a unit, such as 500ms, 10s or 1m (a bare number has no unit)");
    assertThatThrownBy(() -> configure(Map.of("checkpoint.interval", "0s")))
        .hasMessage(
            "Invalid value \"0ms\" for option \"checkpoint.interval\": must be greater than 0ms");
    assertThatThrownBy(() -> configure(Map.of("checkpoint", Map.of("retained", 0))))
        .hasMessage("Invalid value \"0\" for option \"checkpoint.retained\": must be at least 1");
    assertThatThrownBy(() -> configure(Map.of("checkpoint", Map.of("directory", " "))))
        .hasMessageStartingWith(
            "Invalid value \" \" for option \"checkpoint.directory\": must not be empty");
    assertThatThrownBy(() -> configure(Map.of("restart", Map.of("maxRestarts", -1))))
        .hasMessage("Invalid value \"-1\" for option \"restart.maxRestarts\": must be at least 0");
    assertThatThrownBy(() -> configure(Map.of("restart.backoff.jitter", 1.5)))
        .hasMessage(
            "Invalid value \"1.5\" for option \"restart.backoff.jitter\": must be from 0.0 to"
                + " 1.0");
    assertThatThrownBy(() -> configure(Map.of("restart.backoff.multiplier", 0.5)))
        .hasMessage(
            "Invalid value \"0.5\" for option \"restart.backoff.multiplier\": must be at least"
                + " 1.0");
    assertThatThrownBy(() -> configure(Map.of("name", "orders archive")))
        .satisfies(e -> assertThat(((ConfigException) e).key()).contains("name"))
        .hasMessageStartingWith("Invalid value \"orders archive\" for option \"name\": must be");
  }

  @Test
  void fluentSettersFailWithTheSameConfigExceptions() {
    assertThatThrownBy(() -> builder().parallelism(-3))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"-3\" for option \"parallelism\": must be at least 1");
    assertThatThrownBy(() -> builder().checkpointInterval(Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"0ms\" for option \"checkpoint.interval\": must be greater than 0ms");
    assertThatThrownBy(() -> builder().retainedCheckpoints(0))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"0\" for option \"checkpoint.retained\": must be at least 1");
  }

  @Test
  void anUnknownKeyIsRefusedWithTheClosestDeclaredKey() {
    assertThatThrownBy(() -> configure(Map.of("checkpoint", Map.of("intervall", "5s"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Unknown option \"checkpoint.intervall\"; did you mean \"checkpoint.interval\"?");
    assertThatThrownBy(() -> configure(Map.of("restart", Map.of("maxRestart", 1))))
        .hasMessage("Unknown option \"restart.maxRestart\"; did you mean \"restart.maxRestarts\"?");
  }

  @Test
  void aBackoffMaxBelowItsInitialIsRefusedNamingBothKeys() {
    // only initial given: the default max (30s) is below it
    assertThatThrownBy(
            () -> configure(Map.of("restart", Map.of("backoff", Map.of("initial", "1m")))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"30s\" for option \"restart.backoff.max\": must be at least"
                + " restart.backoff.initial (1m); raise restart.backoff.max or lower"
                + " restart.backoff.initial");
    // both given and consistent: accepted
    builder()
        .configure(
            Configuration.fromMap(
                Map.of("restart", Map.of("backoff", Map.of("initial", "1m", "max", "2m")))))
        .build();
  }

  @Test
  void theDefaultsAreTheRuntimesDefaults() {
    Configuration none = Configuration.empty();

    assertThat(PipelineOptions.restartPolicy(none)).isEqualTo(RestartPolicy.DEFAULT);
    assertThat(none.get(PipelineOptions.NAME)).isEqualTo(PipelineBuilder.DEFAULT_NAME);
    assertThat(none.get(PipelineOptions.PARALLELISM)).isEqualTo(1);
    assertThat(none.get(PipelineOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
    assertThat(none.get(PipelineOptions.CHECKPOINT_RETAINED)).isEqualTo(3);
    assertThat(none.get(PipelineOptions.CHECKPOINT_TIMEOUT)).isEqualTo(Duration.ofMinutes(10));
    assertThat(none.get(PipelineOptions.CHECKPOINT_TOLERABLE_FAILURES)).isZero();
  }

  @Test
  void aCheckpointTimeoutThatIsNotPositiveIsRefusedNamingTheKeyAndTheFix() {
    String rule =
        "must be greater than 0ms; for checkpoints that may take long, set a long one such as 1h"
            + " (there is no \"never\")";
    assertThatThrownBy(() -> builder().checkpointTimeout(Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"0ms\" for option \"checkpoint.timeout\": " + rule);
    assertThatThrownBy(() -> builder().checkpointTimeout(Duration.ofSeconds(-5)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid value \"-5s\" for option \"checkpoint.timeout\"");
    assertThatThrownBy(() -> configure(Map.of("checkpoint", Map.of("timeout", "0s"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"0ms\" for option \"checkpoint.timeout\": " + rule);
    assertThatThrownBy(() -> configure(Map.of("checkpoint", Map.of("timeout", 600))))
        .hasMessageStartingWith(
            "Invalid value \"600\" for option \"checkpoint.timeout\": not a duration");
    assertThatThrownBy(() -> configure(Map.of("checkpoint", Map.of("timout", "5m"))))
        .hasMessage("Unknown option \"checkpoint.timout\"; did you mean \"checkpoint.timeout\"?");
  }

  @Test
  void negativeTolerableCheckpointFailuresAreRefused() {
    assertThatThrownBy(() -> builder().tolerableCheckpointFailures(-1))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"-1\" for option \"checkpoint.tolerableFailures\": must be at least 0");
    assertThatThrownBy(() -> configure(Map.of("checkpoint.tolerableFailures", "-2")))
        .hasMessage(
            "Invalid value \"-2\" for option \"checkpoint.tolerableFailures\": must be at least 0");
  }

  @Test
  void theCheckpointTimeoutAndToleranceFromYamlOrTheBuilderReachThePipeline() {
    Pipeline fromYaml =
        builder()
            .configure(
                Configuration.fromMap(
                    Map.of("checkpoint", Map.of("timeout", "90s", "tolerableFailures", 2))))
            .build();
    Pipeline fluent =
        builder().checkpointTimeout(Duration.ofMinutes(3)).tolerableCheckpointFailures(1).build();

    assertThat(fromYaml.spec().checkpointTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(fromYaml.spec().tolerableCheckpointFailures()).isEqualTo(2);
    assertThat(fluent.spec().checkpointTimeout()).isEqualTo(Duration.ofMinutes(3));
    assertThat(fluent.spec().tolerableCheckpointFailures()).isEqualTo(1);
  }

  @Test
  void theCheckpointDirectoryIsDerivedFromTheNameUnlessSet() {
    assertThat(PipelineOptions.checkpointDirectory(Configuration.empty()))
        .isEqualTo(Path.of("checkpoints", "pipeline"));
    assertThat(PipelineOptions.checkpointDirectory(Configuration.fromMap(Map.of("name", "orders"))))
        .isEqualTo(Path.of("checkpoints", "orders"));
    assertThat(
            PipelineOptions.checkpointDirectory(
                Configuration.fromMap(
                    Map.of("name", "orders", "checkpoint.directory", "/var/lib/shardline/x"))))
        .isEqualTo(Path.of("/var/lib/shardline/x"));
  }

  @Test
  void aRestartPolicyIsStoredAsItsOptionsAndReadBackUnchanged() {
    RestartPolicy policy =
        RestartPolicy.of(7, new Backoff(Duration.ofMillis(250), 1.5, Duration.ofMinutes(2), 0.0));
    Configuration.Builder options = Configuration.builder();

    PipelineOptions.setRestartPolicy(options, policy);
    Configuration config = options.build();

    assertThat(PipelineOptions.restartPolicy(config)).isEqualTo(policy);
    assertThat(config.get(PipelineOptions.RESTART_BACKOFF_MAX)).isEqualTo(Duration.ofMinutes(2));
  }
}
