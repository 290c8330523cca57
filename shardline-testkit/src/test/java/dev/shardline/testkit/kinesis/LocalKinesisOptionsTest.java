package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class LocalKinesisOptionsTest {

  @Test
  void defaultsAreWrittenOutExplicitly() {
    Map<String, String> env = LocalKinesis.builder().options().environment(1111, 2222);

    assertThat(env)
        .containsEntry("KINESIS_MOCK_PLAIN_PORT", "1111")
        .containsEntry("KINESIS_MOCK_TLS_PORT", "2222")
        .containsEntry("SHARD_LIMIT", "50")
        .containsEntry("CREATE_STREAM_DURATION", "500ms")
        .containsEntry("UPDATE_SHARD_COUNT_DURATION", "500ms")
        .containsEntry("AWS_REGION", "us-east-1")
        .containsEntry("AWS_ACCOUNT_ID", "000000000000")
        .containsEntry("LOG_LEVEL", "INFO")
        .containsEntry("SHOULD_PERSIST_DATA", "false")
        .containsEntry("LOAD_DATA_IF_EXISTS", "false")
        .doesNotContainKey("INITIALIZE_STREAMS");
  }

  @Test
  void optionsBecomeKinesisMockVariables() {
    Map<String, String> env =
        LocalKinesis.builder()
            .shardLimit(7)
            .createStreamDuration(Duration.ofMillis(1500))
            .deleteStreamDuration(Duration.ZERO)
            .mergeShardsDuration(Duration.ofSeconds(2))
            .splitShardDuration(Duration.ofMillis(10))
            .updateShardCountDuration(Duration.ofMillis(20))
            .registerStreamConsumerDuration(Duration.ofMillis(30))
            .deregisterStreamConsumerDuration(Duration.ofMillis(40))
            .initialStream("orders", 4)
            .initialStream("audit", 1)
            .region(Region.EU_WEST_1)
            .accountId("123456789012")
            .logLevel("debug")
            .options()
            .environment(1, 2);

    assertThat(env)
        .containsEntry("SHARD_LIMIT", "7")
        .containsEntry("CREATE_STREAM_DURATION", "1500ms")
        .containsEntry("DELETE_STREAM_DURATION", "0ms")
        .containsEntry("MERGE_SHARDS_DURATION", "2000ms")
        .containsEntry("SPLIT_SHARD_DURATION", "10ms")
        .containsEntry("UPDATE_SHARD_COUNT_DURATION", "20ms")
        .containsEntry("REGISTER_STREAM_CONSUMER_DURATION", "30ms")
        .containsEntry("DEREGISTER_STREAM_CONSUMER_DURATION", "40ms")
        .containsEntry("INITIALIZE_STREAMS", "orders:4,audit:1")
        .containsEntry("AWS_REGION", "eu-west-1")
        .containsEntry("AWS_ACCOUNT_ID", "123456789012")
        .containsEntry("LOG_LEVEL", "DEBUG");
  }

  @Test
  void everyVariableSetIsOneClearedFromTheInheritedEnvironment() {
    Map<String, String> env =
        LocalKinesis.builder().initialStream("s", 1).options().environment(1, 2);

    assertThat(LocalKinesis.SERVER_VARIABLES).containsAll(env.keySet());
  }

  @Test
  void theOptionsSnapshotIgnoresLaterBuilderChanges() {
    LocalKinesis.Builder builder = LocalKinesis.builder().initialStream("first", 1);
    LocalKinesis.Options options = builder.options();

    builder.initialStream("second", 1).shardLimit(3);

    assertThat(options.initialStreams()).containsOnlyKeys("first");
    assertThat(options.shardLimit()).isEqualTo(50);
  }

  @Test
  void badValuesAreRefusedWithTheValue() {
    LocalKinesis.Builder builder = LocalKinesis.builder();

    assertThatThrownBy(() -> builder.shardLimit(0))
        .hasMessageContaining("shardLimit")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> builder.initialStream("no spaces", 1))
        .hasMessageContaining("'no spaces'");
    assertThatThrownBy(() -> builder.initialStream("s", 0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> builder.accountId("123")).hasMessageContaining("12 digits");
    assertThatThrownBy(() -> builder.logLevel("LOUD")).hasMessageContaining("LOUD");
    assertThatThrownBy(() -> builder.createStreamDuration(Duration.ofMillis(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> builder.startTimeout(Duration.ZERO)).hasMessageContaining("positive");
  }
}
